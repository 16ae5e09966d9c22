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


def test_a_clipped_list_reads_within_what_it_keeps() -> None:
    """A board's list of 16,667 cards, of which it keeps the first 3: its length is the
    whole list's, its first lines read as the whole list's do, and reading past them
    says what to run instead of handing back a wrong list."""
    import pytest

    from tracker_bridge.reports.lines import Clipped, ClippedError, ClippedLines, Lines

    cards = [WorkItem(id=f"e0.i{n}", kind=Kind.TASK, title=f"Item {n}") for n in range(3)]
    clipped = ClippedLines(cards, 16_667)
    assert len(clipped) == 16_667 and clipped[:2] == Lines(cards)[:2]
    assert clipped[-16_667] == clipped[0] == ItemLine.of(cards[0])
    with pytest.raises(ClippedError, match=r"16667 clipped at its first 3.*--full"):
        clipped[3]
    with pytest.raises(ClippedError):
        list(clipped)
    assert ClippedLines(cards, 3) == Lines(cards)  # nothing clipped: the whole list
    ids = Clipped(["e0.i0", "e0.i1"], 40)
    assert len(ids) == 40 and ids[:2] == ("e0.i0", "e0.i1") and ids == Clipped(ids[:2], 40)
    with pytest.raises(ClippedError):
        ids[2:4]
    with pytest.raises(ValueError):
        Clipped(["a", "b"], 1)


def test_no_renderer_shows_more_of_a_list_than_a_clipped_board_keeps() -> None:
    from tracker_bridge.reports.fmt import BREACH_IDS
    from tracker_bridge.reports.lines import CLIPPED_AT
    from tracker_bridge.reports.render_json import JSON_LIST_LIMIT
    from tracker_bridge.reports.render_terminal import LIST_LIMIT

    assert max(JSON_LIST_LIMIT, LIST_LIMIT, BREACH_IDS) == CLIPPED_AT
