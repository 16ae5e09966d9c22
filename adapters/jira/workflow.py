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

from .mapping import TransitionValue


@dataclass(frozen=True)
class Transition:
    id: str
    name: str
    to_id: str
    to_name: str
    required: tuple[tuple[str, str], ...] = ()
    """(field key, field name) of fields the transition screen requires."""
    types: tuple[tuple[str, str], ...] = ()
    """(field key, schema type) of the required fields (`user`, `resolution`, `array`...)."""


Usable = Callable[[Transition], bool]
"""Which transitions a path may take (e.g. those whose screens the mapping can fill)."""


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

    def path(
        self, start: str, targets: set[str], usable: Usable | None = None
    ) -> list[Transition] | None:
        """Shortest known path from `start` to a status whose name is in `targets` (folded),
        through transitions `usable` accepts (all when None)."""
        return self._bfs(start, lambda status: self._is_target(status, targets), usable)

    def path_to(
        self, start: str, status_id: str, usable: Usable | None = None
    ) -> list[Transition] | None:
        """Shortest known path from `start` to one status, by id."""
        return self._bfs(start, lambda status: status == status_id, usable)

    def path_to_unexplored(
        self, start: str, usable: Usable | None = None
    ) -> list[Transition] | None:
        """Shortest known path to a status whose own transitions we have not read yet."""
        return self._bfs(start, lambda status: status not in self.edges, usable)

    def _is_target(self, status: str, targets: set[str]) -> bool:
        return self.names.get(status, "").casefold() in targets

    def _bfs(
        self, start: str, goal: Callable[[str], bool], usable: Usable | None
    ) -> list[Transition] | None:
        queue: deque[tuple[str, list[Transition]]] = deque([(start, [])])
        seen = {start}
        while queue:
            status, path = queue.popleft()
            if path and goal(status):
                return path
            for transition in self.edges.get(status, ()):
                if transition.to_id in seen or (usable is not None and not usable(transition)):
                    continue
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
    types = tuple(
        (str(key), str((spec.get("schema") or {}).get("type") or ""))
        for key, spec in fields.items()
        if isinstance(spec, Mapping) and spec.get("required")
    )
    return Transition(
        id=str(raw["id"]),
        name=str(raw.get("name") or ""),
        to_id=str(to.get("id") or ""),
        to_name=str(to.get("name") or ""),
        required=required,
        types=types,
    )


def transition_body(
    transition: Transition,
    values: Mapping[str, str | TransitionValue],
    current: Mapping[str, Any] | None = None,
    *,
    is_cloud: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """The POST body for a transition, and the required fields the mapping gives no value for.

    `values` is the mapping's `transition_fields` (field key or name -> an option name, or a
    `TransitionValue`); `current` the issue's own field values (for `keep: current`).
    """
    folded = {key.casefold(): value for key, value in values.items()}
    types = dict(transition.types)
    fields: dict[str, Any] = {}
    update: dict[str, Any] = {}
    missing: list[str] = []
    for key, name in transition.required:
        value = folded.get(key.casefold(), folded.get(name.casefold()))
        if isinstance(value, TransitionValue) and value.log_work is not None:
            entry = {"timeSpent": value.log_work, "comment": value.comment}
            update[key] = [{"add": entry}]
            continue
        if isinstance(value, TransitionValue):
            kept = _kept((current or {}).get(key), types.get(key, ""), is_cloud)
            if kept is None and value.default is not None:
                kept = _fixed(value.default, types.get(key, ""), is_cloud)
            if kept is None:
                missing.append(f"{name} (the issue has none to keep)")
            else:
                fields[key] = kept
        elif value is None:
            missing.append(name)
        else:
            fields[key] = _fixed(value, types.get(key, ""), is_cloud)
    body: dict[str, Any] = {"transition": {"id": transition.id}}
    if fields:
        body["fields"] = fields
    if update:
        body["update"] = update
    return body, missing


def needs_current(transition: Transition, values: Mapping[str, str | TransitionValue]) -> bool:
    """True when filling this transition's screen needs the issue's own field values."""
    folded = {key.casefold(): value for key, value in values.items()}
    chosen = [folded.get(k.casefold(), folded.get(n.casefold())) for k, n in transition.required]
    return any(isinstance(value, TransitionValue) and value.keep for value in chosen)


def _fixed(value: str, schema_type: str, is_cloud: bool) -> dict[str, Any]:
    if schema_type == "user":
        return {"accountId": value} if is_cloud else {"name": value}
    if schema_type == "option":  # a select list takes its option's value
        return {"value": value}
    return {"name": value}


def _kept(value: Any, schema_type: str, is_cloud: bool) -> Any:
    """The issue's current value, trimmed to what identifies it in a write."""
    if value in (None, "", []):
        return None
    if isinstance(value, Mapping):
        if schema_type == "user":
            ident = "accountId" if is_cloud else "name"
            return {ident: value[ident]} if value.get(ident) else None
        for ident in ("id", "name", "value", "key"):
            if value.get(ident):
                return {ident: value[ident]}
        return None
    return value
