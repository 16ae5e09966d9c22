"""Small text helpers shared by the renderers, so every format says the same thing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from tracker_bridge.model import SpikeOutcome, Track

if TYPE_CHECKING:  # annotations only: `status` formats its board without the sprint reports
    from tracker_bridge.reports.board import WipBreach
    from tracker_bridge.reports.flow import CycleItem, CycleTimes, Quantiles
    from tracker_bridge.reports.learning import Concluded, ResearchLearning
    from tracker_bridge.reports.lines import ItemLine
    from tracker_bridge.reports.spikes import SpikeStatus
    from tracker_bridge.reports.sprint import SprintHealth, TrackHealth

T = TypeVar("T")


def pts(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def item_text(line: ItemLine) -> str:
    extra = [line.stage.value]
    if line.points is not None:
        extra.append(f"{pts(line.points)} pts")
    if line.assignee:
        extra.append(f"@{line.assignee}")
    if line.days_in_stage is not None:
        extra.append(f"{line.days_in_stage:g} days in stage")
    if line.age_days is not None:
        extra.append(f"age {line.age_days:g} days since started")
    if line.tracker_born:
        extra.append(f"tracker-born {line.tracker_key}")
    if line.criteria_met is not None:
        extra.append(f"{line.criteria_met} criteria met")
    return f"{line.id} {line.title} ({', '.join(extra)})"


def clip(texts: Sequence[str], limit: int) -> list[str]:
    """At most `limit` lines; the rest summed up as one '… and N more' line."""
    if len(texts) <= limit:
        return list(texts)
    keep = max(limit - 1, 0)
    return [*texts[:keep], f"… and {len(texts) - keep} more"]


def clip_each(values: Sequence[T], limit: int, text: Callable[[T], str]) -> list[str]:
    """`clip` of the values' texts, making only the texts it keeps (a board's lines)."""
    if len(values) <= limit:
        return [text(value) for value in values]
    keep = max(limit - 1, 0)
    return [*(text(value) for value in values[:keep]), f"… and {len(values) - keep} more"]


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def sprint_title(health: SprintHealth) -> str:
    sprint = health.sprint
    when = "ended" if health.over else f"day {health.day} of {health.days}"
    return f"{health.project} · {sprint.name} ({sprint.start:%d %b} to {sprint.end:%d %b}, {when})"


def forecast(track: TrackHealth) -> str:
    if track.velocity is None:
        return "no closed sprints yet"
    if track.sprints_needed is None:
        return f"velocity {pts(track.velocity)}: no forecast"
    return (f"{pts(track.backlog_points)} pts open ÷ velocity {pts(track.velocity)} "
            f"≈ {track.sprints_needed} sprint(s)")


def outcomes(track: TrackHealth) -> str:
    counts = track.spike_outcomes
    shown = [o for o in SpikeOutcome if o is not SpikeOutcome.ABANDONED or counts.get(o)]
    return ", ".join(f"{counts.get(o, 0)} {o.value}" for o in shown)


def spike_text(status: SpikeStatus) -> str:
    if status.closed:
        outcome = status.outcome.value if status.outcome else "no outcome"
        return f"{status.id} {status.title} (closed, {outcome}: {status.learning or 'no learning'})"
    if status.deadline is None:
        return f"{status.id} {status.title} (not started)"
    state = "OVERDUE" if status.overdue else "due"
    left = f", {abs(status.days_left):g} days {'late' if status.overdue else 'left'}" \
        if status.days_left is not None else ""
    ext = f", {len(status.extensions)} ext." if status.extensions else ""
    return f"{status.id} {status.title} ({state} {status.deadline:%d %b %H:%M}{left}{ext})"


def track_rows(track: TrackHealth) -> list[tuple[str, str]]:
    """(label, value) pairs: the headline numbers of one track."""
    rows = [
        ("Committed", f"{pts(track.committed_points)} pts / {len(track.committed)} items"),
        ("Completed", f"{pts(track.completed_points)} pts / {len(track.completed)} items"),
        ("Scope added", f"+{pts(track.added_points)} pts / {len(track.added)} items"),
        ("Scope removed", f"-{pts(track.removed_points)} pts / {len(track.removed)} items"),
        ("Remaining", f"{pts(track.remaining_points)} pts / {len(track.remaining)} items"),
        ("Capacity", pts(track.capacity)),
        ("Forecast", forecast(track)),
    ]
    if track.reestimated:  # scope change too, after the commitment; shown only when it happened
        rows.insert(4, ("Re-estimated", reestimated(track)))
    # Research shows its outcomes with what it learned (`learning_rows`), before the points.
    if track.track is not Track.RESEARCH and (track.spikes or any(track.spike_outcomes.values())):
        rows.append(("Spike outcomes", outcomes(track)))
    in_sprint = {
        line.id: line
        for line in (*track.committed, *track.added, *track.completed, *track.remaining)
        if line.acceptance
    }
    criteria = [c for line in in_sprint.values() for c in line.acceptance]
    if criteria:  # ticked by people on the trackers (GitHub checklists)
        met = sum(1 for c in criteria if c.met)
        items = len(in_sprint)
        rows.append(("Acceptance criteria", f"{met}/{len(criteria)} met in {items} items"))
    return rows


def reestimated(track: TrackHealth) -> str:
    """Net points change of the items re-estimated after the commitment, signed."""
    change = track.reestimated_points
    sign = "+" if change > 0 else "-" if change < 0 else "±"
    return f"{sign}{pts(abs(change))} pts / {len(track.reestimated)} items"


BREACH_IDS = 10
"""Item ids named per WIP breach; the rest are counted."""


def breach_text(breach: WipBreach) -> str:
    """The first `BREACH_IDS` ids, the rest counted (`count`: a board read from the store
    keeps only the first ids of a breach, `Clipped`)."""
    named = ", ".join(breach.items[:BREACH_IDS])
    more = f" … and {breach.count - BREACH_IDS} more" if breach.count > BREACH_IDS else ""
    return f"{breach}: {named}{more}"


def counted(title: str, texts: Sequence[str]) -> str:
    """A list title with its full count, so a clipped list still says how long it is."""
    return f"{title} ({len(texts)})"


def days(value: float | None) -> str:
    return "-" if value is None else f"{value:g} d"


def learning_rows(learning: ResearchLearning) -> list[tuple[str, str]]:
    """The research track's headline: what it learned, before any points."""
    concluded = len(learning.concluded)
    adherence = learning.adherence
    per_sprint = ", ".join(f"{h.sprint}: {h.started} started / {h.concluded} concluded"
                           for h in learning.per_sprint)
    return [
        ("Spikes concluded", f"{concluded} ({learning.running} running)"),
        ("Outcomes", ", ".join(f"{n} {o.value}" for o, n in learning.outcomes.items())),
        ("Learning recorded", f"{learning.learning_recorded} of {concluded}"),
        ("Within time-box", f"{learning.within_timebox} of {concluded}"
         + (f" ({adherence:.0%})" if adherence is not None else "")),
        ("Hypotheses per sprint", per_sprint or "-"),
    ]


