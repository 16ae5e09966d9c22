"""Pure translation: bodies, labels, payloads and values, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.adapters.github.labels import merge_labels
from tracker_bridge.adapters.github.mapping import load_mapping
from tracker_bridge.adapters.github.translate import (
    Lookups,
    ProjectValues,
    edit_payload,
    from_remote,
    milestone_payload,
    sprint_id_of,
    stage_payload,
    to_remote,
    utc_text,
)
from tracker_bridge.model import Kind, Sprint, SprintState, Stage, Timebox, Track, WorkItem

MAPPING = load_mapping()
PROJECTS = MAPPING.model_copy(update={"mode": "projects"})
TRACKER = "github:acme/trending-now"


def raw_issue(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1001, "number": 7, "title": "T", "body": None, "labels": [], "state": "open",
        "assignees": [], "milestone": None, "updated_at": "2026-01-02T03:04:05Z",
        "html_url": "https://github.com/acme/trending-now/issues/7", "parent_issue_url": None,
    }
    return {**base, **fields}


def labels(*names: str) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


def test_body_round_trip_keeps_marker_and_timebox() -> None:
    parts = bodies.Body("Line one.\n\nLine two.", "llm.vibe-score", "2026-12-04", 5,
                        "it lifts CTR by 1%", True)
    text = bodies.render(parts)
    assert text.endswith("<!-- tracker-bridge:id=llm.vibe-score -->")
    assert "Time-box: until 2026-12-04 (hypothesis: it lifts CTR by 1%)" in text
    assert bodies.parse(text) == parts.with_changes(timebox_days=None)  # the date says it


def test_human_edit_above_the_tail_keeps_the_marker() -> None:
    text = bodies.render(bodies.Body("Old text.", "a.b", "2026-03-01"))
    edited = text.replace("Old text.", "New text,\r\nwith a second line.")
    parsed = bodies.parse(edited)
    assert parsed.item_id == "a.b" and parsed.due == "2026-03-01"
    assert parsed.description == "New text,\nwith a second line."


def test_foreign_body_is_left_alone() -> None:
    text = "Steps:\n\n- [ ] #3\nDue: soon"
    parsed = bodies.parse(text)
    assert parsed.item_id is None and parsed.description.startswith("Steps:")


def test_task_list_fallback_children_are_managed_lines() -> None:
    parts = bodies.Body("Epic.", "e.pic", children=(12, 15))
    text = bodies.render(parts)
    assert "- [ ] #12\n- [ ] #15" in text
    assert bodies.parse(text).children == (12, 15)


def test_to_remote_labels_body_and_stage_for_free() -> None:
    item = WorkItem(id="x.spike", kind=Kind.SPIKE, title="Vibe?", track=Track.RESEARCH,
                    stage=Stage.IN_REVIEW, points=3, labels=("ranking",), blocked=True,
                    due=date(2026, 2, 1), assignee="alice",
                    timebox=Timebox(length_days=5, hypothesis="helps"))
    payload = to_remote(item, MAPPING)
    assert set(payload["labels"]) == {"type:spike", "track:research", "stage:in-review",
                                      "points:3", "blocked", "ranking"}
    assert payload["assignees"] == ["alice"]
    assert "Time-box: until 2026-02-01 (hypothesis: helps)" in payload["body"]
    assert "type" not in payload
    assert "stage:done" not in to_remote(item.model_copy(update={"stage": Stage.DONE}),
                                         MAPPING)["labels"]


def test_issue_type_only_when_the_repository_has_them() -> None:
    typed = MAPPING.model_copy(update={"issue_types": {Kind.BUG: "Bug"}})
    item = WorkItem(id="x.bug", kind=Kind.BUG, title="NaN")
    assert to_remote(item, typed, issue_types=True)["type"] == "Bug"
    assert "type" not in to_remote(item, typed, issue_types=False)


def test_from_remote_translates_every_field() -> None:
    body = bodies.render(bodies.Body("Desc.", "x.story", "2026-03-01"))
    stone = {"number": 2, "description": "Ship\n\n<!-- tracker-bridge:sprint=s1 -->"}
    raw = raw_issue(body=body, labels=labels("type:story", "track:research", "stage:in-progress",
                                             "points:5", "blocked", "serving"),
                    assignees=[{"login": "bob"}], milestone=stone,
                    parent_issue_url="https://api.github.com/repos/acme/trending-now/issues/3")
    item = from_remote(raw, MAPPING, TRACKER, Lookups(item_by_number={3: "x.epic"}))
    assert item.item_id == "x.story"
    assert item.ref.key == "7" and item.ref.remote_id == "1001"
    assert item.updated_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert dict(item.values) == {
        "title": "T", "description": "Desc.", "kind": "story", "track": "research",
        "labels": ("serving",), "due": "2026-03-01", "assignee": "bob", "blocked": True,
        "stage": "in_progress", "parent": "x.epic", "points": 5.0, "sprint": "s1", "spike": None,
        "acceptance": None, "checked": (),
    }


def test_closed_is_done_and_unlabelled_is_backlog() -> None:
    assert from_remote(raw_issue(state="closed"), MAPPING, TRACKER).values["stage"] == "done"
    assert from_remote(raw_issue(), MAPPING, TRACKER).values["stage"] == "backlog"


def test_projects_mode_reads_status_points_and_iteration() -> None:
    project = ProjectValues("PVTI_1", "Ready for Prod", "it1", "2026-01-05", 8.0)
    lookups = Lookups(sprint_by_iteration={"it1": "s1"})
    values = from_remote(raw_issue(), PROJECTS, TRACKER, lookups, project).values
    assert (values["stage"], values["points"], values["sprint"]) == ("ready_for_prod", 8.0, "s1")


def test_merge_labels_replaces_only_named_groups() -> None:
    current = ["type:task", "stage:backlog", "points:2", "serving", "blocked"]
    merged = merge_labels(MAPPING, current, {"stage": "in_review", "blocked": False})
    assert merged == ["type:task", "points:2", "serving", "stage:in-review"]
    merged = merge_labels(MAPPING, current, {"labels": ("latency",), "points": 8.0})
    assert merged == ["type:task", "stage:backlog", "blocked", "points:8", "latency"]


def test_edit_payload_rewrites_description_and_keeps_the_tail() -> None:
    body = bodies.render(bodies.Body("Old.", "x.s", "2026-01-01", 3, "h", True))
    payload = edit_payload(MAPPING, raw_issue(body=body), {"description": "New."},
                           issue_types=False)
    parsed = bodies.parse(payload["body"])
    assert (parsed.description, parsed.item_id, parsed.due, parsed.hypothesis) == (
        "New.", "x.s", "2026-01-01", "h")
    stripped = edit_payload(MAPPING, raw_issue(body="Marker deleted by a person."),
                            {"description": "Again."}, issue_types=False, item_id="x.s")
    assert bodies.parse(stripped["body"]).item_id == "x.s"
    assert edit_payload(MAPPING, raw_issue(), {"assignee": None}, issue_types=False) == {
        "assignees": []}


def test_stage_payload_closes_and_reopens() -> None:
    open_raw = raw_issue(labels=labels("stage:in-review"))
    assert stage_payload(MAPPING, open_raw, Stage.DONE) == {
        "labels": [], "state": "closed", "state_reason": "completed"}
    closed = raw_issue(state="closed")
    assert stage_payload(MAPPING, closed, Stage.BACKLOG) == {
        "labels": ["stage:backlog"], "state": "open"}
    assert stage_payload(MAPPING, open_raw, Stage.IN_REVIEW) == {}


def test_milestone_due_is_utc_noon_and_carries_the_sprint_id() -> None:
    sprint = Sprint(id="s1", name="Sprint 1", start=date(2026, 1, 5), end=date(2026, 1, 19),
                    goal="Ship", state=SprintState.CLOSED)
    payload = milestone_payload(sprint)
    assert payload["due_on"] == "2026-01-19T12:00:00Z"
    assert payload["state"] == "closed"
    assert sprint_id_of(payload) == "s1"


def test_since_is_always_utc() -> None:
    plus_two = datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert utc_text(plus_two) == "2026-01-01T10:00:00Z"


def test_descriptions_round_trip_exactly_even_with_trailing_newlines() -> None:
    for text in ("", "One line.\n", "Para one.\n\nPara two.\n\n", "  indented"):
        for parts in (bodies.Body(text, "a.b"), bodies.Body(text, "a.b", "2026-01-01", None, "h",
                                                            True, (4,))):
            assert bodies.parse(bodies.render(parts)) == parts


def test_a_marker_is_trusted_only_as_the_last_line_the_tool_writes() -> None:
    moved = "Some text.\n<!-- tracker-bridge:id=other.item -->\nA person's line after it."
    assert bodies.parse(moved).item_id is None
    quoted = bodies.render(bodies.Body("Copy of <!-- tracker-bridge:id=other.item --> here"))
    assert bodies.parse(quoted).item_id is None


def test_an_issue_with_two_markers_belongs_to_neither() -> None:
    hijacked = bodies.render(
        bodies.Body("Pasted from elsewhere:\n<!-- tracker-bridge:id=other.item -->", "a.b")
    )
    parsed = bodies.parse(hijacked)
    assert parsed.item_id is None
    assert parsed.markers == ("other.item", "a.b")
