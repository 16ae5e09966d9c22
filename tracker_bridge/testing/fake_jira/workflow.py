"""A Jira workflow as a graph: statuses with categories, transitions with required fields.

Configurable with a plain dict so tests can model a team's own workflow:
`{"statuses": [{"name": ..., "category": "new"|"indeterminate"|"done"}, ...],
  "transitions": [{"name": ..., "from": [...], "to": ..., "requires": ["resolution"]}, ...]}`.
The first status is the initial one. Transitions into a `done` status require `resolution`
unless `requires` says otherwise (`assignee` and `worklog` are the other screen fields the
fake knows; `"validators": [field ids]` refuse the POST while those fields are empty).
`"global": true` makes a transition Jira's "any status" kind: offered from every
status but its own target. `workflows.py` holds presets of real projects' workflows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CATEGORIES: dict[str, dict[str, Any]] = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}

MLOPS_WORKFLOW: dict[str, Any] = {
    "statuses": [
        {"name": "Backlog", "category": "new"},
        {"name": "Selected for Development", "category": "new"},
        {"name": "In Progress", "category": "indeterminate"},
        {"name": "In Review", "category": "indeterminate"},
        {"name": "Ready for Staging", "category": "indeterminate"},
        {"name": "In Staging", "category": "indeterminate"},
        {"name": "Ready for Prod", "category": "indeterminate"},
        {"name": "Done", "category": "done"},
    ],
    "transitions": [
        {"name": "Select for Development", "from": ["Backlog"], "to": "Selected for Development"},
        {"name": "Start Progress", "from": ["Selected for Development"], "to": "In Progress"},
        {"name": "Request Review", "from": ["In Progress"], "to": "In Review"},
        {"name": "Approve", "from": ["In Review"], "to": "Ready for Staging"},
        {"name": "Deploy to Staging", "from": ["Ready for Staging"], "to": "In Staging"},
        {"name": "Pass Staging", "from": ["In Staging"], "to": "Ready for Prod"},
        {"name": "Release", "from": ["Ready for Prod"], "to": "Done"},
        # The few ways back a team really uses; deliberately no Backlog -> Done shortcut.
        {"name": "Back to Backlog", "from": ["Selected for Development"], "to": "Backlog"},
        {"name": "Stop Progress", "from": ["In Progress"], "to": "Selected for Development"},
        {"name": "Request Changes", "from": ["In Review"], "to": "In Progress"},
        {"name": "Fail Staging", "from": ["In Staging"], "to": "In Progress"},
        {"name": "Reopen", "from": ["Done"], "to": "In Progress"},
    ],
}


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: str

    def json(self, base: str) -> dict[str, Any]:
        cat = CATEGORIES[self.category]
        return {
            "self": f"{base}/rest/api/2/status/{self.id}",
            "description": "",
            "iconUrl": f"{base}/images/icons/statuses/generic.png",
            "name": self.name,
            "id": self.id,
            "statusCategory": {"self": f"{base}/rest/api/2/statuscategory/{cat['id']}", **cat},
        }


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    sources: tuple[str, ...]  # status ids
    target: str  # status id
    requires: tuple[str, ...]
    is_global: bool = False
    validators: tuple[str, ...] = ()
    """Field ids a validator checks when the transition is POSTed (not on any screen, so
    invisible in `transitions.fields`, as in Jira)."""


class Workflow:
    def __init__(self, spec: Mapping[str, Any] | str | None = None) -> None:
        if isinstance(spec, str):
            from .workflows import workflow_preset

            spec = workflow_preset(spec)
        spec = spec or MLOPS_WORKFLOW
        raw_statuses: Sequence[Mapping[str, Any]] = spec["statuses"]
        if not raw_statuses:
            raise ValueError("a workflow needs at least one status")
        self.statuses: list[Status] = []
        for index, raw in enumerate(raw_statuses):
            category = str(raw.get("category", "indeterminate"))
            if category not in CATEGORIES:
                raise ValueError(f"unknown status category {category!r}")
            self.statuses.append(Status(str(raw.get("id", 10000 + index)), raw["name"], category))
        self._by_name = {s.name.lower(): s for s in self.statuses}
        self._by_id = {s.id: s for s in self.statuses}
        self.transitions: list[Transition] = []
        for index, raw in enumerate(spec.get("transitions", ())):
            target = self.status(raw["to"])
            default_requires = ("resolution",) if target.category == "done" else ()
            self.transitions.append(
                Transition(
                    id=str(raw.get("id", 11 + 10 * index)),
                    name=raw["name"],
                    sources=tuple(self.status(name).id for name in raw.get("from", ())),
                    target=target.id,
                    requires=tuple(raw.get("requires", default_requires)),
                    is_global=bool(raw.get("global", False)),
                    validators=tuple(raw.get("validators", ())),
                )
            )

    @property
    def initial(self) -> Status:
        return self.statuses[0]

    def status(self, name_or_id: str) -> Status:
        found = self._by_id.get(name_or_id) or self._by_name.get(name_or_id.lower())
        if found is None:
            raise KeyError(f"no status {name_or_id!r} in the workflow")
        return found

    def find_status(self, name_or_id: str) -> Status | None:
        return self._by_id.get(name_or_id) or self._by_name.get(name_or_id.lower())

    def available(self, status_id: str) -> list[Transition]:
        return [
            t
            for t in self.transitions
            if status_id in t.sources or (t.is_global and t.target != status_id)
        ]

    def path(self, start_id: str, target_id: str) -> list[Transition]:
        """Shortest list of transitions from one status to another (BFS), as a user clicks."""
        if start_id == target_id:
            return []
        previous: dict[str, tuple[str, Transition]] = {}
        queue = deque([start_id])
        while queue:
            current = queue.popleft()
            for transition in self.available(current):
                if transition.target in previous or transition.target == start_id:
                    continue
                previous[transition.target] = (current, transition)
                if transition.target == target_id:
                    hops: list[Transition] = []
                    node = target_id
                    while node != start_id:
                        node, hop = previous[node]
                        hops.append(hop)
                    return hops[::-1]
                queue.append(transition.target)
        raise ValueError(f"status {target_id} cannot be reached from {start_id}")
