"""Phases: which one is current, its maturity level and exit criteria, and its gate.

The current phase is the phase of the sprint that today falls in (today in the team's time
zone); between sprints, the phase of the next one; after the last sprint, the last phase.
A phase's gate is its latest go/no-go review. A no-go on a phase holds the next phase: its
sprints are created on the trackers but not started, until a new review says go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from tracker_bridge.model import MaturityLevel, Phase, Roadmap

GO, NO_GO = "go", "no-go"
DECISIONS = (GO, NO_GO)


class ReviewLike(Protocol):
    """A recorded decision (the store's `PhaseReview` fits)."""

    @property
    def phase(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def by(self) -> str: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Decision:
    decision: str
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class PhaseStatus:
    id: str
    name: str
    maturity_level: int
    maturity: str
    """The level's name, e.g. "pipeline automation"."""
    goal: str
    exit_criteria: tuple[str, ...]
    sprints: tuple[str, ...]
    review: Decision | None
    """This phase's latest go/no-go, if one was recorded."""
    held_by: str | None = None
    """The previous phase, when its latest review is a no-go: this phase may not start."""
    held_decision: Decision | None = None
    """That no-go."""


def phase_id(phase: Phase) -> str:
    # The loader always fills the id (from the name if the file has none).
    return phase.id or phase.name


def latest_reviews(reviews: Iterable[ReviewLike]) -> dict[str, Decision]:
    """Per phase id, the most recent decision (reviews come oldest first)."""
    latest: dict[str, Decision] = {}
    for review in reviews:
        latest[review.phase] = Decision(review.decision, review.note, review.by, review.at)
    return latest


def held_phases(roadmap: Roadmap, reviews: Iterable[ReviewLike]) -> dict[str, str]:
    """Phase id → the previous phase whose latest review is a no-go."""
    latest = latest_reviews(reviews)
    held: dict[str, str] = {}
    for before, after in zip(roadmap.phases, roadmap.phases[1:], strict=False):
        decision = latest.get(phase_id(before))
        if decision is not None and decision.decision == NO_GO:
            held[phase_id(after)] = phase_id(before)
    return held


def today_in(roadmap: Roadmap, now: datetime) -> date:
    return now.astimezone(ZoneInfo(roadmap.cadence.timezone)).date()


def current_phase_id(roadmap: Roadmap, today: date) -> str | None:
    sprints = sorted((s for s in roadmap.sprints if s.phase), key=lambda s: s.start)
    for sprint in sprints:
        if today <= sprint.end:
            return sprint.phase
    if sprints:
        return sprints[-1].phase
    return phase_id(roadmap.phases[0]) if roadmap.phases else None


def phase_status(roadmap: Roadmap, wanted: str, reviews: Sequence[ReviewLike]) -> PhaseStatus:
    phase = next(p for p in roadmap.phases if phase_id(p) == wanted)
    level = MaturityLevel(phase.maturity_level)
    latest = latest_reviews(reviews)
    held_by = held_phases(roadmap, reviews).get(wanted)
    return PhaseStatus(
        id=wanted,
        name=phase.name,
        maturity_level=int(level),
        maturity=level.name.replace("_", " ").lower(),
        goal=phase.goal,
        exit_criteria=phase.exit_criteria,
        sprints=tuple(s.id for s in roadmap.sprints if s.phase == wanted),
        review=latest.get(wanted),
        held_by=held_by,
        held_decision=latest.get(held_by) if held_by else None,
    )


def current_phase(roadmap: Roadmap, now: datetime,
                  reviews: Sequence[ReviewLike]) -> PhaseStatus | None:
    found = current_phase_id(roadmap, today_in(roadmap, now))
    if found is None or all(phase_id(p) != found for p in roadmap.phases):
        return None
    return phase_status(roadmap, found, reviews)


def decision_text(decision: Decision) -> str:
    note = f": {decision.note}" if decision.note else ""
    return f"{decision.decision} by {decision.by} on {decision.at:%Y-%m-%d}{note}"


def phase_lines(status: PhaseStatus) -> list[str]:
    """What every format says about the current phase, one line each."""
    lines = [f"{status.name} ({status.id}), MLOps maturity level {status.maturity_level} "
             f"({status.maturity}); sprints {', '.join(status.sprints) or 'none'}"]
    if status.goal:
        lines.append(f"Goal: {status.goal}")
    if status.held_by is not None and status.held_decision is not None:
        lines.append(f"Held: {status.held_by} is {decision_text(status.held_decision)}; this "
                     "phase's sprints are not started on the trackers until a go")
    lines.append("Gate: " + (decision_text(status.review) if status.review
                             else "no go/no-go recorded yet"))
    lines += [f"Exit criterion: {c}" for c in status.exit_criteria]
    return lines
