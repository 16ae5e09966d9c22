"""Sprint health splits each item's events once (`_Replay`) and asks membership, stage and
points at many times by bisection: each answer must be the whole history's replay
(`in_sprint_at`, `_done`, `points_at`), at event times exactly too, ties and all."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tracker_bridge.model import Kind, Stage, WorkItem
from tracker_bridge.reports.history import in_sprint_at, points_at
from tracker_bridge.reports.sprint import _done, _Replay, _window
from tracker_bridge.store import StoreEvent

from .scenario import SPRINTS, roadmap

T0 = datetime(2026, 10, 1, tzinfo=UTC)
STAGES = [*(s.value for s in Stage), "limbo", None]  # unknown and missing stages too


def _history(rng: random.Random, item_id: str) -> list[StoreEvent]:
    events: list[StoreEvent] = []
    for _ in range(rng.randrange(12)):
        at = T0 + timedelta(days=rng.randrange(40), hours=rng.choice((0, 12)))
        kind = rng.choice(("created", "sprint_added", "sprint_removed", "stage_changed",
                           "stage_changed", "points_changed", "spike_started"))
        data: dict[str, object] = {}
        if kind in ("created", "sprint_added", "sprint_removed"):
            data = {"sprint": rng.choice(("s1", "s2")), "seed": rng.random() < 0.2}
        elif kind == "stage_changed":
            data = {"from": rng.choice(STAGES), "to": rng.choice(STAGES)}
        elif kind == "points_changed":
            data = {"from": rng.choice((None, 1, 2.5)), "to": rng.choice((None, 3, 8.0))}
        events.append(StoreEvent(kind, item_id, at, None, data))
    return sorted(events, key=lambda ev: ev.at)  # a history: in time order, stable


def test_the_split_replay_answers_as_the_whole_history() -> None:
    rng = random.Random(7)
    plan = roadmap()
    for n in range(400):
        item = WorkItem(id=f"i{n}", title="t", kind=rng.choice((Kind.STORY, Kind.EPIC)),
                        stage=rng.choice(list(Stage)), points=rng.choice((None, 5)),
                        sprint=rng.choice((None, "s1", "s2")))
        history = _history(rng, item.id)
        sprint = rng.choice(SPRINTS)
        w = _window(sprint, plan, T0 + timedelta(days=rng.randrange(45)))
        replay = _Replay.of(item, history, sprint.id)
        times = {w.commit, w.cutoff, T0 - timedelta(days=1)}
        for ev in history:
            times |= {ev.at, ev.at - timedelta(microseconds=1), ev.at + timedelta(hours=1)}
        for at in sorted(times):
            assert replay.member(sprint.id, at) == in_sprint_at(item, history, sprint.id, at)
            assert replay.done(at, w) == _done(item, history, at, w), (n, at)
            assert replay.points_at(at) == points_at(item, history, at), (n, at)
