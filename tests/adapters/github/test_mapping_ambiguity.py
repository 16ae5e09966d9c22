"""Mapping validation refuses labels that would mean two things (issue 10, point 8)."""

from __future__ import annotations

import pytest

from tracker_bridge.adapters.github.mapping import parse_mapping
from tracker_bridge.errors import UserError
from tracker_bridge.model import Stage

STAGES = "".join(f"    {s.value}: stage:{s.value}\n" for s in Stage)


def first_line(text: str) -> str:
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "github.yaml")
    return caught.value.lines()[0]


def test_a_stage_label_equal_to_a_kind_label_is_refused_at_its_line() -> None:
    text = "labels:\n  stages:\n" + STAGES.replace("stage:done", "type:bug")
    assert first_line(text) == (
        "github.yaml:10:5: labels.stages.done: label 'type:bug' is also labels.kinds.bug: "
        "each label may mean one thing"
    )


def test_two_tracks_on_one_label_are_refused() -> None:
    text = "labels:\n  tracks:\n    research: ml\n    engineering: ml\n"
    assert first_line(text).startswith("github.yaml:2:3: labels.tracks: two entries share")


def test_a_blocked_label_that_reads_as_points_is_refused() -> None:
    assert first_line("labels:\n  blocked: 'points:blocked'\n") == (
        "github.yaml:2:3: labels.blocked: label 'points:blocked' would read as points "
        "(labels.points_prefix 'points:')"
    )


def test_projects_mode_does_not_claim_stage_labels() -> None:
    text = "mode: projects\nlabels:\n  stages:\n" + STAGES.replace("stage:done", "type:bug")
    assert parse_mapping(text, "github.yaml").mode == "projects"
