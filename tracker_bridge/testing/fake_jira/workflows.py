"""Workflow presets: the workflows real Jira projects start with, as `Workflow` specs.

Select one with `FakeJira(workflow="datacenter")`, `workflow_preset("scrum")` or
`tracker-bridge fake jira --workflow NAME`. Each mirrors what Jira creates for that kind of
project, so a mapping tested here meets the same statuses, transitions and screens:

- `mlops`: one status per canonical stage, one step at a time (the fake's default).
- `team-managed`: Jira Cloud's team-managed (next-gen) software project: To Do, In Progress,
  Done, and Jira's permissive global transitions (any status to any status, no screens; the
  resolution is set by Jira itself).
- `scrum`: a company-managed Scrum project (Jira Software's simplified workflow): To Do,
  In Progress, In Review, Done, with global "any status" transitions and no screens.
- `kanban`: a company-managed Kanban project: Backlog, Selected for Development,
  In Progress, Done, with global transitions.
- `datacenter`: a Data Center project on a classic workflow: Open, In Progress, In Review,
  Done, Reopened, one step at a time; the Done transition's screen requires Resolution.
- `datacenter-strict`: as `datacenter`, but the Done screen also requires Assignee and a
  work log (Log Work), as many Data Center admins configure it.
"""

from __future__ import annotations

from typing import Any

from .workflow import MLOPS_WORKFLOW


def _global(names: list[str]) -> list[dict[str, Any]]:
    """Jira's "any status" transitions: one per status, named after it, no screen."""
    return [{"name": name, "to": name, "global": True, "requires": []} for name in names]


TEAM_MANAGED: dict[str, Any] = {
    "statuses": [
        {"name": "To Do", "category": "new"},
        {"name": "In Progress", "category": "indeterminate"},
        {"name": "Done", "category": "done"},
    ],
    "transitions": _global(["To Do", "In Progress", "Done"]),
}

SCRUM: dict[str, Any] = {
    "statuses": [
        {"name": "To Do", "category": "new"},
        {"name": "In Progress", "category": "indeterminate"},
        {"name": "In Review", "category": "indeterminate"},
        {"name": "Done", "category": "done"},
    ],
    "transitions": _global(["To Do", "In Progress", "In Review", "Done"]),
}

KANBAN: dict[str, Any] = {
    "statuses": [
        {"name": "Backlog", "category": "new"},
        {"name": "Selected for Development", "category": "new"},
        {"name": "In Progress", "category": "indeterminate"},
        {"name": "Done", "category": "done"},
    ],
    "transitions": _global(["Backlog", "Selected for Development", "In Progress", "Done"]),
}


def _datacenter(done_requires: list[str]) -> dict[str, Any]:
    return {
        "statuses": [
            {"name": "Open", "category": "new"},
            {"name": "In Progress", "category": "indeterminate"},
            {"name": "In Review", "category": "indeterminate"},
            {"name": "Done", "category": "done"},
            {"name": "Reopened", "category": "new"},
        ],
        "transitions": [
            {"name": "Start Progress", "from": ["Open", "Reopened"], "to": "In Progress"},
            {"name": "Stop Progress", "from": ["In Progress"], "to": "Open"},
            {"name": "Submit for Review", "from": ["In Progress"], "to": "In Review"},
            {"name": "Back to In Progress", "from": ["In Review"], "to": "In Progress"},
            {"name": "To Done", "from": ["In Review"], "to": "Done", "requires": done_requires},
            {"name": "Reopen", "from": ["Done"], "to": "Reopened"},
        ],
    }


DATACENTER = _datacenter(["resolution"])
DATACENTER_STRICT = _datacenter(["resolution", "assignee", "worklog"])

PRESETS: dict[str, dict[str, Any]] = {
    "mlops": MLOPS_WORKFLOW,
    "team-managed": TEAM_MANAGED,
    "scrum": SCRUM,
    "kanban": KANBAN,
    "datacenter": DATACENTER,
    "datacenter-strict": DATACENTER_STRICT,
}


def workflow_preset(name: str) -> dict[str, Any]:
    """The spec of a preset by name; ValueError naming the presets otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown workflow preset {name!r}; presets: {', '.join(PRESETS)}"
        ) from None


__all__ = ["PRESETS", "workflow_preset"]
