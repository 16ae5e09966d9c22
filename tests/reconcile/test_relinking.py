"""The bases `relink` stores: where an issue and the roadmap disagree after a lost store,
the next sync must see what it does not know (a conflict), not a roadmap edit."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker_bridge.model import RemoteRef, WorkItem
from tracker_bridge.reconcile.relinking import UNKNOWN, relinked_bases, unsettled_note
from tracker_bridge.tracker import RemoteItem

STORY = WorkItem(id="ingest.scraper", kind="story", title="Scrape Rotten Tomatoes",
                 description="Daily, new releases only.")
TASK = WorkItem(id="infra.ci", kind="task", title="CI pipeline")  # no description


def _found(item: WorkItem, **tracker: object) -> RemoteItem:
    values = {**item.sync_values(), **tracker}
    values.pop("spike")
    ref = RemoteRef(tracker="jira:TREND", key=item.id.upper(), remote_id=f"10{len(item.id)}")
    return RemoteItem(ref, item.id, values, datetime(2026, 12, 1, tzinfo=UTC))  # type: ignore[arg-type]


def test_an_issue_that_holds_what_the_roadmap_says_gets_its_values_as_base() -> None:
    bases = relinked_bases({STORY.id: STORY}, {STORY.id: _found(STORY)}, {STORY.id}, {})
    assert bases.tracker[STORY.id]["description"] == STORY.description
    assert bases.roadmap == {} and bases.unsettled == {}


def test_both_sides_holding_different_text_leaves_the_base_unknown_on_both() -> None:
    found = {STORY.id: _found(STORY, description="Hourly; Rotten Tomatoes rate-limits us.")}
    bases = relinked_bases({STORY.id: STORY}, found, {STORY.id}, {})
    assert bases.tracker[STORY.id]["description"] is UNKNOWN
    assert bases.roadmap[STORY.id]["description"] is UNKNOWN
    assert bases.roadmap[STORY.id]["title"] == STORY.title  # agreed fields keep their value
    assert bases.unsettled == {STORY.id: ("description",)}
    assert "ingest.scraper (description)" in unsettled_note(bases.unsettled)


def test_text_where_the_roadmap_has_none_is_not_a_conflict_but_kept() -> None:
    found = {TASK.id: _found(TASK, description="Cache the wheels.")}
    bases = relinked_bases({TASK.id: TASK}, found, {TASK.id}, {})
    assert bases.tracker[TASK.id]["description"] is UNKNOWN  # the tracker's text is news
    assert bases.roadmap[TASK.id]["description"] == ""  # the roadmap's is not
    assert bases.unsettled == {}


def test_a_tracker_owned_field_or_a_ref_the_store_still_had_is_not_touched() -> None:
    moved = {STORY.id: _found(STORY, stage="in_review", assignee="maria")}
    assert relinked_bases({STORY.id: STORY}, moved, {STORY.id}, {}).roadmap == {}
    edited = {STORY.id: _found(STORY, description="Edited since the last sync.")}
    kept = relinked_bases({STORY.id: STORY}, edited, set(), {})  # not restored: history kept
    assert kept.tracker[STORY.id]["description"] == "Edited since the last sync."
    assert kept.roadmap == {}


def test_an_earlier_targets_relink_is_merged_into_the_roadmaps_base() -> None:
    earlier = {STORY.id: {**STORY.sync_values(), "description": UNKNOWN}}
    found = {STORY.id: _found(STORY, title="Scraper")}
    roadmap = relinked_bases({STORY.id: STORY}, found, {STORY.id}, earlier).roadmap[STORY.id]
    assert (roadmap["title"], roadmap["description"]) == (UNKNOWN, UNKNOWN)
