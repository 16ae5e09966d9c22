"""Small text helpers shared by the renderers, so every format says the same thing."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.model import SpikeOutcome
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.spikes import SpikeStatus
from tracker_bridge.reports.sprint import SprintHealth, TrackHealth


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
    if track.spikes or any(track.spike_outcomes.values()):
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
