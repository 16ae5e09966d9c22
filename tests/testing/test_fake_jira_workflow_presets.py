"""Workflow presets of real Jira projects, through the real `jira` library."""

from __future__ import annotations

import jira
import pytest

from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for
from tracker_bridge.testing.fake_jira.workflows import PRESETS


def story(client: jira.JIRA) -> str:
    fields = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}, "summary": "s"}
    return str(client.create_issue(fields=fields, prefetch=False).key)


def offered(client: jira.JIRA, key: str) -> dict[str, dict[str, object]]:
    return {t["to"]["name"]: t for t in client.transitions(key, expand="transitions.fields")}


@pytest.mark.parametrize(
    ("preset", "statuses"),
    [
        ("team-managed", ["To Do", "In Progress", "Done"]),
        ("scrum", ["To Do", "In Progress", "In Review", "Done"]),
        ("kanban", ["Backlog", "Selected for Development", "In Progress", "Done"]),
    ],
)
def test_simplified_workflows_go_from_any_status_to_any_other(
    preset: str, statuses: list[str]
) -> None:
    with FakeJira("cloud", workflow=preset) as fake:
        client = jira_client_for(fake)
        key = story(client)
        assert [s["name"] for s in client._get_json("project/TREND/statuses")[0]["statuses"]] == (
            statuses
        )
        for target in [*statuses[::-1], statuses[1]]:
            current = client.issue(key, fields="status").fields.status.name
            options = offered(client, key)
            assert set(options) == set(statuses) - {current}
            assert all(t["isGlobal"] and not t["fields"] for t in options.values())
            if target != current:
                client.transition_issue(key, options[target]["id"])
        assert client.issue(key, fields="status").fields.status.name == statuses[1]


def test_the_datacenter_default_moves_one_step_at_a_time_with_reopened() -> None:
    with FakeJira("datacenter", workflow="datacenter") as fake:
        client = jira_client_for(fake)
        key = story(client)
        assert set(offered(client, key)) == {"In Progress"}
        fake.human_transition(key, "In Review")
        done = offered(client, key)["Done"]
        assert set(done["fields"]) == {"resolution"}  # type: ignore[arg-type]
        with pytest.raises(jira.JIRAError) as caught:
            client.transition_issue(key, done["id"])
        assert "Resolution is required" in caught.value.text
        client.transition_issue(key, done["id"], fields={"resolution": {"name": "Done"}})
        assert set(offered(client, key)) == {"Reopened"}


def test_a_strict_done_screen_requires_assignee_and_a_work_log() -> None:
    with FakeJira("datacenter", workflow="datacenter-strict") as fake:
        client = jira_client_for(fake)
        key = story(client)
        fake.human_transition(key, "In Review")
        done = offered(client, key)["Done"]
        screen = done["fields"]
        assert {k: v["name"] for k, v in screen.items()} == {  # type: ignore[attr-defined]
            "resolution": "Resolution",
            "assignee": "Assignee",
            "worklog": "Log Work",
        }
        resolution = {"resolution": {"name": "Done"}}
        with pytest.raises(jira.JIRAError) as caught:
            client.transition_issue(key, done["id"], fields=resolution)
        assert caught.value.response.json()["errors"] == {
            "assignee": "Assignee is required.",
            "worklog": "Log Work is required.",
        }
        # An assignee already on the issue satisfies the screen; the work log goes in `update`.
        client.issue(key).update(fields={"assignee": {"name": "alice"}})
        client._session.post(
            client._get_url(f"issue/{key}/transitions"),
            json={
                "transition": {"id": done["id"]},
                "fields": resolution,
                "update": {"worklog": [{"add": {"timeSpent": "1m"}}]},
            },
        )
        fields = client.issue(key, fields="status,assignee").fields
        assert (fields.status.name, fields.assignee.name) == ("Done", "alice")


def test_unknown_preset_is_refused_with_the_list() -> None:
    with pytest.raises(ValueError, match="presets: mlops, team-managed"):
        FakeJira(workflow="scrumm")
    assert set(PRESETS) >= {"team-managed", "scrum", "kanban", "datacenter", "datacenter-strict"}
