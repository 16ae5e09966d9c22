"""Agile API through the real `jira` library: boards, configuration, sprints, moves, backlog."""

from __future__ import annotations

import json
from typing import Any

import jira
import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira

START, END = "2025-02-03T09:00:00.000Z", "2025-02-17T09:00:00.000Z"


def agile(fake: FakeJira, method: str, path: str, body: Any = None) -> requests.Response:
    """A raw Agile call (partial sprint updates have no library helper; the library's own
    session raises on 4xx, and these tests want to read the error bodies)."""
    kwargs = fake.client_kwargs()
    headers = {"Content-Type": "application/json"}
    if "token_auth" in kwargs:
        headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
    return requests.request(
        method,
        f"{fake.url}/rest/agile/1.0/{path}",
        data=None if body is None else json.dumps(body),
        headers=headers,
        auth=kwargs.get("basic_auth"),
        timeout=10,
    )


def stories(client: jira.JIRA, count: int) -> list[str]:
    fields = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}}
    made = []
    for start in range(0, count, 50):  # bulk create takes 50 at most
        batch = [{**fields, "summary": f"s{n}"} for n in range(start, min(count, start + 50))]
        made += client.create_issues(batch, prefetch=False)
    return [str(r["issue"].key) for r in made]


def sprint_field(client: jira.JIRA) -> str:
    return str(next(f["id"] for f in client.fields() if f["name"] == "Sprint"))


def test_boards_paged_and_filtered(jira_client: jira.JIRA) -> None:
    boards = jira_client.boards()
    assert [b.name for b in boards] == ["TREND board", "OPS board"]
    assert [b.name for b in jira_client.boards(projectKeyOrID="OPS")] == ["OPS board"]
    page = jira_client._get_json("board", params={"maxResults": 1}, base=jira_client.AGILE_BASE_URL)
    assert (page["total"], page["isLast"], len(page["values"])) == (2, False, 1)
    assert page["values"][0]["location"]["projectKey"] == "TREND"


def test_board_configuration(jira_client: jira.JIRA) -> None:
    config = jira_client._get_json("board/1/configuration", base=jira_client.AGILE_BASE_URL)
    columns = config["columnConfig"]["columns"]
    assert [c["name"] for c in columns][:3] == [
        "Backlog",
        "Selected for Development",
        "In Progress",
    ]
    assert config["columnConfig"]["constraintType"] == "issueCount"
    in_progress = columns[2]
    assert (in_progress["min"], in_progress["max"]) == (1, 5)
    assert "min" not in columns[3] and columns[3]["max"] == 3
    status_ids = {s["id"] for c in columns for s in c["statuses"]}
    assert status_ids == {s.id for s in jira_client.statuses()}
    points = next(f["id"] for f in jira_client.fields() if "story point" in f["name"].lower())
    assert config["estimation"]["field"]["fieldId"] == points


def test_sprint_state_machine(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    sprint = jira_client.create_sprint(" Sprint 1 ", 1, goal="Ship it")
    assert (sprint.name, sprint.state, sprint.goal) == ("Sprint 1", "future", "Ship it")
    no_dates = agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "active"})
    assert no_dates.status_code == 400 and no_dates.json()["errorMessages"]
    skip = agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "closed"})
    assert skip.status_code == 400  # future -> closed is not a legal step
    start = agile(
        fake_jira, "POST", f"sprint/{sprint.id}",
        {"state": "active", "startDate": START, "endDate": END},
    )  # fmt: skip
    assert start.status_code == 200 and start.json()["state"] == "active"
    assert start.json()["goal"] == "Ship it"  # partial update keeps what it leaves out
    closed = agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "closed"}).json()
    assert closed["state"] == "closed" and "completeDate" in closed
    reopen = agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "active"})
    assert reopen.status_code == 400
    renamed = agile(fake_jira, "POST", f"sprint/{sprint.id}", {"name": "S1 (done)"})
    assert renamed.json()["name"] == "S1 (done)"
    assert [s.name for s in jira_client.sprints(1, state="closed")] == ["S1 (done)"]
    assert list(jira_client.sprints(1, state="future,active")) == []


def test_put_is_a_full_update_that_nulls_omitted_fields(
    jira_client: jira.JIRA, fake_jira: FakeJira
) -> None:
    sprint = jira_client.create_sprint("Sprint 2", 1, startDate=START, endDate=END, goal="G")
    jira_client.update_sprint(sprint.id, name="Sprint 2b")  # the library sends PUT
    after = jira_client.sprint(sprint.id)
    assert after.name == "Sprint 2b"
    assert not hasattr(after, "goal") and not hasattr(after, "startDate")
    active = agile(fake_jira, "PUT", f"sprint/{sprint.id}", {"name": "x", "state": "active"})
    assert active.status_code == 400  # the PUT nulled the dates an active sprint needs


def test_moves_to_sprint_and_backlog(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    keys = stories(jira_client, 51)
    sprint = jira_client.create_sprint("Sprint 3", 1)
    too_many = agile(fake_jira, "POST", f"sprint/{sprint.id}/issue", {"issues": keys})
    assert too_many.status_code == 400
    before = fake_jira.updated(keys[0])
    fake_jira.clock.advance(60)
    jira_client.add_issues_to_sprint(sprint.id, keys[:50])
    field = sprint_field(jira_client)
    value = jira_client.issue(keys[0]).raw["fields"][field]
    if fake_jira.flavour == "cloud":
        assert value[0]["id"] == sprint.id and value[0]["state"] == "future"
    else:
        assert f"id={sprint.id}," in value[0] and "state=FUTURE" in value[0]
    assert fake_jira.updated(keys[0]) > before
    in_sprint = agile(fake_jira, "GET", f"sprint/{sprint.id}/issue?maxResults=100").json()
    assert in_sprint["total"] == 50
    backlog = agile(fake_jira, "GET", "board/1/backlog").json()
    assert [i["key"] for i in backlog["issues"]] == [keys[50]]
    jira_client.move_to_backlog(keys[:2])
    assert jira_client.issue(keys[0]).raw["fields"][field] is None
    assert agile(fake_jira, "GET", "board/1/backlog").json()["total"] == 3
    history = jira_client.issue(keys[0], expand="changelog").changelog.histories
    assert [i.field for h in history for i in h.items] == ["Sprint", "Sprint"]


def test_no_moves_into_closed_sprints(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    [key] = stories(jira_client, 1)
    sprint = jira_client.create_sprint("Old", 1, startDate=START, endDate=END)
    agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "active"})
    jira_client.add_issues_to_sprint(sprint.id, [key])
    agile(fake_jira, "POST", f"sprint/{sprint.id}", {"state": "closed"})
    with pytest.raises(jira.JIRAError) as caught:
        jira_client.add_issues_to_sprint(sprint.id, [key])
    assert caught.value.status_code == 400
    # Closed sprints stay in the issue's Sprint field, as in Jira.
    assert jira_client.issue(key).raw["fields"][sprint_field(jira_client)]


def test_sprint_field_on_create_and_edit(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    sprint = jira_client.create_sprint("Sprint 4", 1)
    field = sprint_field(jira_client)
    issue = jira_client.create_issue(
        fields={
            "project": {"key": "TREND"}, "issuetype": {"name": "Task"}, "summary": "t",
            field: sprint.id,
        }
    )  # fmt: skip
    in_sprint = agile(fake_jira, "GET", f"sprint/{sprint.id}/issue").json()
    assert [i["key"] for i in in_sprint["issues"]] == [issue.key]
    issue.update(fields={field: None})
    assert agile(fake_jira, "GET", f"sprint/{sprint.id}/issue").json()["total"] == 0
