"""Custom fields a test (or `tracker-bridge fake jira --field NAME:TYPE`) defines on the fake.

Each type is one of Jira's own custom field types, with the schema `GET /field` reports for
it, the values Jira accepts on create/edit, and the JSON it answers with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .state import FieldDef, jira_time

if TYPE_CHECKING:
    from .data import JiraData

PLUGIN = "com.atlassian.jira.plugin.system.customfieldtypes:"
# our type name -> (schema type, schema items, Jira's custom field type key)
CUSTOM_TYPES: dict[str, tuple[str, str | None, str]] = {
    "number": ("number", None, "float"),
    "text": ("string", None, "textfield"),
    "textarea": ("string", None, "textarea"),
    "url": ("string", None, "url"),
    "date": ("date", None, "datepicker"),
    "datetime": ("datetime", None, "datetime"),
    "select": ("option", None, "select"),
    "multiselect": ("array", "option", "multiselect"),
    "labels": ("array", "string", "labels"),
    "user": ("user", None, "userpicker"),
}
FIRST_ID = 10500  # above the ids the built-in custom fields draw from (10010-10399)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPEC = re.compile(r"^(?P<name>[^:=]*[^:=\s][^:=]*):(?P<type>[a-z]+)(?:=(?P<options>.*))?$")


@dataclass
class CustomField:
    id: str  # customfield_NNNNN
    name: str
    type: str  # a key of CUSTOM_TYPES
    options: list[tuple[str, str]] = field(default_factory=list)  # (option id, value)

    @property
    def number(self) -> int:
        return int(self.id.split("_")[1])


def parse_spec(spec: str) -> tuple[str, str, list[str]]:
    """`NAME:TYPE` or `NAME:TYPE=Option,Option` (select types) → (name, type, options)."""
    found = _SPEC.match(spec.strip())
    if found is None:
        raise ValueError(f"expected NAME:TYPE (e.g. 'Story Points:number'), got {spec!r}")
    options = [o.strip() for o in (found["options"] or "").split(",") if o.strip()]
    return found["name"].strip(), found["type"], options


def define(data: JiraData, name: str, kind: str, options: Sequence[str] = ()) -> CustomField:
    """Add a custom field; its id is new and higher than every custom field id before it."""
    if kind not in CUSTOM_TYPES:
        raise ValueError(f"unknown field type {kind!r}; use one of {', '.join(CUSTOM_TYPES)}")
    if any(f.name.lower() == name.lower() for f in data.fields):
        raise ValueError(f"a field named {name!r} already exists")
    if options and kind not in ("select", "multiselect"):
        raise ValueError(f"only select and multiselect fields take options, not {kind!r}")
    numbers = [int(f.id.split("_")[1]) for f in data.fields if f.id.startswith("customfield_")]
    number = max([FIRST_ID - 1, *numbers]) + 1
    taken = sum(len(c.options) for c in data.custom_defs.values())
    made = CustomField(
        f"customfield_{number}",
        name,
        kind,
        [(str(10100 + taken + i), value) for i, value in enumerate(options)],
    )
    schema_type, items, key = CUSTOM_TYPES[kind]
    schema: dict[str, Any] = {"type": schema_type, "custom": PLUGIN + key, "customId": number}
    if items:
        schema["items"] = items
    definition = FieldDef(made.id, name, schema, custom=True)
    data.fields.append(definition)
    data.field_by_id[made.id] = definition
    data.custom_defs[made.id] = made
    return made


def check(data: JiraData, cf: CustomField, value: Any) -> str:
    """Why Jira would refuse this value ("" when it takes it)."""
    if value is None:
        return ""
    kind = cf.type
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return "" if ok else "Operation value must be a number"
    if kind in ("text", "textarea", "url"):
        if not isinstance(value, str):
            return "Operation value must be a string"
        limit = 255 if kind == "text" else 32767
        return "" if len(value) <= limit else f"The entered text is too long ({limit} max)."
    if kind == "date":
        dated = isinstance(value, str) and _DATE.match(value) is not None
        return "" if dated else f"Error parsing date string: {value}"
    if kind == "datetime":
        return "" if _datetime(value) is not None else f"Error parsing date string: {value}"
    if kind == "select":
        return _option_problem(cf, value)
    if kind == "multiselect":
        if not isinstance(value, list):
            return "Operation value must be a list of options"
        return next((p for v in value if (p := _option_problem(cf, v))), "")
    if kind == "labels":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "Labels must be a list of strings."
        bad = next((v for v in value if " " in v or not v), None)
        return f"The label '{bad}' contains spaces which is invalid." if bad is not None else ""
    wanted = _user_ref(data, value)
    known = data.name_by_account if data.flavour == "cloud" else data.people
    return "" if wanted in known else f"User '{wanted}' does not exist."


def store(data: JiraData, cf: CustomField, value: Any) -> Any:
    """The stored form of a checked value: plain JSON a state file keeps."""
    if value is None:
        return None
    if cf.type == "number":
        return float(value)
    if cf.type == "datetime":
        moment = _datetime(value)
        return moment.isoformat() if moment else None
    if cf.type == "select":
        return _option(cf, value)[1]  # type: ignore[index]
    if cf.type == "multiselect":
        return [_option(cf, v)[1] for v in value]  # type: ignore[index]
    if cf.type == "labels":
        return list(dict.fromkeys(value))
    if cf.type == "user":
        wanted = _user_ref(data, value)
        return data.name_by_account[wanted] if data.flavour == "cloud" else wanted
    return value


def render(cf: CustomField, stored: Any, base: str, user: Any) -> Any:
    """The JSON Jira answers with for a stored value (`user` renders a login)."""
    if stored is None:
        return None
    if cf.type == "datetime":
        return jira_time(datetime.fromisoformat(stored))
    if cf.type == "select":
        return option_json(cf, stored, base)
    if cf.type == "multiselect":
        return [option_json(cf, value, base) for value in stored]
    if cf.type == "user":
        return user(stored)
    return stored


def jql_value(cf: CustomField, stored: Any, zone: Any) -> set[str] | datetime | float | None:
    """What JQL compares: numbers, moments in the user's zone, or lower-cased text."""
    if stored is None or stored == []:
        return None
    if cf.type == "number":
        return float(stored)
    if cf.type == "date":
        return datetime.fromisoformat(stored).replace(tzinfo=zone)
    if cf.type == "datetime":
        return datetime.fromisoformat(stored)
    values = stored if isinstance(stored, list) else [stored]
    return {str(v).lower() for v in values}


# -- helpers -----------------------------------------------------------------------------------
def _option(cf: CustomField, ref: Any) -> tuple[str, str] | None:
    if not isinstance(ref, Mapping):
        return None
    for option_id, value in cf.options:
        if ("id" in ref and str(ref["id"]) == option_id) or (
            "id" not in ref and ref.get("value") == value
        ):
            return (option_id, value)
    return None


def _option_problem(cf: CustomField, ref: Any) -> str:
    if _option(cf, ref) is not None:
        return ""
    if isinstance(ref, Mapping) and "id" in ref:
        return f"Option id '{ref['id']}' is not valid"
    shown = ref.get("value") if isinstance(ref, Mapping) else ref
    return f"Option value '{shown}' is not valid"


def option_json(cf: CustomField, value: str, base: str) -> dict[str, Any]:
    option_id = next((i for i, v in cf.options if v == value), "")
    return {"self": f"{base}/rest/api/2/customFieldOption/{option_id}", "value": value,
            "id": option_id}  # fmt: skip


def _user_ref(data: JiraData, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return None
    return value.get("accountId" if data.flavour == "cloud" else "name")


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
