"""Save and restore the fake's data as JSON (the harness's `state_file`), so a fake started
from the CLI keeps its issues and sprints across restarts."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import datetime
from typing import Any

from . import custom_fields
from .data import JiraData
from .state import Issue, Sprint
from .versions import Version

_ISSUE_TIMES = ("created", "updated", "resolutiondate")
_SPRINT_TIMES = ("start", "end", "complete", "created")
_COUNTERS = ("next_issue_id", "next_number", "next_history_id", "next_comment_id", "next_sprint_id")


def _out(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _in(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def dump(data: JiraData) -> dict[str, Any]:
    return {
        "version": 1,
        "flavour": data.flavour,
        "issues": [{k: _out(v) for k, v in asdict(i).items()} for i in data.issues.values()],
        "sprints": [{k: _out(v) for k, v in asdict(s).items()} for s in data.sprints.values()],
        "counters": {name: getattr(data, name) for name in _COUNTERS},
        "people": list(data.people),
        "custom_fields": [asdict(c) for c in data.custom_defs.values()],
        "versions": [asdict(v) for v in data.versions.values()],
    }


def load(data: JiraData, state: dict[str, Any]) -> None:
    if state.get("version") != 1 or state.get("flavour") != data.flavour:
        raise ValueError("the state file was saved by another version or flavour of the fake")
    issue_names = {f.name for f in fields(Issue)}
    sprint_names = {f.name for f in fields(Sprint)}
    data.issues.clear()
    data.key_by_id.clear()
    for raw in state["issues"]:
        values = {k: _in(v) if k in _ISSUE_TIMES else v for k, v in raw.items() if k in issue_names}
        issue = Issue(**values)
        data.issues[issue.key] = issue
        data.key_by_id[issue.id] = issue.key
    data.last_rank = max((i.rank for i in data.issues.values()), default="")
    data.sprints = {}
    for raw in state["sprints"]:
        values = {
            k: _in(v) if k in _SPRINT_TIMES else v for k, v in raw.items() if k in sprint_names
        }
        sprint = Sprint(**values)
        data.sprints[sprint.id] = sprint
    for name, value in state["counters"].items():
        if name in _COUNTERS:
            setattr(data, name, value)
    _load_setup(data, state)


def _load_setup(data: JiraData, state: dict[str, Any]) -> None:
    """Users, custom fields and versions added at run time (files saved before them lack them)."""
    for name in state.get("people", []):
        data.add_user(name)
    for raw in state.get("custom_fields", []):
        existing = data.custom_defs.get(raw["id"])
        if existing is not None and existing.name.lower() == raw["name"].lower():
            continue  # defined again (e.g. by --field) in the same order: same id
        taken = raw["id"] in data.field_by_id
        if taken or any(f.name.lower() == raw["name"].lower() for f in data.fields):
            clash = (
                f"which this start gives to {data.field_name(raw['id'])!r}"
                if taken
                else "but this start gave it another id"
            )
            raise ValueError(
                f"the state file keeps custom field {raw['name']!r} as {raw['id']}, {clash}; "
                "define the fields in the saved order"
            )
        made = custom_fields.define(data, raw["name"], raw["type"], [v for _, v in raw["options"]])
        if made.id != raw["id"]:  # keep the saved id, which stored values refer to
            _rename_field(data, made.id, raw["id"])
    data.versions.update({raw["id"]: Version(**raw) for raw in state.get("versions", [])})


def _rename_field(data: JiraData, old: str, new: str) -> None:
    made = data.custom_defs.pop(old)
    made.id = new
    data.custom_defs[new] = made
    definition = data.field_by_id.pop(old)
    number = int(new.split("_")[1])
    schema = {**definition.schema, "customId": number}
    renamed = replace(definition, id=new, schema=schema)
    data.fields[data.fields.index(definition)] = renamed
    data.field_by_id[new] = renamed
