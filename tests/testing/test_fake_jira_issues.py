"""The fake Jira through the real `jira` library: create, bulk, edit, properties, auth, errors."""

from __future__ import annotations

from typing import Any

import jira
import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for


def field_ids(client: jira.JIRA) -> dict[str, str]:
    return {f["name"]: f["id"] for f in client.fields()}


def story(summary: str = "Train model", **extra: Any) -> dict[str, Any]:
    return {
        "project": {"key": "TREND"},
        "issuetype": {"name": "Story"},
        "summary": summary,
        **extra,
    }


def raw(fake: FakeJira) -> requests.Session:
    session = requests.Session()
    kwargs = fake.client_kwargs()
    if "basic_auth" in kwargs:
        session.auth = kwargs["basic_auth"]
    else:
        session.headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
    session.headers["Content-Type"] = "application/json"
    return session


def test_server_info_and_myself_per_flavour(fake_jira: FakeJira, jira_client: jira.JIRA) -> None:
    info = jira_client.server_info()
    assert info["deploymentType"] == ("Cloud" if fake_jira.flavour == "cloud" else "Server")
    assert jira_client._is_cloud == (fake_jira.flavour == "cloud")
    me = jira_client.myself()
    assert me["timeZone"] == "Europe/Amsterdam"
    assert ("accountId" in me) == (fake_jira.flavour == "cloud")


def test_custom_fields_differ_per_seed_and_flavour() -> None:
    with FakeJira("cloud", seed=1) as one, FakeJira("cloud", seed=2) as two:
        names_one = field_ids(jira_client_for(one))
        names_two = field_ids(jira_client_for(two))
    assert "Story point estimate" in names_one and "Epic Link" not in names_one
    assert names_one["Sprint"] != names_two["Sprint"]
    with FakeJira("datacenter", seed=1) as dc:
        names = field_ids(jira_client_for(dc))
    assert {"Story Points", "Epic Link", "Epic Name", "Sprint"} <= set(names)


