"""Workflow through the real `jira` library: transitions per status, resolution, changelog."""

from __future__ import annotations

from typing import Any

import jira
import pytest

from tracker_bridge.testing.fake_jira import MLOPS_WORKFLOW, FakeJira, Workflow
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for


def new_story(client: jira.JIRA) -> str:
    fields = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}, "summary": "s"}
    return str(client.create_issue(fields=fields, prefetch=False).key)


def targets(client: jira.JIRA, key: str) -> list[str]:
    return [t["to"]["name"] for t in client.transitions(key)]


def walk_to(client: jira.JIRA, key: str, status: str) -> int:
    """What an adapter does: re-read transitions after each hop, BFS over the names it sees."""
    hops = 0
    order = [s["name"] for s in MLOPS_WORKFLOW["statuses"]]
    while client.issue(key, fields="status").fields.status.name != status:
        options = client.transitions(key, expand="transitions.fields")
        ahead = [
            t
            for t in options
            if order.index(t["to"]["name"])
            > order.index(client.issue(key, fields="status").fields.status.name)
        ]
        step = (
            next(t for t in ahead if t["to"]["name"] == status)
            if any(t["to"]["name"] == status for t in ahead)
            else ahead[0]
        )
        fields: dict[str, Any] = {}
        if step.get("fields", {}).get("resolution", {}).get("required"):
            fields["resolution"] = {"name": "Done"}
        client.transition_issue(key, step["id"], fields=fields or None)
        hops += 1
    return hops


def test_transitions_list_only_what_the_status_allows(jira_client: jira.JIRA) -> None:
    key = new_story(jira_client)
    assert targets(jira_client, key) == ["Selected for Development"]  # no Backlog -> Done
    done = next(t for t in Workflow().transitions if Workflow().status(t.target).name == "Done")
    with pytest.raises(jira.JIRAError) as caught:
        jira_client.transition_issue(key, done.id, fields={"resolution": {"name": "Done"}})
    assert caught.value.status_code == 400


def test_multi_step_path_with_resolution(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    key = new_story(jira_client)
    assert walk_to(jira_client, key, "Done") == 7
    issue = jira_client.issue(key, expand="changelog")
    assert issue.raw["fields"]["resolution"]["name"] == "Done" and issue.fields.resolutiondate
    moves = [
        (i.fromString, i.toString)
        for h in issue.changelog.histories
        for i in h.items
        if i.field == "status"
    ]
    assert moves[0] == ("Backlog", "Selected for Development")
    assert moves[-1] == ("Ready for Prod", "Done")
    assert len(moves) == 7


def test_done_requires_resolution(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    key = new_story(jira_client)
    fake_jira.human_transition(key, "Ready for Prod")
    [release] = jira_client.transitions(key, expand="transitions.fields")
    assert release["fields"]["resolution"]["required"] is True
    assert release["hasScreen"] is True
    with pytest.raises(jira.JIRAError) as caught:
        jira_client.transition_issue(key, release["id"])
    assert caught.value.status_code == 400
    response = caught.value.response
    assert response is not None and "resolution" in response.json()["errors"]
    jira_client.transition_issue(key, release["id"], fields={"resolution": {"name": "Done"}})
    assert jira_client.issue(key).fields.status.name == "Done"


def test_transition_by_name_and_backwards(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    key = new_story(jira_client)
    fake_jira.human_transition(key, "In Review")
    assert sorted(targets(jira_client, key)) == ["In Progress", "Ready for Staging"]
    jira_client.transition_issue(key, "Request Changes")
    assert jira_client.issue(key).fields.status.name == "In Progress"
    fake_jira.human_transition(key, "Done")
    fake_jira.human_transition(key, "In Progress")  # Reopen clears the resolution
    assert jira_client.issue(key).fields.resolution is None


def test_human_transition_bumps_updated(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    key = new_story(jira_client)
    before = fake_jira.updated(key)
    fake_jira.clock.advance(300)
    fake_jira.human_transition(key, "In Progress")
    assert fake_jira.updated(key) > before
    fake_jira.human_edit(key, summary="Renamed", labels=["blocked"])
    assert jira_client.issue(key).fields.labels == ["blocked"]


def test_changelog_endpoint_pages(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    key = new_story(jira_client)
    for n in range(7):
        fake_jira.human_edit(key, summary=f"v{n}")
    first = jira_client._get_json(f"issue/{key}/changelog", params={"maxResults": 3})
    assert (first["startAt"], first["maxResults"], first["total"], first["isLast"]) == (
        0,
        3,
        7,
        False,
    )
    last = jira_client._get_json(f"issue/{key}/changelog", params={"startAt": 6, "maxResults": 3})
    assert last["isLast"] is True and len(last["values"]) == 1
    assert last["values"][0]["items"][0]["toString"] == "v6"
    capped = jira_client._get_json(f"issue/{key}/changelog", params={"maxResults": 500})
    assert capped["maxResults"] == 100


def test_configurable_workflow() -> None:
    workflow = {
        "statuses": [
            {"name": "To Do", "category": "new"},
            {"name": "Doing", "category": "indeterminate"},
            {"name": "Closed", "category": "done"},
        ],
        "transitions": [
            {"name": "Start", "from": ["To Do"], "to": "Doing"},
            {"name": "Close", "from": ["To Do", "Doing"], "to": "Closed", "requires": []},
        ],
    }
    with FakeJira("datacenter", workflow=workflow) as fake:
        client = jira_client_for(fake)
        key = new_story(client)
        assert [s.name for s in client.statuses()] == ["To Do", "Doing", "Closed"]
        assert targets(client, key) == ["Doing", "Closed"]
        client.transition_issue(key, "Close")  # this workflow needs no resolution
        assert client.issue(key).fields.status.name == "Closed"
