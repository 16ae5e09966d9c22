"""The Jira mapping refuses labels that would mean two things (issue 10, point 8)."""

from __future__ import annotations

import pytest

from tracker_bridge.adapters.jira.mapping import parse_mapping
from tracker_bridge.errors import UserError


def first_line(text: str) -> str:
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "jira.yaml")
    return caught.value.lines()[0]


def test_two_tracks_on_one_label() -> None:
    assert first_line("tracks:\n  research: ml\n  engineering: ml\n") == (
        "jira.yaml:3:3: tracks.engineering: label 'ml' is also tracks.research: "
        "each label may mean one thing"
    )


def test_two_tracks_on_one_component() -> None:
    text = "tracks:\n  as: component\n  research: ML\n  engineering: ml\n"
    assert first_line(text).startswith("jira.yaml:4:3: tracks.engineering: component 'ml'")


def test_a_blocked_label_equal_to_a_stage_refinement_label() -> None:
    assert first_line("blocked:\n  label: stage:done\n").startswith(
        "jira.yaml:2:3: blocked.label: label 'stage:done' is also"
    )


def test_a_track_label_that_reads_as_a_marker() -> None:
    assert first_line("tracks:\n  research: 'tb-id:research'\n") == (
        "jira.yaml:2:3: tracks.research: label 'tb-id:research' would read as a marker "
        "('tb-id:'…)"
    )


def test_refinement_labels_that_read_as_markers() -> None:
    assert first_line("refinement:\n  label_prefix: 'tb-id:stage-'\n").startswith(
        "jira.yaml:2:3: refinement.label_prefix: refinement labels 'tb-id:stage-'…"
    )
