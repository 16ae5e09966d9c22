"""`doctor`'s workflow checks: statuses per stage, coarse workflows, transition screens, board.

Reads only. Jira lists the transitions out of an issue's *current* status, so the graph is
read from one existing issue per (issue type, status); statuses no issue stands in yet are
reported as unread rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from tracker_bridge.model import Kind, Stage
from tracker_bridge.tracker import DoctorCheck

from .client import JiraCallError
from .mapping import TransitionValue
from .search import quote, search
from .workflow import Transition, WorkflowGraph

if TYPE_CHECKING:
    from .adapter import JiraAdapter

SAMPLE = 100
"""Issues read per issue type to find one standing in each status."""


def statuses_per_type(adapter: JiraAdapter) -> dict[str, dict[str, str]]:
    """Used issue type name -> {folded status name: name}."""
    per_type = adapter.client.get(f"project/{adapter.project}/statuses") or []
    used = set(adapter.meta.schema().issue_type_ids.values())
    return {
        str(entry.get("name")): {
            str(s.get("name", "")).casefold(): str(s.get("name", "")) for s in entry["statuses"]
        }
        for entry in per_type
        if str(entry.get("id")) in used and entry.get("statuses")
    }


def status_checks(adapter: JiraAdapter) -> list[DoctorCheck]:
    """Each stage's target status must exist for every issue type we create; a workflow with
    fewer statuses than stages gets pointed at `mapping init`."""
    names = statuses_per_type(adapter)
    mapping = adapter.mapping
    out: list[DoctorCheck] = []
    for stage in Stage:
        target = mapping.target_status(stage)
        lacking = sorted(t for t, statuses in names.items() if target.casefold() not in statuses)
        shared = [s.value for s in mapping.stages_on(target) if s is not stage]
        detail = f"missing for issue types: {', '.join(lacking)}" if lacking else ""
        if not lacking and shared:
            detail = f"shared with {', '.join(shared)}; label {mapping.refinement.label(stage)!r}"
        out.append(
            DoctorCheck(
                f"stage {stage.value} -> status {target!r}",
                "fail" if lacking else "ok",
                detail,
                f"mapping stages.{stage.value}" if lacking else "",
            )
        )
    offered = {name for statuses in names.values() for name in statuses}
    targets = {mapping.target_status(stage).casefold() for stage in Stage}
    if names and len(offered) < len(Stage) and not targets <= offered:
        out.append(
            DoctorCheck(
                "coarse workflow",
                "fail",
                f"the workflow has {len(offered)} statuses for {len(Stage)} stages",
                f"run `tracker-bridge mapping init -t {adapter.tracker}` to write a mapping "
                "that puts several stages on one status",
            )
        )
    elif mapping.coarse:
        out.append(
            DoctorCheck(
                "coarse workflow",
                "ok",
                f"{len(Stage)} stages on {len(targets)} statuses, kept apart by "
                f"{mapping.refinement.label_prefix}<stage> labels",
            )
        )
    return out


def transition_checks(adapter: JiraAdapter) -> list[DoctorCheck]:
    """Every transition on a path the mapping needs, with its screen's required fields and
    whether `transition_fields` covers them."""
    schema = adapter.meta.schema()
    mapping = adapter.mapping
    targets = {mapping.target_status(stage).casefold() for stage in Stage}
    out: list[DoctorCheck] = []
    names = {type_id: mapping.kinds[kind] for kind, type_id in schema.issue_type_ids.items()}
    if schema.spike_uses_label:
        names[schema.issue_type_ids[Kind.SPIKE]] = mapping.spike_fallback.issue_type
    for type_id, type_name in sorted(names.items(), key=lambda kv: kv[1]):
        graph, unread = read_graph(adapter, type_id)
        for transition in _needed(graph, targets):
            out.append(_screen_check(adapter, type_name, graph, transition))
        if unread or not graph.names:
            where = f"out of {', '.join(sorted(unread))}" if graph.names else "at all"
            out.append(
                DoctorCheck(
                    f"transitions of {type_name}",
                    "warn",
                    f"not read {where}: no {type_name} stands there yet",
                    "doctor reads and never moves issues; check again once some do",
                )
            )
    return _unique(out)


def read_graph(adapter: JiraAdapter, type_id: str) -> tuple[WorkflowGraph, set[str]]:
    jql = f"project = {quote(adapter.project)} AND issuetype = {type_id} ORDER BY updated DESC"
    graph = WorkflowGraph()
    standing: dict[str, str] = {}  # status id -> an issue key there
    try:
        for issue in islice(search(adapter.client, jql, fields="status", page_size=SAMPLE), SAMPLE):
            status = (issue.get("fields") or {}).get("status") or {}
            graph.names[str(status.get("id"))] = str(status.get("name") or "")
            standing.setdefault(str(status.get("id")), str(issue["key"]))
    except JiraCallError:
        return graph, set()
    for status_id, key in standing.items():
        page = adapter.client.get(f"issue/{key}/transitions", {"expand": "transitions.fields"})
        graph.learn(status_id, (page or {}).get("transitions") or ())
    unread = {name for sid, name in graph.names.items() if sid not in graph.edges}
    return graph, unread


def _needed(graph: WorkflowGraph, targets: set[str]) -> list[Transition]:
    """Transitions on a shortest path from any read status to any mapped status."""
    chosen: dict[str, Transition] = {}
    for start in graph.edges:
        for target in targets:
            for transition in graph.path(start, {target}) or ():
                chosen.setdefault(transition.id + ":" + transition.to_id, transition)
    return list(chosen.values())


def _screen_check(
    adapter: JiraAdapter, type_name: str, graph: WorkflowGraph, transition: Transition
) -> DoctorCheck:
    sources = sorted(
        graph.names.get(sid, sid) for sid, edges in graph.edges.items() if transition in edges
    )
    subject = (
        f"{type_name}: {transition.name!r} ({' / '.join(sources)} -> {transition.to_name})"
    )
    if not transition.required:
        return DoctorCheck(subject, "ok", "no required fields")
    values = {key.casefold(): value for key, value in adapter.mapping.transition_fields.items()}
    covered, partly, missing = [], [], []
    for key, name in transition.required:
        value = values.get(key.casefold(), values.get(name.casefold()))
        if value is None:
            missing.append(name)
        elif isinstance(value, TransitionValue) and value.keep and value.default is None:
            partly.append(name)
        else:
            covered.append(name)
    detail = "requires " + ", ".join(name for _, name in transition.required)
    if missing:
        return DoctorCheck(
            subject,
            "fail",
            f"{detail}; transition_fields lacks {', '.join(missing)}",
            "add them under mapping transition_fields (e.g. assignee: {keep: current}, "
            "worklog: {log_work: 1m})",
        )
    if partly:
        return DoctorCheck(
            subject,
            "warn",
            f"{detail}; {', '.join(partly)} kept from the issue, so unset ones cannot move",
            "give `default:` beside `keep: current`",
        )
    return DoctorCheck(subject, "ok", f"{detail}: covered by transition_fields")


def _unique(checks: list[DoctorCheck]) -> list[DoctorCheck]:
    seen: set[tuple[str, str]] = set()
    out = []
    for check in checks:
        if (check.subject, check.detail) not in seen:
            seen.add((check.subject, check.detail))
            out.append(check)
    return out


def board_checks(adapter: JiraAdapter) -> list[DoctorCheck]:
    """Board columns related to the 8 stages, WIP limits, and an already active sprint."""
    board = adapter.meta.board_id()
    config: dict[str, Any] = adapter.client.get(f"board/{board}/configuration", agile=True) or {}
    columns = (config.get("columnConfig") or {}).get("columns") or []
    names = _status_names(adapter)
    column_of: dict[str, str] = {}
    for column in columns:
        for status in column.get("statuses") or ():
            name = names.get(str(status.get("id")), str(status.get("id")))
            column_of[name.casefold()] = str(column.get("name"))
    out = [DoctorCheck(f"board {board}", "ok", f"{len(columns)} columns")]
    for stage in Stage:
        target = adapter.mapping.target_status(stage)
        column = column_of.get(target.casefold())
        limit = _limit(columns, column)
        out.append(
            DoctorCheck(
                f"stage {stage.value} -> board column",
                "ok" if column else "warn",
                f"{column!r} ({limit})" if column else f"status {target!r} is on no column",
                "" if column else "add the status to a board column, or the card is hidden",
            )
        )
    out += _active_sprint(adapter, board)
    return out


def _status_names(adapter: JiraAdapter) -> dict[str, str]:
    try:
        statuses = adapter.client.get("status") or []
    except JiraCallError:
        return {}
    return {str(s.get("id")): str(s.get("name")) for s in statuses if isinstance(s, Mapping)}


def _limit(columns: list[Mapping[str, Any]], name: str | None) -> str:
    column = next((c for c in columns if c.get("name") == name), None)
    limit = column.get("max") if column else None
    return f"WIP limit {limit}" if limit not in (None, "") else "no WIP limit"


def _active_sprint(adapter: JiraAdapter, board: int) -> list[DoctorCheck]:
    try:
        page = adapter.client.get(f"board/{board}/sprint", {"state": "active"}, agile=True)
    except JiraCallError as exc:
        if exc.status in (400, 404):  # a Kanban board has no sprints
            return []
        raise
    active = [s for s in (page or {}).get("values") or () if s.get("state") == "active"]
    if not active:
        return [DoctorCheck("active sprint", "ok", "none yet: the seed starts the roadmap's")]
    names = ", ".join(repr(s.get("name")) for s in active)
    return [
        DoctorCheck(
            "active sprint",
            "warn",
            f"the board already has an active sprint: {names}",
            "the seed starts the roadmap's current sprint beside it; close it first, or "
            "name the roadmap's sprint the same so it is reused",
        )
    ]
