"""Reading when an issue changed stage, sprint and points from its issue events (pure)."""

from __future__ import annotations

from typing import Any

from tracker_bridge.adapters.github.history import field_times
from tracker_bridge.adapters.github.mapping import load_mapping
from tracker_bridge.adapters.github.translate import parse_time

MAPPING = load_mapping()


def event(kind: str, at: str, **extra: Any) -> dict[str, Any]:
    """GitHub's issue event shape (the fields read here)."""
    return {"id": 1, "event": kind, "created_at": at, "actor": {"login": "alice"}, **extra}


def test_each_field_takes_its_last_own_event() -> None:
    """A person labels the issue in progress (Mon 09:00), adds it to a milestone and
    estimates it (Mon 10:01), relabels it in review (Tue 14:00: unlabeled + labeled), adds
    an unrelated label (Wed), closes it (Thu 16:00) and re-estimates (Fri). By hand: stage
    Thu 16:00, sprint Mon 10:01, points Fri 09:00; the unrelated label and the comment-only
    days change nothing."""
    events = [
        event("labeled", "2026-11-02T09:00:00Z", label={"name": "stage:in-progress"}),
        event("milestoned", "2026-11-02T10:01:00Z", milestone={"title": "Sprint 1"}),
        event("labeled", "2026-11-02T10:01:00Z", label={"name": "points:3"}),
        event("unlabeled", "2026-11-03T14:00:00Z", label={"name": "stage:in-progress"}),
        event("labeled", "2026-11-03T14:00:00Z", label={"name": "stage:in-review"}),
        event("labeled", "2026-11-04T11:00:00Z", label={"name": "good first issue"}),
        event("closed", "2026-11-05T16:00:00Z", state_reason="completed"),
        event("unlabeled", "2026-11-06T09:00:00Z", label={"name": "points:3"}),
        event("labeled", "2026-11-06T09:00:00Z", label={"name": "points:5"}),
        event("commented", "2026-11-06T10:00:00Z"),
    ]
    assert field_times(events, MAPPING) == {
        "stage": parse_time("2026-11-05T16:00:00Z"),
        "sprint": parse_time("2026-11-02T10:01:00Z"),
        "points": parse_time("2026-11-06T09:00:00Z"),
    }


def test_no_dated_event_no_time() -> None:
    assert field_times([event("commented", "2026-11-06T10:00:00Z")], MAPPING) == {}
