"""Merging a field's changes part by part (`reconcile.field_merge`)."""

from __future__ import annotations

from tracker_bridge.reconcile.field_merge import UNMERGED, merged_set, merged_text

BASE = "Scrape new releases daily.\nStore raw HTML in the bucket.\nRetry three times.\n"


def test_changes_to_lines_apart_are_all_kept() -> None:
    person = BASE.replace("three times", "five times with backoff")
    roadmap = BASE.replace("daily", "every six hours")
    assert merged_text(BASE, [(BASE, person), (BASE, roadmap)]) == (
        "Scrape new releases every six hours.\nStore raw HTML in the bucket.\n"
        "Retry five times with backoff.\n")


def test_changes_to_the_same_or_adjacent_lines_do_not_merge() -> None:
    one = BASE.replace("daily", "hourly")
    other = BASE.replace("daily", "weekly")
    assert merged_text(BASE, [(BASE, one), (BASE, other)]) == UNMERGED
    below = BASE.replace("raw HTML", "parsed JSON")  # the next line: too close to tell
    assert merged_text(BASE, [(BASE, one), (BASE, below)]) == UNMERGED


def test_the_same_change_on_two_sides_is_made_once() -> None:
    both = BASE.replace("daily", "hourly")
    assert merged_text(BASE, [(BASE, both), (BASE, both)]) == both


def test_a_change_from_an_older_base_is_applied_to_what_the_trackers_hold() -> None:
    # The roadmap file still holds BASE; the trackers hold a person's edit of line 3.
    held = BASE.replace("three times", "five times")
    roadmap = BASE.replace("daily", "hourly")
    assert merged_text(held, [(BASE, roadmap)]) == held.replace("daily", "hourly")


def test_no_text_is_none_or_empty_as_a_side_has_it() -> None:
    assert merged_text(None, [(None, "")]) == ""
    assert merged_text("", [("", None)]) is None
    assert merged_text(None, [(None, "Added.\n")]) == "Added.\n"


def test_sets_keep_every_addition_and_removal() -> None:
    assert merged_set(("a", "b"), [(("a", "b"), ("a", "b", "c")), (("a", "b"), ("b",))]) == (
        "b", "c")
    assert merged_set(("a",), [(None, ("a", "x"))]) is None  # a base unknown
