"""Reaching a stage: a path of transitions over the workflow graph learned per issue type.

Request budget: the graph is learned from `transitions` reads, one per status we stand on for
the first time, and cached per (project, issue type). Once a hop's edges are known we POST the
transition straight away instead of re-reading before every hop; whenever a POST is refused or
its answer is lost, we re-read the issue's real status and transitions and plan again. That keeps
a seed near one request per hop (the benchmark's minimum) and stays right if the workflow moves.

Never strand an issue: a path whose screens need fields the mapping cannot fill is refused
before the first hop, naming the stage, the status and what is missing; a target status the
issue type does not have is refused the same way. If a hop fails mid-path anyway, the issue is
walked back to where it started, or the error says exactly where it stands.

Several stages on one status: after the status is reached, the stage's refinement label is
set (see refinement.py); a move inside one status changes only the label.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.tracker import AdapterError

from .client import JiraCallError, JiraClient
from .mapping import JiraMapping
from .refinement import choose, refinements_in
from .translate import STRANDED_PROPERTY
from .workflow import LearnOnce, Transition, WorkflowGraph, needs_current, transition_body

MAX_HOPS = 25

__all__ = ["STRANDED_PROPERTY", "StageMover"]


@dataclass
class IssueState:
    status_id: str
    type_id: str
    labels: frozenset[str] | None = None
    """The issue's labels when known (for the stage refinement)."""


class Stranded(AdapterError):
    """A path failed part way and the issue could not be walked back."""


