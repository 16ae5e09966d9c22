"""Reaching a stage: a path of transitions over the workflow graph learned per issue type.

Request budget: the graph is learned from `transitions` reads, one per status we stand on for
the first time, and cached per (project, issue type). Once a hop's edges are known we POST the
transition straight away instead of re-reading before every hop; whenever a POST is refused or
its answer is lost, we re-read the issue's real status and transitions and plan again. That keeps
a seed near one request per hop (the benchmark's minimum) and stays right if the workflow moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.tracker import AdapterError

from .client import JiraCallError, JiraClient
from .mapping import JiraMapping
from .workflow import LearnOnce, Transition, WorkflowGraph, transition_body

MAX_HOPS = 25


@dataclass
class IssueState:
    status_id: str
    type_id: str


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

    def created(self, key: str, type_id: str) -> None:
        self.unmoved[key] = type_id

    def seen(self, key: str, status_id: str, type_id: str) -> None:
        self.issues[key] = IssueState(status_id, type_id)

    def move(self, ref: RemoteRef, stage: Stage) -> None:
        targets = {name.casefold() for name in self.mapping.stages[stage]}
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
            state = IssueState(self.initial[fresh_type], fresh_type)
        if state is None:
            state = self._read(ref.key, fresh=fresh_type is not None)
        graph = self.graphs.setdefault(state.type_id, WorkflowGraph())
        for _ in range(MAX_HOPS):
            if graph.names.get(state.status_id, "").casefold() in targets:
                return
            if state.status_id not in graph.edges:
                self._learn(ref.key, state, graph)
                if graph.names.get(state.status_id, "").casefold() in targets:
                    return
            path = graph.path(state.status_id, targets) or graph.path_to_unexplored(state.status_id)
            if not path:
                raise self._unreachable(stage, graph, state.status_id)
            state = self._hop(ref.key, state, path[0], graph)
        raise AdapterError(f"{ref.key}: gave up reaching {stage.value} after {MAX_HOPS} hops")

    def _hop(
        self, key: str, state: IssueState, transition: Transition, graph: WorkflowGraph
    ) -> IssueState:
        body, missing = transition_body(transition, self.mapping.transition_fields)
        if missing:
            raise AdapterError(
                f"transition {transition.name!r} to {transition.to_name!r} requires "
                f"{', '.join(missing)}: add it under mapping transition_fields"
            )
        try:
            self.client.post(f"issue/{key}/transitions", body)
        except JiraCallError as exc:
            if exc.status is not None and exc.status < 500 and exc.status not in (400, 409):
                raise AdapterError(f"moving {key}: {exc}") from None
            # Refused, failed or answer lost: the workflow or the issue is not what we
            # thought. Read the truth and plan again.
            graph.forget(state.status_id)
            return self._read(key)
        new = IssueState(transition.to_id, state.type_id)
        self.issues[key] = new
        return new

    def _read(self, key: str, *, fresh: bool = False) -> IssueState:
        """The issue's status and type, with the transitions out of it in the same request."""
        try:
            issue = self.client.get(
                f"issue/{key}",
                {"fields": "status,issuetype", "expand": "transitions.fields,transitions"},
            )
        except JiraCallError as exc:
            raise AdapterError(f"reading {key} before a stage move: {exc}") from None
        fields = issue.get("fields") or {}
        status = fields.get("status") or {}
        state = IssueState(str(status.get("id")), str((fields.get("issuetype") or {}).get("id")))
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

    def _unreachable(self, stage: Stage, graph: WorkflowGraph, start: str) -> AdapterError:
        known = sorted({name for name in graph.names.values() if name})
        return AdapterError(
            f"no transition path from {graph.names.get(start, start)!r} to "
            f"{' / '.join(self.mapping.stages[stage])!r} (mapping stages.{stage.value}); "
            f"statuses reachable: {', '.join(known)}. Map the stage to one of them or add "
            "the missing transition to the workflow"
        )
