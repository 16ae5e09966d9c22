"""A workflow graph learned from `transitions` responses, and path finding over it.

Jira lists only the transitions out of an issue's *current* status, so the graph is learned a
status at a time and cached per (project, issue type). No I/O here: `LearnOnce` runs the
caller's fetch.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to_id: str
    to_name: str
    required: tuple[tuple[str, str], ...] = ()
    """(field key, field name) of fields the transition screen requires."""


@dataclass
class WorkflowGraph:
    edges: dict[str, list[Transition]] = field(default_factory=dict)
    """Status id -> transitions out of it (only statuses we have read)."""
    names: dict[str, str] = field(default_factory=dict)
    """Status id -> name, for every status seen."""

    def learn(self, status_id: str, transitions: Iterable[Mapping[str, Any]]) -> None:
        learned = [parse_transition(raw) for raw in transitions]
        self.edges[status_id] = learned
        for transition in learned:
            self.names[transition.to_id] = transition.to_name

    def forget(self, status_id: str) -> None:
        self.edges.pop(status_id, None)

    def path(self, start: str, targets: set[str]) -> list[Transition] | None:
        """Shortest known path from `start` to a status whose name is in `targets` (folded)."""
        return self._bfs(start, lambda status: self._is_target(status, targets))

    def path_to_unexplored(self, start: str) -> list[Transition] | None:
        """Shortest known path to a status whose own transitions we have not read yet."""
        return self._bfs(start, lambda status: status not in self.edges)

    def _is_target(self, status: str, targets: set[str]) -> bool:
        return self.names.get(status, "").casefold() in targets

    def _bfs(self, start: str, goal: Any) -> list[Transition] | None:
        queue: deque[tuple[str, list[Transition]]] = deque([(start, [])])
        seen = {start}
        while queue:
            status, path = queue.popleft()
            if path and goal(status):
                return path
            for transition in self.edges.get(status, ()):
                if transition.to_id not in seen:
                    seen.add(transition.to_id)
                    queue.append((transition.to_id, [*path, transition]))
        return None


class LearnOnce:
    """One fetch per key across the writers that share a cache (apply runs up to
    `max_concurrency` moves at once): the first writer fetches, the others wait for it and
    read the cache. A fetch that fails teaches nothing, so the next writer tries itself."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}

    def once(self, key: Hashable, known: Callable[[], bool], fetch: Callable[[], object]) -> None:
        if known():
            return
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if not known():
                fetch()


def parse_transition(raw: Mapping[str, Any]) -> Transition:
    to = raw.get("to") or {}
    fields = raw.get("fields") or {}
    required = tuple(
        (str(key), str(spec.get("name") or key))
        for key, spec in fields.items()
        if isinstance(spec, Mapping) and spec.get("required")
    )
    return Transition(
        id=str(raw["id"]),
        name=str(raw.get("name") or ""),
        to_id=str(to.get("id") or ""),
        to_name=str(to.get("name") or ""),
        required=required,
    )


def transition_body(
    transition: Transition, values: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The POST body for a transition, and the required fields the mapping gives no value for.

    `values` is the mapping's `transition_fields` (field key or name -> option name).
    """
    folded = {key.casefold(): value for key, value in values.items()}
    fields: dict[str, Any] = {}
    missing: list[str] = []
    for key, name in transition.required:
        value = folded.get(key.casefold(), folded.get(name.casefold()))
        if value is None:
            missing.append(name)
        else:
            fields[key] = {"name": value}
    body: dict[str, Any] = {"transition": {"id": transition.id}}
    if fields:
        body["fields"] = fields
    return body, missing