def concluded_text(c: Concluded) -> str:
    outcome = c.outcome.value if c.outcome else "no outcome"
    box = {True: "within time-box", False: "over time-box", None: "time-box unknown"}
    return (f"{c.id} {c.title}: {outcome}, {box[c.within_timebox]}"
            f"{', extended' if c.extended else ''}; learned: {c.learning or 'nothing recorded'}")


def cycle_text(entry: CycleItem) -> str:
    return (f"{entry.id} {entry.title} ({entry.kind.value}): cycle {days(entry.cycle_days)}, "
            f"lead {days(entry.lead_days)}, done {entry.done_at:%d %b}")


def cycle_rows(times: CycleTimes) -> list[tuple[str, str, str, str, str]]:
    """(track, kind, items, cycle p50/p85/p95, lead p50/p85/p95) for each group with items."""
    rows = []
    for s in times.stats:
        if s.cycle is None and s.lead is None:
            continue
        count = max(s.cycle.count if s.cycle else 0, s.lead.count if s.lead else 0)
        rows.append((s.track.value, s.kind.value if s.kind else "all", str(count),
                     _q(s.cycle), _q(s.lead)))
    return rows


def _q(q: Quantiles | None) -> str:
    return "-" if q is None else f"{q.p50:g} / {q.p85:g} / {q.p95:g} d"


def burndown_label(track: TrackHealth, index: int) -> str:
    """Burndown values are taken at the start of each day; the last one is the end of the
    sprint's last day, so it is labelled with that day, not the morning after."""
    point = track.burndown[index]
    if index == len(track.burndown) - 1 and index > 0:
        return f"end {track.burndown[index - 1].day:%d %b}"
    return f"{point.day:%d %b}"


def shows_burndown(track: TrackHealth, research_points: bool) -> bool:
    """Whenever the sprint held points (committed, or only added after the start: the chart
    is not dropped for a sprint planned late); research only when the project asks."""
    if not track.committed_points and not any(p.remaining for p in track.burndown):
        return False
    return track.track is not Track.RESEARCH or research_points
