"""JQL names beyond the sync's own subset: custom fields (`cf[10050]` or their quoted name,
e.g. `"Story Points" >= 3`), `fixVersion`, `affectedVersion`, `reporter` and `creator`."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import custom_fields

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .data import JiraData
    from .state import Issue

JqlValue = set[str] | datetime | float | None
VERSION_CLAUSES = {"fixversion": "fixVersions", "affectedversion": "versions"}
USER_CLAUSES = ("reporter", "creator")
# Custom fields the search module already answers under these names.
NATIVE = ("sprint", "epic link")


_NAMES: weakref.WeakKeyDictionary[JiraData, tuple[int, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)


def _custom_ids(data: JiraData) -> dict[str, str]:
    """Every custom field's JQL names (`cf[N]` and the lower-cased name) → its field id.

    Asked once per issue and clause in a search, so kept until a field is added."""
    cached = _NAMES.get(data)
    if cached is not None and cached[0] == len(data.fields):
        return cached[1]
    out: dict[str, str] = {}
    for f in data.fields:
        if f.custom:
            out[f"cf[{f.id.split('_')[1]}]"] = f.id
            out[f.name.lower()] = f.id
    _NAMES[data] = (len(data.fields), out)
    return out


def native(data: JiraData, clause: str) -> str:
    """`cf[N]` of a field the search module handles by name (Sprint, Epic Link) → that name."""
    field_id = _custom_ids(data).get(clause)
    name = data.field_name(field_id).lower() if field_id else ""
    return name if name in NATIVE else clause


def names(data: JiraData) -> set[str]:
    return set(_custom_ids(data)) | set(VERSION_CLAUSES) | set(USER_CLAUSES)


def kinds(data: JiraData) -> dict[str, str]:
    """Clause names whose values compare as numbers or dates, not as text."""
    out: dict[str, str] = {}
    for clause, field_id in _custom_ids(data).items():
        schema_type = data.field_by_id[field_id].schema.get("type")
        if schema_type == "number":
            out[clause] = "number"
        elif schema_type in ("date", "datetime"):
            out[clause] = "date"
    return out


def unknown_value(data: JiraData, clause: str, value: str) -> str:
    """Jira's message for a literal the field cannot hold ("" when it can)."""
    if clause in VERSION_CLAUSES:
        known = {v.name.lower() for v in data.versions.values()} | set(data.versions)
        if value.lower() not in known:
            return f"The value '{value}' does not exist for the field '{clause}'."
    field_id = _custom_ids(data).get(clause)
    cf = data.custom_defs.get(field_id or "")
    if cf is not None and cf.type in ("select", "multiselect"):
        known = {v.lower() for _, v in cf.options} | {i for i, _ in cf.options}
        if value.lower() not in known:
            return f"The option '{value}' for field '{cf.name}' does not exist."
    return ""


def sort_key(data: JiraData, clause: str, zone: ZoneInfo) -> Callable[[Issue], Any]:
    """ORDER BY a custom field, version or person: empty values last when ascending."""

    def key(issue: Issue) -> tuple[bool, Any]:
        found = lookup(data, issue, clause, zone)
        value: Any = (min(found) if found else None) if isinstance(found, set) else found
        return (value is None, value if value is not None else 0)

    return key


def lookup(data: JiraData, issue: Issue, clause: str, zone: ZoneInfo) -> JqlValue:
    if clause in VERSION_CLAUSES:
        ids = issue.values.get(VERSION_CLAUSES[clause]) or []
        return {i for i in ids} | {data.versions[i].name.lower() for i in ids}
    if clause in USER_CLAUSES:
        login = issue.values.get(clause)
        return {data.people[login], login.lower()} if login in data.people else set()
    field_id = _custom_ids(data).get(clause)
    if field_id is None:
        return None
    stored = issue.values.get(field_id)
    cf = data.custom_defs.get(field_id)
    if cf is not None:
        value = custom_fields.jql_value(cf, stored, zone)
        if cf.type == "select" and isinstance(value, set):  # option ids match too
            value |= {i for i, v in cf.options if v.lower() in value}
        return value
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        return float(stored)  # Story Points
    return {str(stored).lower()} if stored not in (None, "") else None
