"""`show`: a roadmap as a rich tree (phases → sprints → epics → items) plus objectives and risks."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from tracker_bridge.model import Kind, Roadmap, SprintState, Stage, Track, WorkItem

_STAGE_STYLE: dict[Stage, str] = {
    Stage.BACKLOG: "dim",
    Stage.SPRINT_BACKLOG: "white",
    Stage.IN_PROGRESS: "yellow",
    Stage.IN_REVIEW: "magenta",
    Stage.READY_FOR_STAGING: "cyan",
    Stage.IN_STAGING: "cyan",
    Stage.READY_FOR_PROD: "blue",
    Stage.DONE: "green",
}
_STATE_STYLE = {SprintState.ACTIVE: "bold green", SprintState.CLOSED: "dim", SprintState.FUTURE: ""}


def render_roadmap(roadmap: Roadmap) -> RenderableType:
    parts: list[RenderableType] = [_tree(roadmap)]
    if roadmap.objectives:
        parts.append(_objectives(roadmap))
    if roadmap.risks:
        parts.append(_risks(roadmap))
    return Group(*parts)


def _tree(roadmap: Roadmap) -> Tree:
    cadence = roadmap.cadence
    root = Tree(
        Text.assemble(
            (roadmap.project, "bold"),
            f" · {len(roadmap.sprints)} sprints of {cadence.sprint_length_days} days from "
            f"{cadence.first_sprint_start} ({cadence.timezone}) · {_policy(roadmap)}",
        )
    )
    by_id = roadmap.item_by_id()
    epics = {item.id: item for item in roadmap.items if item.kind is Kind.EPIC}
    by_sprint: dict[str | None, dict[str, list[WorkItem]]] = defaultdict(lambda: defaultdict(list))
    parents = {item.parent for item in roadmap.items}
    for item in roadmap.items:
        if item.kind is not Kind.EPIC:
            by_sprint[item.sprint][_epic_of(item, by_id) or ""].append(item)
    for phase in roadmap.phases:
        phase_node = root.add(
            Text.assemble(
                (phase.name, "bold cyan"),
                f" · maturity level {int(phase.maturity_level)} · {phase.sprints} sprints",
                f" · {phase.goal}" if phase.goal else "",
            )
        )
        for criterion in phase.exit_criteria:
            phase_node.add(Text(f"exit: {criterion}", style="italic"))
        for sprint in (s for s in roadmap.sprints if s.phase == phase.id):
            label = Text.assemble(
                (f"{sprint.name}", _STATE_STYLE[sprint.state]),
                f" {sprint.start}..{sprint.end} [{sprint.state.value}]",
                f" · {sprint.goal}" if sprint.goal else "",
            )
            _add_epics(phase_node.add(label), by_sprint.get(sprint.id, {}), epics)
        unscheduled = {
            epic_id: items
            for epic_id, items in by_sprint.get(None, {}).items()
            if epic_id in epics and epics[epic_id].phase == phase.id
        }
        loose = [i for i in by_sprint.get(None, {}).get("", []) if i.phase == phase.id]
        if loose:  # phase-level items, under no epic
            unscheduled[""] = loose
        for epic in epics.values():  # epics with no items at all still show up once
            if epic.phase == phase.id and epic.id not in parents:
                unscheduled.setdefault(epic.id, [])
        if unscheduled:
            _add_epics(phase_node.add(Text("not in a sprint", style="dim")), unscheduled, epics)
    return root


def _epic_of(item: WorkItem, by_id: dict[str, WorkItem]) -> str | None:
    # An item's parent may be a story (sub-task): climb to the epic, at most a few steps.
    parent = item.parent
    for _ in range(8):
        if parent is None or parent not in by_id or by_id[parent].kind is Kind.EPIC:
            break
        parent = by_id[parent].parent
    return parent


def _add_epics(node: Tree, groups: dict[str, list[WorkItem]], epics: dict[str, WorkItem]) -> None:
    for epic_id, items in groups.items():
        epic = epics.get(epic_id)
        title = epic.title if epic else "(no epic)"
        where = f" ({epic_id})" if epic_id else ""
        epic_node = node.add(Text.assemble((title, "bold"), where, _tags(epic)))
        for item in items:
            epic_node.add(_item_label(item))


def _tags(epic: WorkItem | None) -> str:
    if epic is None:
        return ""
    return f" · {epic.track.value} · {epic.stage.value}"


def _item_label(item: WorkItem) -> Text:
    text = Text.assemble(
        (f"{item.stage.value:<18}", _STAGE_STYLE[item.stage]),
        (f"{item.kind.value:<5} ", "bold" if item.kind is Kind.SPIKE else ""),
        item.title,
        (f" ({item.id})", "dim"),
        (" · research" if item.track is Track.RESEARCH else "", "magenta"),
    )
    if item.points is not None:
        text.append(f" · {item.points:g} pts")
    if item.assignee:
        text.append(f" · @{item.assignee}")
    if item.blocked:
        text.append(" · BLOCKED", style="bold red")
    if item.timebox is not None:
        box = item.timebox
        extra = f"+{box.total_days - box.length_days}" if box.extensions else ""
        started = f", started {box.started_at.date()}" if box.started_at else ""
        outcome = f", {box.outcome.value}" if box.outcome else ""
        text.append(f" · time-box {box.length_days}{extra} days{started}{outcome}", style="yellow")
    return text


def _policy(roadmap: Roadmap) -> str:
    board = roadmap.board
    limits = ", ".join(f"{stage.value} {limit}" for stage, limit in board.wip_limits.items())
    spikes = board.spikes
    return (
        f"WIP limits: {limits or 'none'} · spikes ≤ {spikes.max_timebox_days} days, "
        f"{spikes.extensions_allowed} extension(s)"
    )


def _objectives(roadmap: Roadmap) -> Table:
    table = Table(title="Objectives", title_justify="left")
    for column in ("KPI", "baseline", "target", "due", "epics"):
        table.add_column(column)
    for objective in roadmap.objectives:
        unit = f" {objective.unit}" if objective.unit else ""
        table.add_row(
            objective.kpi,
            f"{objective.baseline:g}{unit}",
            f"{objective.target:g}{unit}",
            str(objective.due),
            ", ".join(objective.epics),
        )
    return table


def _risks(roadmap: Roadmap) -> Table:
    table = Table(title="Risks", title_justify="left")
    for column in ("risk", "likelihood", "impact", "mitigation", "owner", "epics"):
        table.add_column(column)
    for risk in roadmap.risks:
        table.add_row(
            risk.description, risk.likelihood, risk.impact, risk.mitigation, risk.owner or "",
            ", ".join(risk.epics),
        )
    return table
