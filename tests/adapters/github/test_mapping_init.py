"""`mapping init` for GitHub, pure: Status options laid onto the eight stages, the file's text
read back by the mapping loader; and the refinement rule on its own."""

from __future__ import annotations

import pytest

from tracker_bridge.adapters.github.mapping import parse_mapping
from tracker_bridge.adapters.github.mapping_init import (
    BoardFacts,
    RepoFacts,
    group_options,
    render_mapping,
)
from tracker_bridge.adapters.github.refinement import read_stage, refinement_times
from tracker_bridge.errors import UserError
from tracker_bridge.model import Stage


def laid(options: list[str]) -> list[str]:
    found = group_options(options)
    return [found[stage] for stage in Stage]


def test_githubs_templates_and_a_team_field_are_laid_onto_the_stages() -> None:
    assert laid(["Todo", "In Progress", "Done"]) == ["Todo"] * 2 + ["In Progress"] * 5 + ["Done"]
    assert laid(["Backlog", "Ready", "In progress", "In review", "Done"]) == [
        "Backlog", "Ready", "In progress", *["In review"] * 4, "Done"]
    assert laid(["Inbox", "Dev", "QA", "Deploy", "Shipped"]) == [
        "Inbox", "Inbox", "Dev", "Dev", "Dev", "QA", "Deploy", "Shipped"]
    # Options named by no stage take the stages in board order.
    assert laid(["Icebox", "Alpha", "Beta", "Gamma", "Done"]) == [
        "Icebox", "Icebox", "Alpha", "Beta", "Gamma", "Gamma", "Gamma", "Done"]
    assert laid(["Open"]) == ["Open"] * 8


def test_the_written_file_loads_and_names_what_the_repository_has() -> None:
    board = BoardFacts("acme", "organization", 3, "Delivery", "Status",
                       ["Todo", "In Progress", "Done"], ("Sprint",), ("Estimate", "Budget"))
    facts = RepoFacts("acme/app", ["bug", "kind/story", "track:research"], ["Task", "Bug"], board)
    mapping = parse_mapping(render_mapping(facts), "github.yaml")
    assert mapping.mode == "projects" and mapping.coarse and mapping.sprint_mode == "iteration"
    assert mapping.project.number == 3 and mapping.project.points_field == "Estimate"
    kinds = {k.value: v for k, v in mapping.labels.kinds.items()}
    assert kinds == {"epic": "type:epic", "story": "kind/story", "task": "type:task",
                     "bug": "bug", "spike": "type:spike"}
    assert {t.value: v for t, v in mapping.labels.tracks.items()}["research"] == "track:research"
    assert {k.value: v for k, v in mapping.issue_types.items()} == {"task": "Task", "bug": "Bug"}
    no_board = parse_mapping(render_mapping(RepoFacts("acme/app", [], [])), "github.yaml")
    assert no_board.mode == "labels" and no_board.sprint_mode == "milestone"


def test_a_stage_label_may_not_mean_anything_else_on_a_coarse_board() -> None:
    text = ("mode: projects\nproject:\n  number: 1\n  status_options: {backlog: A, "
            "sprint_backlog: A, in_progress: B, in_review: B, ready_for_staging: B, "
            "in_staging: B, ready_for_prod: B, done: C}\nlabels:\n  blocked: stage:in-review\n")
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "github.yaml")
    assert caught.value.lines()[0].endswith(
        "labels.blocked: label 'stage:in-review' is also labels.stages.in_review: "
        "each label may mean one thing")


KANBAN = parse_mapping(
    "mode: projects\nproject:\n  number: 1\n  status_options: {backlog: Backlog, "
    "sprint_backlog: Ready, in_progress: Doing, in_review: Review, ready_for_staging: Review, "
    "in_staging: Review, ready_for_prod: Review, done: Done}\n", "kanban.yaml")


def event(kind: str, name: str, at: str) -> dict[str, object]:
    return {"__typename": kind, "createdAt": at, "label": {"name": name}}


def test_a_label_counts_only_when_set_after_the_status() -> None:
    labels = ["type:story", "stage:in-staging"]
    set_at = "2026-01-01T10:00:05Z"
    times = refinement_times(KANBAN, [event("LabeledEvent", "stage:in-staging", set_at)])
    assert read_stage(KANBAN, "Review", labels, "2026-01-01T10:00:05Z", times) is Stage.IN_STAGING
    assert read_stage(KANBAN, "Review", labels, "2026-01-01T10:00:06Z", times) is Stage.IN_REVIEW
    assert read_stage(KANBAN, "Doing", labels, "2026-01-01T10:00:00Z", times) is Stage.IN_PROGRESS
    assert read_stage(KANBAN, "Nowhere", labels, None, times) is None


def test_the_label_added_last_wins_over_one_left_beside_it() -> None:
    labels = ["stage:ready-for-prod", "stage:in-staging"]
    times = refinement_times(KANBAN, [
        event("LabeledEvent", "stage:ready-for-prod", "2026-01-01T10:00:00Z"),
        event("LabeledEvent", "stage:in-staging", "2026-01-01T10:00:05Z"),
        event("LabeledEvent", "type:story", "2026-01-01T10:00:09Z"),  # not a refinement
    ])
    assert times.added == (Stage.IN_STAGING,)
    assert read_stage(KANBAN, "Review", labels, "2026-01-01T09:00:00Z", times) is Stage.IN_STAGING
