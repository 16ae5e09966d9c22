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
    BORN_ID_RULE,
    BoardPolicy,
    Cadence,
    Kind,
    Phase,
    Roadmap,
    SpikePolicy,
    Track,
    WorkItem,
    born_id,
    looks_born,
    parse_claim,
)
from tracker_bridge.roadmap import checks
from tracker_bridge.roadmap import sprints as sprint_rules
from tracker_bridge.roadmap.fileformat import EpicFile, ItemFile, RoadmapFile
from tracker_bridge.roadmap.ids import child_id, slug
from tracker_bridge.roadmap.nodes import child, locate, position
from tracker_bridge.roadmap.problems import Collector, format_path, unknown

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


ClaimMarks = dict[tuple[str, str, str], tuple[int, int, str]]
"""(item id, target, issue key) of each `adopt:` claim -> its line, column and field path."""


def build(
    doc: RoadmapFile, root: Node | None, out: Collector, today: date | None
) -> tuple[Roadmap | None, dict[str, int], ClaimMarks]:
    tz = ZoneInfo(doc.cadence.timezone)
    if isinstance(today, datetime):  # a moment (`--now`): the team's date then, in its zone
        today = today.astimezone(tz).date()
    today = today or datetime.now(tz).date()
    phases = _phases(doc, out)
    try:
        sprints = sprint_rules.derive(doc.cadence, phases, today)
    except OverflowError:
        last = doc.cadence.first_sprint_start
        out.add(
            ("cadence", "first_sprint_start"),
            f"{last} leaves no room for the sprints: they would run past the year 9999",
        )
        return None, {}, {}
    sprints = sprint_rules.apply_overrides(sprints, list(doc.sprints), today, out)
    entries = _entries(doc, phases, root, out)
    ids = {entry.id: entry for entry in entries}
    refs = checks.SprintRefs(sprints)
    items = [_item(entry, ids, refs, doc, tz, out) for entry in entries]
    claims = _claimed_once(entries, out)
    _no_born_ids(entries, out)
    epic_ids = {e.id for e in entries if isinstance(e.source, EpicFile)}
    objectives = checks.objectives(doc, epic_ids, out)
    risks = checks.risks(doc, epic_ids, out)
    lines = {entry.id: entry.line for entry in entries}
    if out.problems:
        return None, lines, claims
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
            definition_of_done=tuple(doc.board.definition_of_done),
        ),
        phases=phases,
        sprints=tuple(sprints),
        objectives=tuple(objectives),
        risks=tuple(risks),
        items=tuple(item for item in items if item is not None),
    )
    return roadmap, lines, claims


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
        item_nodes = child(child(phase_nodes, p), "items")
        nodes = item_nodes.value if isinstance(item_nodes, SequenceNode) else []
        for i, item in enumerate(phase.items):
            # Work outside any epic: no parent unless the item names one.
            line = _line(nodes[i] if i < len(nodes) else None, 1)
            entry = _Entry(("phases", p, "items", i), line, item.id or slug(item.title),
                           item, canonical.id or "")
            register(entry, bool(item.id))
    return entries


def _item(
    entry: _Entry,
    ids: dict[str, _Entry],
    refs: checks.SprintRefs,
    doc: RoadmapFile,
    tz: ZoneInfo,
    out: Collector,
) -> WorkItem | None:
    source, path = entry.source, entry.path
    checks.markers_and_labels(source, path, out)
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
            adopt=tuple(source.adopt),
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
    sprint = refs.resolve(source.sprint, entry.phase, path, out)
    timebox = checks.timebox(source, doc, tz, path, out)
    if not ok or sprint is False or timebox is False:
        return None
    return _make(
        out,
        path,
        id=entry.id,
        kind=source.kind,
        title=source.title,
        description=source.description,
        track=source.track or entry.epic_track or Track.ENGINEERING,
        stage=source.stage,
        parent=parent,
        points=source.points,
        labels=tuple(source.labels),
        assignee=source.assignee,
        sprint=sprint,
        due=source.due,
        blocked=source.blocked,
        acceptance_criteria=tuple(source.acceptance_criteria),
        definition_of_done=(
            () if source.kind is Kind.SPIKE else tuple(doc.board.definition_of_done)
        ),
        timebox=timebox,
        phase=entry.phase,
        adopt=tuple(source.adopt),
    )


def _claimed_once(entries: list[_Entry], out: Collector) -> ClaimMarks:
    """An issue can be adopted by one item only. Returns where each claim is written, so a
    claim the trackers refuse later (an issue bound to another item) is named at its line."""
    claimed: dict[tuple[str, str], str] = {}
    marks: ClaimMarks = {}
    for entry in entries:
        for index, claim in enumerate(entry.source.adopt):
            target = parse_claim(claim)
            where = (*entry.path, "adopt", index) if len(entry.source.adopt) > 1 else (
                *entry.path, "adopt")
            line, column = locate(out.root, where)
            marks[(entry.id, *target)] = (line, column, format_path(where))
            other = claimed.setdefault(target, entry.id)
            if other != entry.id:
                out.add(where, f"{claim} is adopted by {other!r} already")
    return marks


def _no_born_ids(entries: list[_Entry], out: Collector) -> None:
    """A roadmap id shaped like a tracker-born id would name the tracker's issue's item too:
    refused, unless the item adopts exactly that issue (as `import` writes it)."""
    for entry in entries:
        if not looks_born(entry.id):
            continue
        adopted = {born_id(*parse_claim(claim)) for claim in entry.source.adopt}
        if entry.id in adopted:
            continue
        explicit = entry.source.id is not None
        how = "" if explicit else " (derived from the title: give the item an explicit id)"
        out.add(
            (*entry.path, "id" if explicit else "title"),
            f"id {entry.id!r}: {BORN_ID_RULE}{how}; choose another id, or adopt the issue "
            "it names",
        )


def _make(out: Collector, path: Path, **fields: object) -> WorkItem | None:
    try:
        return WorkItem.model_validate(fields)
    except ValidationError as exc:  # the file models should have caught it; report, don't crash
        for detail in exc.errors(include_url=False):
            out.add(path, str(detail["msg"]))
        return None
