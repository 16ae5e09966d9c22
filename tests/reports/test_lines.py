"""`ItemLine.of` fills the line's slots without the dataclass's `__init__`: the same line."""

from __future__ import annotations

import dataclasses

from tracker_bridge.model import Kind, Origin, Stage, Track, WorkItem
from tracker_bridge.reports.lines import ItemLine, acceptance_of


def test_a_line_is_what_the_constructor_makes() -> None:
    item = WorkItem(
        id="trend-7", kind=Kind.STORY, title="Scrape <b>", track=Track.RESEARCH,
        stage=Stage.IN_REVIEW, points=3, assignee="ana", blocked=True,
        acceptance_criteria=("Works",), definition_of_done=("Reviewed",), checked=("Works",),
        origin=Origin(tracker="jira:TREND", key="TREND-7"),
    )
    plain = WorkItem(id="plain", kind=Kind.TASK, title="Plain")
    for it, extra in ((item, {"days_in_stage": 6.5, "age_days": 9.0}), (plain, {})):
        line = ItemLine.of(it, **extra)
        built = ItemLine(
            id=it.id, title=it.title, kind=it.kind, track=it.track, stage=it.stage,
            points=it.points, assignee=it.assignee, blocked=it.blocked,
            tracker_born=it.origin is not None,
            tracker=it.origin.tracker if it.origin else None,
            tracker_key=it.origin.key if it.origin else None,
            acceptance=acceptance_of(it), **extra,
        )
        assert line == built and hash(line) == hash(built)
        assert dataclasses.asdict(line) == dataclasses.asdict(built)
    assert ItemLine.of(item).criteria_met == "1/2"
