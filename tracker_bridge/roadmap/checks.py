"""Per-field cross-checks of the roadmap file: sprint references, spike time-boxes, objectives."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tracker_bridge.model import Extension, Kind, Objective, Risk, Sprint, Timebox
from tracker_bridge.roadmap.fileformat import EpicFile, ItemFile, RoadmapFile, TimeboxFile
from tracker_bridge.roadmap.ids import slug
from tracker_bridge.roadmap.problems import Collector, unknown

Path = tuple[str | int, ...]


MANAGED_LABEL_PREFIXES = ("stage:", "type:", "track:", "points:")
"""Label namespaces the tracker mappings manage: a roadmap label there flips a field."""
MARKER_LABEL_PREFIX = "tb-id:"
BODY_MARKER = "<!-- tracker-bridge:"


def markers_and_labels(source: EpicFile | ItemFile, path: Path, out: Collector) -> None:
    """Refuse what would hijack another item's issue or flip a managed field every night."""
    for number, label in enumerate(source.labels):
        folded = label.casefold()
        where = (*path, "labels", number)
        if folded.startswith(MARKER_LABEL_PREFIX):
            out.add(
                where,
                f"{label!r} is the tool's marker label (it names which item an issue "
                "is): remove it",
            )
        elif folded.startswith(MANAGED_LABEL_PREFIXES) or folded == "blocked":
            out.add(
                where,
                f"{label!r} is managed by the tracker mappings: set the item's "
                "stage, kind, track, points or blocked instead",
            )
        elif any(char.isspace() for char in label):
            out.add(where, f"{label!r} has a space, which Jira refuses in labels: use - or _")
    if BODY_MARKER in (source.description or "").casefold():
        out.add(
            (*path, "description"),
            "holds a tracker-bridge marker comment, which names which item an issue is: remove it",
        )


class SprintRefs:
    """Resolves `sprint:` references: `s7` (global) or `2` (the 2nd sprint of the item's phase)."""

    def __init__(self, sprints: list[Sprint]) -> None:
        self.known = {sprint.id for sprint in sprints}
        self.count = len(sprints)
        self.by_phase: dict[str | None, list[str]] = {}
        for sprint in sprints:
            self.by_phase.setdefault(sprint.phase, []).append(sprint.id)

    def resolve(
        self, ref: int | str | None, phase: str, path: Path, out: Collector
    ) -> str | bool | None:
        """The global sprint id, None for no sprint, False after reporting a problem."""
        if ref is None:
            return None
        if isinstance(ref, int):
            own = self.by_phase.get(phase, [])
            if 1 <= ref <= len(own):
                return own[ref - 1]
            out.add(
                (*path, "sprint"),
                f"phase {phase!r} has {len(own)} sprints; there is no sprint {ref} in it",
            )
            return False
        if ref in self.known:
            return ref
        span = f" (sprints are s1..s{self.count})" if self.count else ""
        out.add((*path, "sprint"), unknown("sprint", ref, self.known) + span)
        return False


def timebox(
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
    elif started is not None:
        started = started.astimezone(tz)  # in the team's zone: its due date is a local day
    return Timebox(
        length_days=box.days,
        hypothesis=box.hypothesis,
        started_at=started,
        outcome=box.outcome,
        learning=box.learning,
        extensions=tuple(Extension(**ext.model_dump()) for ext in box.extensions),
    )


def objectives(doc: RoadmapFile, epics: set[str], out: Collector) -> list[Objective]:
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


def risks(doc: RoadmapFile, epics: set[str], out: Collector) -> list[Risk]:
    for number, risk in enumerate(doc.risks):
        for e, epic in enumerate(risk.epics):
            if epic not in epics:
                out.add(("risks", number, "epics", e), unknown("epic", epic, epics))
    return [Risk(**risk.model_dump()) for risk in doc.risks]