@dataclass
class StageMover:
    client: JiraClient
    mapping: JiraMapping
    project: str
    graphs: dict[str, WorkflowGraph] = field(default_factory=dict)
    """Issue type id -> learned workflow (this adapter serves one project)."""
    issues: dict[str, IssueState] = field(default_factory=dict)
    """Issue key -> last known status and type."""
    initial: dict[str, str] = field(default_factory=dict)
    """Issue type id -> the status new issues of that type start in."""

    unmoved: dict[str, str] = field(default_factory=dict)
    """Key -> type id of issues we created and have not moved: they sit in the type's
    initial status, which the first read of one of them teaches us."""
    learning: LearnOnce = field(default_factory=LearnOnce)
    """Concurrent moves share what is learned: each lesson is fetched once."""
    type_statuses: dict[str, dict[str, str]] | None = None
    """Issue type id -> {folded status name: name} the project offers (read once, lazily)."""
    stranded: set[str] = field(default_factory=set)
    """Keys carrying our stranded-move property (from the last pull), cleared after a move."""

    def created(self, key: str, type_id: str) -> None:
        self.unmoved[key] = type_id

    def seen(
        self,
        key: str,
        status_id: str,
        type_id: str,
        labels: frozenset[str] | None = None,
        status_name: str | None = None,
    ) -> None:
        self.issues[key] = IssueState(status_id, type_id, labels)
        if status_name:
            self.graphs.setdefault(type_id, WorkflowGraph()).names[status_id] = status_name

    def move(self, ref: RemoteRef, stage: Stage) -> dict[str, str | None]:
        """Move the issue; returns canonical fields the screens set on the way (an assignee
        given by `transition_fields` when the issue had none), so they read as our write."""
        written: dict[str, str | None] = {}  # per call: moves run in parallel threads
        fresh_type = self.unmoved.pop(ref.key, None)
        state = self.issues.get(ref.key)
        if state is None and fresh_type is not None:
            # One fresh issue of a type teaches its initial status to all the others.
            self.learning.once(
                ("initial", fresh_type),
                lambda: fresh_type in self.initial,
                lambda: self._read(ref.key, fresh=True),
            )
            state = self.issues.get(ref.key)
        if state is None and fresh_type in self.initial:
            # A fresh issue carries only the labels we created it with: no refinement.
            state = IssueState(self.initial[fresh_type], fresh_type, frozenset())
        if state is None:
            state = self._read(ref.key, fresh=fresh_type is not None)
        graph = self.graphs.setdefault(state.type_id, WorkflowGraph())
        moved = self._walk(ref.key, state, stage, graph, written)
        if self.mapping.coarse:
            self._refine(ref.key, moved, stage)
        if ref.key in self.stranded:
            self.stranded.discard(ref.key)
            # A failed delete is harmless: the note only holds while the issue stands where
            # it was left.
            with contextlib.suppress(JiraCallError):
                self.client.delete(f"issue/{ref.key}/properties/{STRANDED_PROPERTY}")
        return written

    # -- the path ---------------------------------------------------------------------------
    def _targets(self, stage: Stage) -> set[str]:
        return {name.casefold() for name in self.mapping.stages[stage]}

    def _walk(
        self,
        key: str,
        start: IssueState,
        stage: Stage,
        graph: WorkflowGraph,
        written: dict[str, str | None],
    ) -> IssueState:
        targets = self._targets(stage)
        state, walked = start, False
        for _ in range(MAX_HOPS):
            if graph.names.get(state.status_id, "").casefold() in targets:
                return state
            if state.status_id not in graph.edges:
                self._learn(key, state, graph)
                continue
            usable = self._usable(key)
            path = graph.path(state.status_id, targets, usable)
            if path is None:
                blocked = graph.path(state.status_id, targets)
                if blocked is not None:
                    error = self._blocked(key, stage, graph, blocked)
                    raise self._undo(key, state, start, graph, error) if walked else error
                if not walked:
                    self._check_status_exists(stage, state.type_id)
                    if self._learn_from_others(key, state, graph, usable):
                        continue  # the graph grew without moving this issue: plan again
                path = graph.path_to_unexplored(state.status_id, usable)
            if not path:
                error = self._unreachable(stage, graph, state.status_id)
                raise self._undo(key, state, start, graph, error) if walked else error
            try:
                state = self._hop(key, state, path[0], graph, written)
            except AdapterError as exc:
                raise self._undo(key, self.issues.get(key, state), start, graph, exc) from None
            walked = True
        error = AdapterError(f"{key}: gave up reaching {stage.value} after {MAX_HOPS} hops")
        raise self._undo(key, state, start, graph, error)

    def _usable(self, key: str) -> Callable[[Transition], bool]:
        """Hops whose screens the mapping can fill (reading the issue once if a value is
        kept from it)."""
        current: dict[str, Any] | None = None

        def usable(transition: Transition) -> bool:
            nonlocal current
            if needs_current(transition, self.mapping.transition_fields) and current is None:
                current = self._current_fields(key, transition)
            _, missing = transition_body(
                transition, self.mapping.transition_fields, current, is_cloud=self.client.is_cloud
            )
            return not missing

        return usable

    def _hop(
        self,
        key: str,
        state: IssueState,
        transition: Transition,
        graph: WorkflowGraph,
        written: dict[str, str | None],
    ) -> IssueState:
        current = (
            self._current_fields(key, transition)
            if needs_current(transition, self.mapping.transition_fields)
            else None
        )
        body, missing = transition_body(
            transition, self.mapping.transition_fields, current, is_cloud=self.client.is_cloud
        )
        if missing:  # the issue changed since the path was checked
            raise AdapterError(
                f"{key}: transition {transition.name!r} to {transition.to_name!r} requires "
                f"{', '.join(missing)}: add it under mapping transition_fields"
            )
        try:
            self.client.post(f"issue/{key}/transitions", body)
            assignee = (body.get("fields") or {}).get("assignee")
            if isinstance(assignee, Mapping) and (current or {}).get("assignee") is None:
                written["assignee"] = assignee.get("accountId") or assignee.get("name")
        except JiraCallError as exc:
            if exc.status is not None and exc.status < 500 and exc.status not in (400, 409):
                raise AdapterError(f"moving {key}: {exc}") from None
            # Refused, failed or answer lost: the workflow or the issue is not what we
            # thought. Read the truth and plan again.
            graph.forget(state.status_id)
            now = self._read(key)
            if exc.status == 400 and now.status_id not in graph.edges:
                self._learn(key, now, graph)
            offered = {t.id for t in graph.edges.get(now.status_id, ())}
            if exc.status == 400 and now.status_id == state.status_id and transition.id in offered:
                # Still here and still offered: a validator refused it (Jira does not list
                # validators, so no path check can see them). Trying again would not help.
                raise AdapterError(
                    f"transition {transition.name!r} to {transition.to_name!r} refused: {exc}"
                ) from None
            return now
        new = IssueState(transition.to_id, state.type_id, state.labels)
        self.issues[key] = new
        return new

    def _undo(
        self,
        key: str,
        state: IssueState,
        start: IssueState,
        graph: WorkflowGraph,
        error: AdapterError,
    ) -> AdapterError:
        """Walk a half-moved issue back to where it started; the error to report either way."""
        if state.status_id == start.status_id:
            return error
        back = graph.path_to(state.status_id, start.status_id, self._usable(key))
        try:
            for transition in back or ():
                state = self._hop(key, state, transition, graph, {})
        except AdapterError:
            back = None
        origin = graph.names.get(start.status_id, start.status_id)
        if back is not None and state.status_id == start.status_id:
            return AdapterError(f"{error} (the issue was moved back to {origin!r})")
        where = graph.names.get(state.status_id, state.status_id)
        self._mark_stranded(key, state, start, graph)
        return Stranded(
            f"{error}; {key} now stands in {where!r}, part way: move it back to {origin!r} "
            "in Jira or it will read as a person's move"
        )

    def _mark_stranded(
        self, key: str, state: IssueState, start: IssueState, graph: WorkflowGraph
    ) -> None:
        """Leave a note on the issue so the next pull reads it where it started, not as a
        person's move to the status it was left in."""
        name = graph.names.get(start.status_id, "")
        labels = start.labels or frozenset()
        before = choose(self.mapping, name, refinements_in(self.mapping, labels), True)
        if before is None:
            return
        note = {"status": state.status_id, "stage": before.value}
        try:
            self.client.put(f"issue/{key}/properties/{STRANDED_PROPERTY}", note)
        except JiraCallError:
            return
        self.stranded.add(key)

    # -- reads ------------------------------------------------------------------------------
    def _read(self, key: str, *, fresh: bool = False) -> IssueState:
        """The issue's status and type, with the transitions out of it in the same request."""
        try:
            issue = self.client.get(
                f"issue/{key}",
                {"fields": "status,issuetype,labels", "expand": "transitions.fields,transitions"},
            )
        except JiraCallError as exc:
            raise AdapterError(f"reading {key} before a stage move: {exc}") from None
        fields = issue.get("fields") or {}
        status = fields.get("status") or {}
        state = IssueState(
            str(status.get("id")),
            str((fields.get("issuetype") or {}).get("id")),
            frozenset(str(label) for label in fields.get("labels") or ()),
        )
        graph = self.graphs.setdefault(state.type_id, WorkflowGraph())
        graph.names[state.status_id] = str(status.get("name") or "")
        transitions = issue.get("transitions")
        # Learn from the expansion only if it says which fields each transition requires.
        if transitions is not None and all("fields" in t for t in transitions):
            graph.learn(state.status_id, transitions)
        if fresh:
            self.initial.setdefault(state.type_id, state.status_id)
        self.issues[key] = state
        return state

    def _current_fields(self, key: str, transition: Transition) -> dict[str, Any]:
        wanted = ",".join(k for k, _ in transition.required)
        try:
            issue = self.client.get(f"issue/{key}", {"fields": wanted})
        except JiraCallError as exc:
            raise AdapterError(f"reading {key} before a stage move: {exc}") from None
        return dict((issue or {}).get("fields") or {})

    def _learn_from_others(
        self,
        key: str,
        state: IssueState,
        graph: WorkflowGraph,
        usable: Callable[[Transition], bool],
    ) -> bool:
        """Read the transitions of a status we would otherwise explore by moving this issue,
        from another issue of the same type known to stand there (a read, not a move)."""
        frontier = graph.path_to_unexplored(state.status_id, usable)
        if not frontier:
            return False
        wanted = frontier[-1].to_id
        other = next(
            (
                k
                for k, s in list(self.issues.items())
                if k != key and s.type_id == state.type_id and s.status_id == wanted
            ),
            None,
        )
        if other is None:
            return False

        def read_other() -> None:
            try:
                found = self._read(other)
            except AdapterError:
                return
            if found.status_id not in graph.edges:
                self._learn(other, found, graph)

        # Concurrent writers read one sibling, not one each.
        self.learning.once(
            ("sibling", state.type_id, wanted), lambda: wanted in graph.edges, read_other
        )
        return wanted in graph.edges

    def _learn(self, key: str, state: IssueState, graph: WorkflowGraph) -> None:
        def fetch() -> None:
            try:
                page = self.client.get(
                    f"issue/{key}/transitions", {"expand": "transitions.fields"}
                )
            except JiraCallError as exc:
                raise AdapterError(f"reading transitions of {key}: {exc}") from None
            graph.learn(state.status_id, (page or {}).get("transitions") or ())

        self.learning.once(
            ("edges", state.type_id, state.status_id),
            lambda: state.status_id in graph.edges,
            fetch,
        )

    def _check_status_exists(self, stage: Stage, type_id: str) -> None:
        """Before exploring: the stage's statuses must exist for this issue type at all."""

        def fetch() -> None:
            try:
                per_type = self.client.get(f"project/{self.project}/statuses") or []
            except JiraCallError:
                return
            self.type_statuses = {
                str(entry.get("id")): {
                    str(s.get("name", "")).casefold(): str(s.get("name", ""))
                    for s in entry.get("statuses") or ()
                }
                for entry in per_type
            }

        self.learning.once(("statuses",), lambda: self.type_statuses is not None, fetch)
        if self.type_statuses is None:
            return  # cannot tell: exploring will say what it finds
        offered = self.type_statuses.get(type_id)
        if offered is None or self._targets(stage) & set(offered):
            return
        names = " / ".join(self.mapping.stages[stage])
        raise AdapterError(
            f"cannot move to {stage.value}: status {names!r} (mapping stages.{stage.value}) "
            f"does not exist for this issue type; its statuses: {', '.join(offered.values())}"
        )

    # -- errors -----------------------------------------------------------------------------
    def _blocked(
        self, key: str, stage: Stage, graph: WorkflowGraph, path: list[Transition]
    ) -> AdapterError:
        usable = self._usable(key)
        hop = next(t for t in path if not usable(t))
        current = (
            self._current_fields(key, hop)
            if needs_current(hop, self.mapping.transition_fields)
            else None
        )
        _, missing = transition_body(
            hop, self.mapping.transition_fields, current, is_cloud=self.client.is_cloud
        )
        target = self.mapping.target_status(stage)
        return AdapterError(
            f"cannot move to {stage.value} (status {target!r}): transition {hop.name!r} to "
            f"{hop.to_name!r} requires {', '.join(missing)}; give it under mapping "
            "transition_fields (the issue was not moved)"
        )

    def _unreachable(self, stage: Stage, graph: WorkflowGraph, start: str) -> AdapterError:
        known = sorted({name for name in graph.names.values() if name})
        return AdapterError(
            f"no transition path from {graph.names.get(start, start)!r} to "
            f"{' / '.join(self.mapping.stages[stage])!r} (mapping stages.{stage.value}); "
            f"statuses reachable: {', '.join(known)}. Map the stage to one of them or add "
            "the missing transition to the workflow"
        )

    # -- the refinement ---------------------------------------------------------------------
    def _refine(self, key: str, state: IssueState, stage: Stage) -> None:
        """Leave exactly this stage's refinement label (none when its status is its own)."""
        labels = state.labels
        present = refinements_in(self.mapping, labels) if labels is not None else set(Stage)
        wanted = {stage} if self.mapping.shares_status(stage) else set()
        label = self.mapping.refinement.label
        if wanted and labels is not None and label(stage) in labels:
            # The label is already there but reads as stale (a status change after it):
            # take it off first, so setting it again is a change the changelog records.
            self._labels(key, [{"remove": label(stage)}])
        ops = [{"remove": label(s)} for s in sorted(present - wanted, key=list(Stage).index)]
        ops += [{"add": label(s)} for s in wanted]
        if ops:
            self._labels(key, ops)
        kept = (labels or frozenset()) - {label(s) for s in Stage}
        self.issues[key] = IssueState(
            state.status_id, state.type_id, kept | {label(s) for s in wanted}
        )

    def _labels(self, key: str, ops: Sequence[Mapping[str, str]]) -> None:
        try:
            self.client.put(f"issue/{key}", {"update": {"labels": ops}})
        except JiraCallError as exc:
            raise AdapterError(f"setting the stage label on {key}: {exc}") from None
