"""A validated `RoadmapFile` → the canonical `Roadmap`, with the cross-checks a schema can't do.

Every check reports into a `Collector` (never stops at the first), and each item's line is
recorded so later stages (plan, seed) can point people at the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from ruamel.yaml.nodes import Node, SequenceNode

from tracker_bridge.model import (
    BoardPolicy,
    Cadence,
    Extension,
    Kind,
    Objective,
    Phase,
    Risk,
    Roadmap,
    SpikePolicy,
    Sprint,
    Timebox,
    WorkItem,
)
from tracker_bridge.roadmap import sprints as sprint_rules
from tracker_bridge.roadmap.fileformat import EpicFile, ItemFile, RoadmapFile, TimeboxFile
from tracker_bridge.roadmap.ids import child_id, slug
from tracker_bridge.roadmap.nodes import child, position
from tracker_bridge.roadmap.problems import Collector, unknown

Path = tuple[str | int, ...]


@dataclass
class _Entry:
    """One epic or item on its way to the canonical model."""

    path: Path
    line: int
    id: str
    source: EpicFile | ItemFile
    phase: str
    epic: str | None = None
    epic_track: str | None = None


def build(
    doc: RoadmapFile, root: Node | None, out: Collector, today: date | None
) -> tuple[Roadmap | None, dict[str, int]]:
    tz = ZoneInfo(doc.cadence.timezone)
    today = today or datetime.now(tz).date()
    phases = _phases(doc, out)
    sprints = sprint_rules.derive(doc.cadence, phases, today)
    sprints = sprint_rules.apply_overrides(sprints, list(doc.sprints), today, out)
    entries = _entries(doc, phases, root, out)
    ids = {entry.id: entry for entry in entries}
    items = [_item(entry, ids, sprints, doc, tz, out) for entry in entries]
    objectives = _objectives(doc, {e.id for e in entries if isinstance(e.source, EpicFile)}, out)
    lines = {entry.id: entry.line for entry in entries}
    if out.problems:
        return None, lines
    roadmap = Roadmap(
        project=doc.project,
        cadence=Cadence(
            sprint_length_days=doc.cadence.sprint_length_days,
            first_sprint_start=doc.cadence.first_sprint_start,
            timezone=doc.cadence.timezone,
        ),
        board=BoardPolicy(
            wip_limits=dict(doc.board.wip_limits),
            wip_limits_per_track={t: dict(v) for t, v in doc.board.wip_limits_per_track.items()},
            spikes=SpikePolicy(
                max_timebox_days=doc.board.spikes.max_timebox_days,
                extensions_allowed=doc.board.spikes.extensions_allowed,
            ),
        ),
        phases=phases,
        sprints=tuple(sprints),
        objectives=tuple(objectives),
        risks=tuple(Risk(**risk.model_dump()) for risk in doc.risks),
        items=tuple(item for item in items if item is not None),
    )
    return roadmap, lines


def _phases(doc: RoadmapFile, out: Collector) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    seen: dict[str, int] = {}
    for number, phase in enumerate(doc.phases):
        phase_id = phase.id or slug(phase.name)
        if phase_id in seen:
            field = "id" if phase.id else "name"
            out.add(
                ("phases", number, field),
                f"duplicate phase id {phase_id!r} (also phases[{seen[phase_id]}])",
            )
        seen.setdefault(phase_id, number)
        phases.append(
            Phase(
                id=phase_id,
                name=phase.name,
                sprints=phase.sprints,
                maturity_level=phase.maturity_level,
                goal=phase.goal,
                exit_criteria=tuple(phase.exit_criteria),
            )
        )
    return tuple(phases)


def _line(node: Node | None, fallback: int) -> int:
    return position(node)[0] if node is not None else fallback


def _entries(
    doc: RoadmapFile, phases: tuple[Phase, ...], root: Node | None, out: Collector
) -> list[_Entry]:
    """Epics and items in file order, with ids derived, duplicates reported, lines recorded."""
    entries: list[_Entry] = []
    first: dict[str, _Entry] = {}

    def register(entry: _Entry, explicit: bool) -> None:
        if entry.id in first:
            field = "id" if explicit else "title"
            how = "" if explicit else " (derived from the title; give one of them an explicit id)"
            out.add(
                (*entry.path, field),
                f"duplicate id {entry.id!r}, also at line {first[entry.id].line}{how}",
            )
            return
        first[entry.id] = entry
        entries.append(entry)

    phase_nodes = child(root, "phases")
    for p, (phase, canonical) in enumerate(zip(doc.phases, phases, strict=True)):
        epic_nodes = child(child(phase_nodes, p), "epics")
        for e, epic in enumerate(phase.epics):
            epic_node = child(epic_nodes, e)
            epic_path: Path = ("phases", p, "epics", e)
            epic_id = epic.id or slug(epic.title)
            epic_line = _line(epic_node, 1)
            register(_Entry(epic_path, epic_line, epic_id, epic, canonical.id or ""), bool(epic.id))
            item_nodes = child(epic_node, "items")
            nodes = item_nodes.value if isinstance(item_nodes, SequenceNode) else []
            for i, item in enumerate(epic.items):
                line = _line(nodes[i] if i < len(nodes) else None, epic_line)
                item_id = item.id or child_id(epic_id, item.title)
                entry = _Entry(
                    (*epic_path, "items", i),
                    line,
                    item_id,
                    item,
                    canonical.id or "",
                    epic_id,
                    epic.track.value,
                )
                register(entry, bool(item.id))
    return entries


def _item(
    entry: _Entry,
    ids: dict[str, _Entry],
    sprints: list[Sprint],
    doc: RoadmapFile,
    tz: ZoneInfo,
    out: Collector,
) -> WorkItem | None:
    source, path = entry.source, entry.path
    if isinstance(source, EpicFile):
        return _make(
            out,
            path,
            id=entry.id,
            kind=Kind.EPIC,
            title=source.title,
            description=source.description,
            track=source.track,
            stage=source.stage,
            labels=tuple(source.labels),
            assignee=source.assignee,
            due=source.due,
            blocked=source.blocked,
            acceptance_criteria=tuple(source.acceptance_criteria),
            phase=entry.phase,
        )
    ok = True
    if source.kind is Kind.EPIC:
        out.add(
            (*path, "kind"), "an epic cannot sit under another epic: move it to the phase's epics"
        )
        ok = False
    parent = entry.epic
    if source.parent is not None:
        if source.parent == entry.id:
            out.add((*path, "parent"), "an item cannot be its own parent")
            ok = False
        elif source.parent not in ids:
            out.add((*path, "parent"), unknown("parent", source.parent, ids))
            ok = False
        parent = source.parent
    sprint = _sprint(source.sprint, entry, sprints, path, out)
    timebox = _timebox(source, doc, tz, path, out)
    if not ok or sprint is False or timebox is False:
        return None
    return _make(
        out,
        path,
        id=entry.id,
        kind=source.kind,
        title=source.title,
        description=source.description,
        track=source.track or entry.epic_track,
        stage=source.stage,
        parent=parent,
        points=source.points,
        labels=tuple(source.labels),
        assignee=source.assignee,
        sprint=sprint,
        due=source.due,
        blocked=source.blocked,
        acceptance_criteria=tuple(source.acceptance_criteria),
        timebox=timebox,
        phase=entry.phase,
    )


def _make(out: Collector, path: Path, **fields: object) -> WorkItem | None:
    try:
        return WorkItem.model_validate(fields)
    except ValidationError as exc:  # the file models should have caught it; report, don't crash
        for detail in exc.errors(include_url=False):
            out.add(path, str(detail["msg"]))
        return None


def _sprint(
    ref: int | str | None, entry: _Entry, sprints: list[Sprint], path: Path, out: Collector
) -> str | bool | None:
    """The global sprint id for a reference, None for none, False after reporting a problem."""
    if ref is None:
        return None
    if isinstance(ref, int):
        own = [sprint for sprint in sprints if sprint.phase == entry.phase]
        if 1 <= ref <= len(own):
            return own[ref - 1].id
        out.add(
            (*path, "sprint"),
            f"phase {entry.phase!r} has {len(own)} sprints; there is no sprint {ref} in it",
        )
        return False
    known = {sprint.id for sprint in sprints}
    if ref in known:
        return ref
    span = f" (sprints are s1..s{len(sprints)})" if sprints else ""
    out.add((*path, "sprint"), unknown("sprint", ref, known) + span)
    return False


def _timebox(
    source: ItemFile, doc: RoadmapFile, tz: ZoneInfo, path: Path, out: Collector
) -> Timebox | bool | None:
    box: TimeboxFile | None = source.timebox
    if source.kind is not Kind.SPIKE:
        if box is not None:
            out.add(
                (*path, "timebox"), f"only spikes carry a timebox (this is a {source.kind.value})"
            )
            return False
        return None
    if box is None:
        out.add((*path, "timebox"), "a spike needs a timebox with days and a hypothesis")
        return False
    policy = doc.board.spikes
    longest, allowed = policy.max_timebox_days, policy.extensions_allowed
    ok = True
    if box.days > policy.max_timebox_days:
        out.add(
            (*path, "timebox", "days"),
            f"a {box.days}-day time-box is longer than the spike policy allows ({longest} days)",
        )
        ok = False
    if len(box.extensions) > policy.extensions_allowed:
        out.add(
            (*path, "timebox", "extensions"),
            f"{len(box.extensions)} extensions, but the spike policy allows {allowed}",
        )
        ok = False
    if not ok:
        return False
    started = box.started
    if started is not None and not isinstance(started, datetime):
        started = datetime(started.year, started.month, started.day, tzinfo=tz)
    elif started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=tz)
    return Timebox(
        length_days=box.days,
        hypothesis=box.hypothesis,
        started_at=started,
        outcome=box.outcome,
        learning=box.learning,
        extensions=tuple(Extension(**ext.model_dump()) for ext in box.extensions),
    )


def _objectives(doc: RoadmapFile, epics: set[str], out: Collector) -> list[Objective]:
    objectives: list[Objective] = []
    seen: set[str] = set()
    start = doc.cadence.first_sprint_start
    for number, objective in enumerate(doc.objectives):
        path: Path = ("objectives", number)
        objective_id = objective.id or slug(objective.kpi)
        if objective_id in seen:
            out.add(
                (*path, "id" if objective.id else "kpi"), f"duplicate objective id {objective_id!r}"
            )
        seen.add(objective_id)
        if objective.due < start:
            out.add((*path, "due"), f"due {objective.due} is before the roadmap starts ({start})")
        for e, epic in enumerate(objective.epics):
            if epic not in epics:
                out.add((*path, "epics", e), unknown("epic", epic, epics))
        objectives.append(
            Objective(
                id=objective_id,
                kpi=objective.kpi,
                baseline=objective.baseline,
                target=objective.target,
                unit=objective.unit,
                due=objective.due,
                epics=tuple(objective.epics),
            )
        )
    return objectives
