"""Our answers against trimmed real Jira bodies: same keys, JSON types and nesting.

The examples under real_examples/jira/ keep only the parts the fake implements; custom field
ids differ per instance, so each comparison maps the example's ids to ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira

EXAMPLES = Path(__file__).parent / "real_examples" / "jira"
START, END = "2025-02-03T09:00:00.000Z", "2025-02-17T09:00:00.000Z"


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_problems(
    real: Any, ours: Any, rename: Mapping[str, str], path: str = "$"
) -> Iterator[str]:
    if real is None or ours is None:  # nullable on either side: the type is not comparable
        return
    if kind(real) != kind(ours):
        yield f"{path}: {kind(real)} in Jira, {kind(ours)} here"
    elif isinstance(real, dict):
        for key, value in real.items():
            mine = rename.get(key, key)
            if mine not in ours:
                yield f"{path}.{key}: missing"
            else:
                yield from shape_problems(value, ours[mine], rename, f"{path}.{key}")
    elif isinstance(real, list) and real and ours:
        yield from shape_problems(real[0], ours[0], rename, f"{path}[0]")


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


class Api:
    def __init__(self, fake: FakeJira) -> None:
        self.fake = fake
        self.session = requests.Session()
        kwargs = fake.client_kwargs()
        if "basic_auth" in kwargs:
            self.session.auth = kwargs["basic_auth"]
        else:
            self.session.headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
        self.fields = {f["name"]: f["id"] for f in self.get("/rest/api/2/field")}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        answer = self.session.request(method, self.fake.url + path, json=body, params=params)
        return answer.json() if answer.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)

    def points(self) -> str:
        return str(next(v for k, v in self.fields.items() if k.lower().startswith("story point")))

    def story(self, **extra: Any) -> str:
        fields = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}, "summary": "s"}
        return str(self.post("/rest/api/2/issue", {"fields": {**fields, **extra}})["key"])

    def sprint(self, board: int = 1, **extra: Any) -> int:
        body = {"name": "Sprint", "originBoardId": board, "goal": "g", **extra}
        return int(self.post("/rest/agile/1.0/sprint", body)["id"])


def check(real: Any, ours: Any, rename: Mapping[str, str] | None = None) -> None:
    problems = list(shape_problems(real, ours, rename or {}))
    assert not problems, "\n".join(problems)


@pytest.fixture
def cloud(fake_jira_cloud: FakeJira) -> Api:
    return Api(fake_jira_cloud)


@pytest.fixture
def dc(fake_jira_dc: FakeJira) -> Api:
    return Api(fake_jira_dc)


def full_issue(api: Api, **extra: Any) -> str:
    epic_fields: dict[str, Any] = {"issuetype": {"name": "Epic"}}
    if "Epic Name" in api.fields:
        epic_fields[api.fields["Epic Name"]] = "E"
    epic = api.story(**epic_fields)
    link = (
        {"parent": {"key": epic}}
        if api.fake.flavour == "cloud"
        else {api.fields["Epic Link"]: epic}
    )
    key = api.story(
        **link, labels=["ml"], description="d", **{api.points(): 3}, assignee=None, **extra
    )
    sprint = api.sprint(startDate=START, endDate=END)
    api.post(f"/rest/agile/1.0/sprint/{sprint}/issue", {"issues": [key]})
    for state in ("active", "closed"):  # a finished sprint carries all three dates
        api.post(f"/rest/agile/1.0/sprint/{sprint}", {"state": state})
    api.post(f"/rest/api/2/issue/{key}/comment", {"body": "hello"})
    return key


def test_issue_cloud(cloud: Api) -> None:
    key = full_issue(cloud)
    cloud.fake.human_transition(key, "Done")
    ours = cloud.get(f"/rest/api/2/issue/{key}")
    rename = {
        "customfield_10104": cloud.fields["Rank"],
        "customfield_10103": cloud.fields["Sprint"],
        "customfield_10016": cloud.points(),
    }
    check(example("issue_cloud.json"), ours, rename)


def test_issue_datacenter(dc: Api) -> None:
    key = full_issue(dc)
    dc.call("PUT", f"/rest/api/2/issue/{key}", {"fields": {"assignee": {"name": "bot"}}})
    ours = dc.get(f"/rest/api/2/issue/{key}")
    rename = {
        "customfield_10020": dc.fields["Rank"],
        "customfield_10019": dc.fields["Sprint"],
        "customfield_10008": dc.fields["Epic Link"],
        "customfield_10002": dc.points(),
    }
    check(example("issue_datacenter.json"), ours, rename)


def test_searches(cloud: Api, dc: Api) -> None:
    for api in (cloud, dc):
        api.story(labels=["x"])
        api.story()
    ours = cloud.get(
        "/rest/api/2/search/jql", jql="", fields="summary,updated,labels", maxResults=1
    )
    check(example("search_jql_cloud.json"), ours)
    check(example("search_datacenter.json"), dc.get("/rest/api/2/search", fields="status"))


def test_writes(cloud: Api) -> None:
    check(example("create_issue.json"), cloud.post("/rest/api/2/issue", {"fields": {
        "project": {"key": "TREND"}, "issuetype": {"name": "Task"}, "summary": "t"}}))  # fmt: skip
    good = {"fields": {"project": {"key": "TREND"}, "issuetype": {"name": "Task"}, "summary": "t"}}
    bad = {"fields": {"project": {"key": "TREND"}, "issuetype": {"name": "Nope"}, "summary": "t"}}
    bulk = cloud.post("/rest/api/2/issue/bulk", {"issueUpdates": [good, bad]})
    check(example("bulk_create_partial.json"), bulk)
    assert bulk["errors"][0]["failedElementNumber"] == 1
    missing = cloud.post("/rest/api/2/issue", {"fields": {
        "project": {"key": "TREND"}, "issuetype": {"name": "Task"}}})  # fmt: skip
    check(example("error_400.json"), missing)
    assert example("error_400.json") == missing
    check(example("error_404.json"), cloud.get("/rest/api/2/issue/TREND-404"))
    assert example("error_404.json") == cloud.get("/rest/api/2/issue/TREND-404")


def test_workflow_bodies(cloud: Api) -> None:
    key = cloud.story()
    cloud.fake.human_transition(key, "Ready for Prod")
    transitions = cloud.get(f"/rest/api/2/issue/{key}/transitions", expand="transitions.fields")
    check(example("transitions_expanded.json"), transitions)
    page = cloud.get(f"/rest/api/2/issue/{key}/changelog", startAt=2, maxResults=2)
    check(example("changelog_page.json"), page)


def test_agile_bodies(cloud: Api) -> None:
    sprint = cloud.sprint(startDate=START, endDate=END)
    cloud.post(f"/rest/agile/1.0/sprint/{sprint}", {"state": "active"})
    cloud.post(f"/rest/agile/1.0/sprint/{sprint}", {"state": "closed"})
    cloud.sprint()
    check(example("sprint.json"), cloud.get(f"/rest/agile/1.0/sprint/{sprint}"))
    check(example("sprint_page.json"), cloud.get("/rest/agile/1.0/board/1/sprint", maxResults=1))
    check(example("board_page.json"), cloud.get("/rest/agile/1.0/board", maxResults=1))
    check(example("board_configuration.json"), cloud.get("/rest/agile/1.0/board/1/configuration"))


def test_metadata_bodies(cloud: Api, dc: Api) -> None:
    check(example("server_info_cloud.json"), cloud.get("/rest/api/2/serverInfo"))
    check(example("myself_cloud.json"), cloud.get("/rest/api/2/myself"))
    ours = {f["name"]: f for f in dc.get("/rest/api/2/field")}
    for real in example("field.json"):
        check(real, ours[real["name"]])
    check(
        example("createmeta_issuetypes_datacenter.json"),
        dc.get("/rest/api/2/issue/createmeta/TREND/issuetypes"),
    )


def test_property_and_comment_bodies(cloud: Api) -> None:
    key = cloud.story()
    value = example("issue_property.json")["value"]  # property values are free-form JSON
    cloud.call("PUT", f"/rest/api/2/issue/{key}/properties/tb.sync", value)
    check(example("issue_property.json"), cloud.get(f"/rest/api/2/issue/{key}/properties/tb.sync"))
    check(example("issue_property_keys.json"), cloud.get(f"/rest/api/2/issue/{key}/properties"))
    check(example("comment.json"), cloud.post(f"/rest/api/2/issue/{key}/comment", {"body": "b"}))


def test_shape_checker_finds_differences() -> None:
    real = {"a": {"b": 1, "c": ["x"]}, "d": None}
    assert list(shape_problems(real, {"a": {"b": 1, "c": ["y"]}, "d": 3}, {})) == []
    problems = list(shape_problems(real, {"a": {"b": "1", "c": [2]}}, {}))
    assert problems == [
        "$.a.b: number in Jira, str here",
        "$.a.c[0]: str in Jira, number here",
        "$.d: missing",
    ]


def test_people_and_versions_cloud(cloud: Api) -> None:
    cloud.fake.add_version("TREND", "1.0", released=True, release_date="2026-01-15",
                           description="First public release")  # fmt: skip
    key = cloud.story(fixVersions=[{"name": "1.0"}])
    real = {"fields": example("issue_people_versions_cloud.json")["fields"]}
    check(real, cloud.get(f"/rest/api/2/issue/{key}"))
