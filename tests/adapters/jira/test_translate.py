"""Pure translation and mapping-file tests: no HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker_bridge.adapters.jira.mapping import JiraMapping, load_mapping, parse_mapping
from tracker_bridge.adapters.jira.translate import (
    JiraSchema,
    current_sprint_id,
    from_remote,
    parse_time,
    stage_changes,
    to_remote,
    update_to_remote,
)
from tracker_bridge.errors import UserError
from tracker_bridge.model import FieldValue, Kind, Stage, Timebox, Track, WorkItem

SCHEMA = JiraSchema(
    project_id="10000",
    is_cloud=True,
    issue_type_ids={
        Kind.EPIC: "1",
        Kind.STORY: "2",
        Kind.TASK: "3",
        Kind.BUG: "4",
        Kind.SPIKE: "3",
    },
    spike_uses_label=True,
    points_field="customfield_10016",
    sprint_field="customfield_10020",
    issue_type_names={"1": "Epic", "2": "Story", "3": "Task", "4": "Bug"},
)
DC = JiraSchema(
    project_id="10000",
    is_cloud=False,
    issue_type_ids={kind: "9" for kind in Kind},
    epic_link_field="customfield_10014",
    epic_name_field="customfield_10011",
)


@pytest.fixture(scope="module")
def mapping() -> JiraMapping:
    return load_mapping()


def test_shipped_mapping_loads_with_defaults(mapping: JiraMapping) -> None:
    assert mapping.target_status(Stage.SPRINT_BACKLOG) == "Selected for Development"
    assert mapping.stage_for_status("in review") is Stage.IN_REVIEW
    assert mapping.ownership["stage"] == "tracker"
    assert mapping.ownership["points"] == "roadmap"
    assert mapping.conflict_policy == "owner"


def test_mapping_errors_name_file_line_and_field(tmp_path: Path) -> None:
    text = "kinds:\n  epic: Epic\nownership:\n  stage: nobody\nstages:\n  backlog: [A]\n"
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "m.yaml")
    lines = caught.value.lines()
    assert "m.yaml:1:1: kinds: missing kinds: story, task, bug, spike" in lines
    assert any(line.startswith("m.yaml:4:3: ownership.stage:") for line in lines)
    assert any(line.startswith("m.yaml:5:1: stages: missing stages") for line in lines)


def test_mapping_rejects_unknown_keys_and_bad_yaml() -> None:
    with pytest.raises(UserError) as caught:
        parse_mapping("kindz: {}\n", "m.yaml")
    assert caught.value.lines()[0].startswith("m.yaml:1:1: kindz:")
    with pytest.raises(UserError, match=r"m.yaml:\d+:\d+: not valid YAML"):
        parse_mapping("a: [\n", "m.yaml")


def test_a_shared_status_listed_second_is_an_error_at_its_line() -> None:
    # Sharing a status is fine (a coarse workflow), but only as the status each stage moves
    # to: listed second under done, "Backlog" would be read as done and moved to as backlog.
    text = "stages:\n" + "".join(
        f"  {stage.value}: [{stage.value}{', Backlog' if stage is Stage.DONE else ''}]\n"
        for stage in Stage
    ).replace("backlog: [backlog]", "backlog: [Backlog]", 1)
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "m.yaml")
    assert caught.value.lines()[0].startswith("m.yaml:9:")
    assert "stages.done.1: status 'Backlog' is shared with backlog" in caught.value.lines()[0]


def _spike() -> WorkItem:
    return WorkItem(
        id="llm-enrichment.vibe-score",
        kind=Kind.SPIKE,
        title="Does a vibe score help?",
        description="Try it",
        track=Track.RESEARCH,
        points=3,
        labels=("ml", "nlp"),
        blocked=True,
        assignee="acc-1",
        timebox=Timebox(
            length_days=5,
            hypothesis="it helps",
            started_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        ),
    )


def test_to_remote_uses_ids_labels_and_fallback_spike(mapping: JiraMapping) -> None:
    fields = to_remote(_spike(), mapping, SCHEMA, parent_key="MLOPS-1")
    assert fields["project"] == {"id": "10000"}
    assert fields["issuetype"] == {"id": "3"}
    assert fields["labels"] == [
        "blocked",
        "ml",
        "nlp",
        "spike",
        "tb-id:llm-enrichment.vibe-score",
        "track-research",
    ]
    assert fields["customfield_10016"] == 3
    assert fields["duedate"] == "2026-01-10"
    assert fields["assignee"] == {"accountId": "acc-1"}
    assert fields["parent"] == {"key": "MLOPS-1"}


def test_data_center_epic_link_and_epic_name(mapping: JiraMapping) -> None:
    epic = WorkItem(id="e", kind=Kind.EPIC, title="Epic one")
    assert to_remote(epic, mapping, DC)["customfield_10011"] == "Epic one"
    story = WorkItem(id="s", kind=Kind.STORY, title="S", assignee="bob", due=date(2026, 2, 1))
    fields = to_remote(story, mapping, DC, parent_key="P-1")
    assert fields["customfield_10014"] == "P-1"
    assert "parent" not in fields
    assert fields["assignee"] == {"name": "bob"}


def test_round_trip_hides_tool_labels(mapping: JiraMapping) -> None:
    item = _spike()
    fields = to_remote(item, mapping, SCHEMA)
    fields["issuetype"] = {"id": "3", "name": "Task"}
    fields["status"] = {"name": "In Review"}
    fields["parent"] = {"key": "MLOPS-1"}
    fields["customfield_10020"] = [{"id": 7, "state": "closed"}, {"id": 8, "state": "active"}]
    item_id, values = from_remote(
        {"key": "MLOPS-2", "fields": fields},
        mapping,
        SCHEMA,
        key_to_item={"MLOPS-1": "llm-enrichment"},
        sprint_to_item={"8": "s2"},
    )
    assert item_id == item.id
    expected = item.sync_values() | {
        "stage": "in_review",
        "parent": "llm-enrichment",
        "sprint": "s2",
        "due": "2026-01-10",
        "points": 3.0,
    }
    assert values == expected


def test_foreign_issue_has_no_id_and_default_track(mapping: JiraMapping) -> None:
    issue = {"fields": {"summary": "x", "labels": ["a"], "issuetype": {"name": "Bug"}}}
    item_id, values = from_remote(issue, mapping, SCHEMA)
    assert item_id is None
    assert values["kind"] == "bug"
    assert values["track"] == "engineering"
    assert values["labels"] == ("a",)
    assert "stage" not in values


def test_update_rebuilds_labels_keeping_marker(mapping: JiraMapping) -> None:
    current: dict[str, FieldValue] = {
        "labels": ("old",),
        "track": "research",
        "kind": "story",
        "blocked": False,
    }
    fields = update_to_remote(
        {"labels": ("new",), "title": "T", "points": 5.0}, mapping, SCHEMA, current, "x"
    )
    assert fields == {
        "summary": "T",
        "customfield_10016": 5.0,
        "labels": ["new", "tb-id:x", "track-research"],
    }
    assert update_to_remote({"blocked": True}, mapping, SCHEMA, current, "x")["labels"] == [
        "blocked",
        "old",
        "tb-id:x",
        "track-research",
    ]


def test_stage_changes_and_times(mapping: JiraMapping) -> None:
    issue = {
        "changelog": {
            "histories": [
                {
                    "created": "2026-01-02T10:00:00.000+0100",
                    "items": [
                        {"field": "status", "fromString": "In Progress", "toString": "In Review"}
                    ],
                },
                {
                    "created": "2026-01-01T10:00:00.000+0000",
                    "items": [
                        {"field": "status", "fromString": "Backlog", "toString": "In Progress"}
                    ],
                },
            ]
        }
    }
    assert stage_changes(issue, mapping) == [
        (Stage.BACKLOG, Stage.IN_PROGRESS, datetime(2026, 1, 1, 10, tzinfo=UTC)),
        (Stage.IN_PROGRESS, Stage.IN_REVIEW, datetime(2026, 1, 2, 9, tzinfo=UTC)),
    ]


def test_time_and_sprint_parsing() -> None:
    assert parse_time("2026-01-31T14:05:09+0000") == datetime(2026, 1, 31, 14, 5, 9, tzinfo=UTC)
    assert current_sprint_id(["x@1[id=3,state=CLOSED]", "x@2[id=4,state=ACTIVE,name=S]"]) == "4"
    assert current_sprint_id(None) is None
