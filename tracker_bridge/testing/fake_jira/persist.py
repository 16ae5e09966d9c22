"""Save and restore the fake's data as JSON (the harness's `state_file`), so a fake started
from the CLI keeps its issues and sprints across restarts."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from .data import JiraData
from .state import Issue, Sprint

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