def test_create_get_and_numbering(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    points = next(
        v for k, v in field_ids(jira_client).items() if k.lower().startswith("story point")
    )
    first = jira_client.create_issue(fields=story(labels=["ml"], duedate="2025-03-01"))
    second = jira_client.create_issue(fields={**story("Other"), points: 3})
    assert (first.key, second.key) == ("TREND-1", "TREND-2")
    assert int(second.id) == int(first.id) + 1
    got = jira_client.issue("TREND-2")
    assert got.raw["fields"][points] == 3.0
    assert got.fields.status.name == "Backlog"
    assert got.fields.updated.endswith("+0000") and "T" in got.fields.updated
    assert jira_client.issue("TREND-1").fields.duedate == "2025-03-01"
    assert fake_jira.issue_count("TREND") == 2 and fake_jira.issue_count("OPS") == 0


def test_create_by_ids_without_prefetch(jira_client: jira.JIRA) -> None:
    project_id = jira_client.project("TREND").id
    created = jira_client.create_issue(
        fields={"project": {"id": project_id}, "issuetype": {"id": "10002"}, "summary": "T"},
        prefetch=False,
    )
    assert created.key == "TREND-1"


def test_create_errors_use_jira_shape(fake_jira: FakeJira) -> None:
    session = raw(fake_jira)
    url = f"{fake_jira.url}/rest/api/2/issue"
    bad = session.post(
        url, json={"fields": {"project": {"key": "TREND"}, "issuetype": {"name": "Nope"}}}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "issuetype": "Specify a valid issue type",
        "summary": "You must specify a summary of the issue.",
    }
    off_screen = session.post(url, json={"fields": {**story(), "customfield_99999": 1}})
    assert off_screen.status_code == 400
    assert "not on the appropriate screen" in off_screen.json()["errors"]["customfield_99999"]
    missing = session.get(f"{fake_jira.url}/rest/api/2/issue/TREND-99")
    assert missing.status_code == 404
    assert missing.json() == {
        "errorMessages": ["Issue does not exist or you do not have permission to see it."],
        "errors": {},
    }


def test_epic_links_cloud_parent(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud)
    epic = client.create_issue(fields={**story("Epic"), "issuetype": {"name": "Epic"}})
    child = client.create_issue(fields=story(parent={"key": epic.key}))
    assert child.raw["fields"]["parent"]["key"] == epic.key
    with pytest.raises(jira.JIRAError) as caught:
        client.create_issue(fields=story(parent={"key": child.key}))  # a story is no epic
    assert caught.value.status_code == 400


def test_epic_links_datacenter_custom_fields(fake_jira_dc: FakeJira) -> None:
    client = jira_client_for(fake_jira_dc)
    ids = field_ids(client)
    with pytest.raises(jira.JIRAError) as caught:
        client.create_issue(fields={**story("Epic"), "issuetype": {"name": "Epic"}})
    response = caught.value.response
    assert response is not None and ids["Epic Name"] in response.json()["errors"]
    epic = client.create_issue(
        fields={**story("Epic"), "issuetype": {"name": "Epic"}, ids["Epic Name"]: "E"}
    )
    child = client.create_issue(fields={**story(), ids["Epic Link"]: epic.key})
    assert child.raw["fields"][ids["Epic Link"]] == epic.key
    with pytest.raises(jira.JIRAError):  # DC links epics through Epic Link, not parent
        client.create_issue(fields=story(parent={"key": epic.key}))


def test_bulk_create_reports_failed_elements(jira_client: jira.JIRA) -> None:
    bad = {"project": {"key": "TREND"}, "issuetype": {"name": "Nope"}, "summary": "x"}
    results = jira_client.create_issues([story("a"), bad, story("c")], prefetch=False)
    assert [r["status"] for r in results] == ["Success", "Error", "Success"]
    assert results[1]["error"] == {"issuetype": "Specify a valid issue type"}
    assert [r["issue"].key for r in results if r["issue"]] == ["TREND-1", "TREND-2"]
    only_bad = jira_client.create_issues([bad], prefetch=False)  # a 400 the library parses
    assert only_bad[0]["status"] == "Error"


def test_bulk_create_caps_at_fifty(fake_jira: FakeJira) -> None:
    body = {"issueUpdates": [{"fields": story(f"s{i}")} for i in range(51)]}
    answer = raw(fake_jira).post(f"{fake_jira.url}/rest/api/2/issue/bulk", json=body)
    assert answer.status_code == 400 and answer.json()["errorMessages"]
    assert fake_jira.issue_count("TREND") == 0


def test_edit_fields_labels_and_changelog(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    fake_jira.clock.advance(0)
    issue = jira_client.create_issue(fields=story(labels=["a", "b"]))
    before = issue.fields.updated
    fake_jira.clock.advance(61)
    answer = raw(fake_jira).put(
        f"{fake_jira.url}/rest/api/2/issue/{issue.key}",
        json={"fields": {"summary": "New"}, "update": {"labels": [{"add": "c"}, {"remove": "a"}]}},
    )
    assert answer.status_code == 204 and answer.content == b""
    issue = jira_client.issue(issue.key, expand="changelog")
    assert issue.fields.summary == "New" and issue.fields.labels == ["b", "c"]
    assert issue.fields.updated > before
    fields_changed = {i.field for h in issue.changelog.histories for i in h.items}
    assert fields_changed == {"summary", "labels"}
    issue.update(fields={"duedate": None, "labels": ["x"]})
    assert jira_client.issue(issue.key).fields.labels == ["x"]


def test_edit_rejects_read_only_and_bad_values(fake_jira: FakeJira, jira_client: jira.JIRA) -> None:
    jira_client.create_issue(fields=story())
    url = f"{fake_jira.url}/rest/api/2/issue/TREND-1"
    session = raw(fake_jira)
    status = session.put(url, json={"fields": {"status": {"name": "Done"}}})
    assert status.status_code == 400 and "status" in status.json()["errors"]
    label = session.put(url, json={"fields": {"labels": ["has space"]}})
    assert label.json()["errors"]["labels"].startswith("The label 'has space'")


def test_properties_do_not_bump_updated(jira_client: jira.JIRA, fake_jira: FakeJira) -> None:
    issue = jira_client.create_issue(fields=story())
    before = fake_jira.updated(issue.key)
    fake_jira.clock.advance(120)
    jira_client.add_issue_property(issue.key, "tb.sync", {"id": "story-1", "rev": 2})
    assert jira_client.issue_property(issue.key, "tb.sync").raw["value"] == {
        "id": "story-1",
        "rev": 2,
    }
    assert [p.key for p in jira_client.issue_properties(issue.key)] == ["tb.sync"]
    assert fake_jira.updated(issue.key) == before
    session = raw(fake_jira)
    url = f"{fake_jira.url}/rest/api/2/issue/{issue.key}/properties/tb.sync"
    assert session.put(url, json={"rev": 3}).status_code == 200  # 201 only when new
    assert session.delete(url).status_code == 204
    gone = session.get(url)
    assert gone.status_code == 404 and gone.json()["errorMessages"]
    too_big = session.put(url, data='"' + "x" * 40000 + '"')
    assert too_big.status_code == 400


def test_comments_round_trip(jira_client: jira.JIRA) -> None:
    issue = jira_client.create_issue(fields=story())
    jira_client.add_comment(issue.key, "Spike finished: validated")
    assert [c.body for c in jira_client.comments(issue.key)] == ["Spike finished: validated"]


def test_createmeta_per_flavour(fake_jira: FakeJira, jira_client: jira.JIRA) -> None:
    session = raw(fake_jira)
    base = f"{fake_jira.url}/rest/api/2/issue/createmeta/TREND/issuetypes"
    types = session.get(base).json()
    key = "issueTypes" if fake_jira.flavour == "cloud" else "values"
    names = [t["name"] for t in types[key]]
    assert {"Epic", "Story", "Task", "Bug"} <= set(names)
    epic = session.get(f"{base}/10000").json()[key.replace("issueTypes", "fields")]
    required = {f["fieldId"] for f in epic if f["required"]}
    assert {"summary", "issuetype", "project"} <= required
    if fake_jira.flavour == "datacenter":
        assert field_ids(jira_client)["Epic Name"] in required
        assert [t.name for t in jira_client.project_issue_types("TREND")][:2] == ["Epic", "Story"]


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_wrong_credentials_get_401(flavour: str) -> None:
    with FakeJira(flavour) as fake:  # type: ignore[arg-type]
        auth: dict[str, Any] = (
            {"basic_auth": ("bot@example.com", "wrong")}
            if flavour == "cloud"
            else {"token_auth": "wrong"}
        )
        with pytest.raises(jira.JIRAError) as caught:  # the constructor's serverInfo call
            jira.JIRA(fake.url, max_retries=0, options={"check_update": False}, **auth)
        assert caught.value.status_code == 401
        anonymous = requests.get(f"{fake.url}/rest/api/2/myself")
        assert anonymous.status_code == 401 and anonymous.json()["errorMessages"]
        # Bearer on Cloud / Basic on DC is refused too.
        other = {"Authorization": "Bearer fake-api-token"} if flavour == "cloud" else None
        wrong_scheme = requests.get(
            f"{fake.url}/rest/api/2/myself",
            headers=other,
            auth=None if other else ("bot@example.com", "fake-personal-access-token"),
        )
        assert wrong_scheme.status_code == 401


def test_state_file_survives_a_restart(tmp_path: Any) -> None:
    state = tmp_path / "jira.json"
    with FakeJira("datacenter", state_file=state) as fake:
        client = jira_client_for(fake)
        client.create_issue(fields=story(labels=["kept"]))
        sprint = client.create_sprint("S", 1)
        client.add_issues_to_sprint(sprint.id, ["TREND-1"])
        fake.human_transition("TREND-1", "In Progress")
    with FakeJira("datacenter", state_file=state) as again:
        client = jira_client_for(again)
        issue = client.issue("TREND-1")
        assert issue.fields.labels == ["kept"] and issue.fields.status.name == "In Progress"
        assert client.create_issue(fields=story()).key == "TREND-2"
        assert [s.name for s in client.sprints(1)] == ["S"]


def test_mypermissions_can_deny(fake_jira: FakeJira, jira_client: jira.JIRA) -> None:
    fake_jira.denied_permissions.add("SCHEDULE_ISSUES")
    answer: dict[str, Any] = jira_client.my_permissions(
        projectKey="TREND", permissions="BROWSE_PROJECTS,SCHEDULE_ISSUES"
    )["permissions"]
    assert answer["BROWSE_PROJECTS"]["havePermission"] is True
    assert answer["SCHEDULE_ISSUES"]["havePermission"] is False
