"""Search through the real `jira` library: Cloud cursor paging, DC offsets, JQL semantics."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import jira
import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira, JqlError
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for
from tracker_bridge.testing.fake_jira.jql import BoolOp, Clause, evaluate, parse


def seed_issues(client: jira.JIRA, count: int, project: str = "TREND", **extra: object) -> None:
    fields = {"project": {"key": project}, "issuetype": {"name": "Task"}, **extra}
    for start in range(0, count, 50):
        batch = [{**fields, "summary": f"t{n}"} for n in range(start, min(count, start + 50))]
        client.create_issues(batch, prefetch=False)


def session_for(fake: FakeJira) -> requests.Session:
    session = requests.Session()
    kwargs = fake.client_kwargs()
    if "basic_auth" in kwargs:
        session.auth = kwargs["basic_auth"]
    else:
        session.headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
    return session


def keys(client: jira.JIRA, jql: str) -> list[str]:
    return [i.key for i in client.search_issues(jql, maxResults=False, fields="summary")]


def test_cloud_cursor_paging(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud)
    seed_issues(client, 230)
    found = client.search_issues("project = TREND ORDER BY key ASC", maxResults=False)
    assert len(found) == 230 and found[0].key == "TREND-1" and found[-1].key == "TREND-230"
    page = (
        session_for(fake_jira_cloud)
        .get(
            f"{fake_jira_cloud.url}/rest/api/3/search/jql",
            params={"jql": "project = TREND", "maxResults": "100", "fields": "summary"},
        )
        .json()
    )
    assert set(page) == {"issues", "nextPageToken", "isLast"}  # no total, no startAt
    manual = client.enhanced_search_issues(
        "project = TREND", nextPageToken=page["nextPageToken"], maxResults=100, fields="summary"
    )
    assert len(manual) == 100 and manual.nextPageToken
    with pytest.raises(jira.JIRAError, match="deprecated"):
        client.search_issues("project = TREND", startAt=50)
    ids_only = (
        session_for(fake_jira_cloud)
        .get(f"{fake_jira_cloud.url}/rest/api/2/search/jql", params={"jql": "key = TREND-1"})
        .json()
    )
    assert ids_only["issues"] == [{"id": "10000"}] and ids_only["isLast"] is True


def test_cloud_old_search_is_gone(fake_jira_cloud: FakeJira) -> None:
    session = session_for(fake_jira_cloud)
    for version in ("2", "3"):
        old = session.get(f"{fake_jira_cloud.url}/rest/api/{version}/search", params={"jql": ""})
        assert old.status_code == 410 and "search/jql" in old.json()["errorMessages"][0]
    blind = jira.JIRA(
        **fake_jira_cloud.client_kwargs(), get_server_info=False, max_retries=0,
        options={"check_update": False},
    )  # fmt: skip
    with pytest.raises(jira.JIRAError) as caught:  # believes it talks to DC
        blind.search_issues("project = TREND")
    assert caught.value.status_code == 410


def test_datacenter_offset_paging(fake_jira_dc: FakeJira) -> None:
    client = jira_client_for(fake_jira_dc)
    seed_issues(client, 120)
    page = client.search_issues("project = TREND ORDER BY key DESC", startAt=100, maxResults=50)
    assert (page.startAt, page.total, len(page)) == (100, 120, 20)
    assert page[0].key == "TREND-20"
    assert len(client.search_issues("project = TREND", maxResults=False)) == 120
    jql_endpoint = session_for(fake_jira_dc).get(f"{fake_jira_dc.url}/rest/api/2/search/jql")
    assert jql_endpoint.status_code == 404


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York"])
def test_jql_dates_are_read_in_the_users_time_zone(zone: str) -> None:
    with FakeJira("cloud", user_timezone=zone) as fake:
        client = jira_client_for(fake)
        fake.clock.freeze(datetime(2025, 1, 31, 13, 0, 30, tzinfo=UTC))
        seed_issues(client, 1)
        local = datetime(2025, 1, 31, 13, 0, tzinfo=UTC).astimezone(ZoneInfo(zone))
        minute = local.strftime("%Y/%m/%d %H:%M")
        assert keys(client, f'updated >= "{minute}"') == ["TREND-1"]
        assert keys(client, f'updated > "{local.strftime("%Y-%m-%d %H")}:01"') == []
        assert keys(client, 'updated >= "2025-01-31 13:00"') == (
            ["TREND-1"] if local.hour >= 13 else []
        )
        assert keys(client, f'created <= "{local.strftime("%Y-%m-%d")}"') == []
        assert keys(client, 'updated >= "-5m"') == ["TREND-1"]


def test_jql_operators_and_ordering(fake_jira: FakeJira) -> None:
    client = jira_client_for(fake_jira)
    seed_issues(client, 2, labels=["ml"])
    seed_issues(client, 2, labels=['say"hi', "data"])
    seed_issues(client, 1, project="OPS")
    fake_jira.human_transition("TREND-2", "In Progress")
    fake_jira.clock.advance(60)
    fake_jira.human_edit("TREND-1", summary="touched")
    assert keys(client, 'labels = "say\\"hi" ORDER BY key ASC') == ["TREND-3", "TREND-4"]
    assert keys(client, "labels IN (ml, data) AND labels != data ORDER BY key") == [
        "TREND-1",
        "TREND-2",
    ]
    assert keys(client, 'project = OPS OR (status = "In Progress" AND issuetype = Task)') == [
        "TREND-2",
        "OPS-1",
    ]  # without ORDER BY: key descending, newest first
    assert keys(client, "project = TREND AND status NOT IN (Backlog) ") == ["TREND-2"]
    assert keys(client, "project = TREND ORDER BY updated DESC, key ASC")[0] == "TREND-1"
    assert keys(client, "project = TREND AND labels IS EMPTY") == []
    assert keys(client, "key in (TREND-3, OPS-1) ORDER BY key DESC") == ["TREND-3", "OPS-1"]


@pytest.mark.parametrize(
    "bad",
    [
        "project = ",
        "project = TREND AND",
        'labels = "unterminated',
        "nosuchfield = 1",
        "project = NOPE",
        "project = TREND ORDER BY nosuch",
        "(project = TREND",
    ],
)
def test_bad_jql_is_a_400_with_error_messages(fake_jira: FakeJira, bad: str) -> None:
    path = "search/jql" if fake_jira.flavour == "cloud" else "search"
    answer = session_for(fake_jira).get(f"{fake_jira.url}/rest/api/2/{path}", params={"jql": bad})
    assert answer.status_code == 400
    body = answer.json()
    assert body["errors"] == {} and body["errorMessages"][0]


def test_search_properties_and_changelog(fake_jira: FakeJira) -> None:
    client = jira_client_for(fake_jira)
    seed_issues(client, 1)
    client.add_issue_property("TREND-1", "tb.sync", {"id": "x"})
    for n in range(45):
        fake_jira.human_edit("TREND-1", summary=f"v{n}")
    found = client.search_issues(
        "key = TREND-1", fields="summary", properties="tb.sync", expand="changelog",
        json_result=True,
    )  # fmt: skip
    [issue] = found["issues"]
    assert issue["properties"] == {"tb.sync": {"id": "x"}}
    histories = issue["changelog"]["histories"]
    assert len(histories) == (40 if fake_jira.flavour == "cloud" else 45)
    assert histories[-1]["items"][0]["toString"] == "v44"
    assert set(issue["fields"]) == {"summary"}


def test_post_search_takes_json_body(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud)
    seed_issues(client, 3)
    answer = client.enhanced_search_issues(
        "project = TREND", fields=["summary", "status"], use_post=True, json_result=True,
        maxResults=2,
    )  # fmt: skip
    assert [i["key"] for i in answer["issues"]] == ["TREND-3", "TREND-2"]
    assert set(answer["issues"][0]["fields"]) == {"summary", "status"}


def test_jql_parser_pure() -> None:
    query = parse('project = "TR\\"X" AND (labels in (a, "b c") OR NOT status = Done) ORDER BY key')
    assert isinstance(query.where, BoolOp) and query.where.op == "and"
    assert query.where.parts[0] == Clause("project", "=", ('TR"X',))
    assert query.order == (("key", False),)
    assert parse("ORDER BY updated DESC").where is None
    with pytest.raises(JqlError):
        parse("labels in (a, b")
    zone = ZoneInfo("Europe/Amsterdam")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    stamp = datetime(2025, 1, 31, 13, 0, tzinfo=UTC)
    clause = parse('updated >= "2025/01/31 14:00"').where
    assert clause is not None
    assert evaluate(clause, lambda f: stamp, zone, now) is True
    later = parse('updated > "2025/01/31 14:00"').where
    assert later is not None and evaluate(later, lambda f: stamp, zone, now) is False
