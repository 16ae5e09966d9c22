"""A tracker's sprints as roadmap sprints (`tracker-bridge import`). Pure.

The roadmap numbers sprints `s1`, `s2`, ... from a cadence; a tracker's sprints have their own
dates, gaps and lengths. So the cadence is derived (the usual sprint length, the first
sprint's start, UTC) and every sprint is written as a `sprints:` entry with its own name,
dates, state and goal, and `adopt:`s the tracker's sprint, so the first sync binds it and
creates nothing. Closed sprints are kept: they hold the project's history.

Dates the roadmap cannot hold as they are get the nearest that it can, and the first sync
shows the change in its plan: a milestone has only a due date (it starts the day after the
sprint before, or one sprint length before its due date), a future sprint without dates
follows the one before, and a sprint that overlaps the one before (parallel sprints) starts
the day after it.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker_bridge.tracker import RemoteSprint

DEFAULT_LENGTH = 14


@dataclass(frozen=True)
class ImportedSprint:
    sprint_id: str
    """`s1`, `s2`, ... in date order."""
    remote_id: str
    claim: str
    """`jira:TREND/sprint/42`, `github:acme/repo/milestone/3`."""
    name: str
    start: date
    end: date
    state: str
    goal: str = ""


@dataclass(frozen=True)
class ImportedCadence:
    sprint_length_days: int
    first_sprint_start: date
    sprints: tuple[ImportedSprint, ...]


def imported_cadence(tracker: str, remote: Sequence[RemoteSprint], today: date) -> ImportedCadence:
    """Roadmap sprints for the tracker's sprints, oldest first; none: a cadence from the
    Monday of `today`."""
    length = sprint_length(remote)
    ordered = sorted(
        enumerate(remote),
        key=lambda pair: (_anchor(pair[1]) is None, _anchor(pair[1]) or date.min, pair[0]),
    )
    sprints: list[ImportedSprint] = []
    previous_end: date | None = None
    for number, (_, sprint) in enumerate(ordered, start=1):
        start, end = _dates(sprint, length, previous_end, today)
        previous_end = end
        sprints.append(
            ImportedSprint(
                sprint_id=f"s{number}",
                remote_id=sprint.remote_id,
                claim=f"{tracker}/{sprint.claim_kind}/{sprint.remote_id}",
                name=sprint.name.strip()[:255] or f"Sprint {number}",
                start=start,
                end=end,
                state=_state(sprint, start, today),
                goal=sprint.goal.strip(),
            )
        )
    first = sprints[0].start if sprints else today - timedelta(days=today.weekday())
    return ImportedCadence(length, first, tuple(sprints))


def sprint_length(remote: Sequence[RemoteSprint]) -> int:
    """The usual length in days: of dated sprints, else the gap between due dates."""
    spans = [(s.end - s.start).days + 1 for s in remote if s.start and s.end and s.end >= s.start]
    if not spans:
        ends = sorted({s.end for s in remote if s.end is not None})
        spans = [(b - a).days for a, b in itertools.pairwise(ends) if b > a]
    return max(1, round(statistics.median(spans))) if spans else DEFAULT_LENGTH


def _anchor(sprint: RemoteSprint) -> date | None:
    return sprint.start or sprint.end


def _dates(
    sprint: RemoteSprint, length: int, previous_end: date | None, today: date
) -> tuple[date, date]:
    step = timedelta(days=length - 1)
    if sprint.start is not None:
        start = sprint.start
    elif sprint.end is not None:
        start = sprint.end - step
    elif previous_end is not None:
        start = previous_end + timedelta(days=1)
    else:
        start = today - timedelta(days=today.weekday())
    if previous_end is not None and start <= previous_end:
        start = previous_end + timedelta(days=1)
    end = sprint.end if sprint.end is not None else start + step
    return start, max(start, end)


def _state(sprint: RemoteSprint, start: date, today: date) -> str:
    """Jira says future, active or closed; an open milestone or iteration has begun or not."""
    if sprint.state == "active" and sprint.claim_kind != "sprint" and start > today:
        return "future"
    return sprint.state
