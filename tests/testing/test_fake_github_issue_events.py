"""The fake's issue events (`GET /repos/{o}/{r}/issues/{n}/events`), read with PyGithub."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from github import Github

from tests.testing.fixtures_github import GraphQL, pygithub
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


def test_labels_milestone_and_close_are_logged_when_they_happen(
    fake_github: FakeGitHub,
) -> None:
    """GitHub logs what an issue is created with and each later change, at its own time."""
    client: Github = pygithub(fake_github)
    repo = client.get_repo(REPO)
    stone = repo.create_milestone("Sprint 1")
    fake_github.clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    issue = repo.create_issue("Ranking", labels=["bug"], milestone=stone)
    fake_github.clock.freeze(datetime(2026, 11, 3, 14, 30, tzinfo=UTC))
    fake_github.human_edit_issue(REPO, issue.number, labels=["enhancement"])
    fake_github.clock.freeze(datetime(2026, 11, 4, 8, 0, tzinfo=UTC))
    issue.edit(state="closed", state_reason="completed", milestone=None)
    fake_github.clock.freeze(datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    issue.create_comment("a comment logs no issue event")

    seen = [
        (e.event, e.created_at.isoformat(), e.actor.login if e.actor else None,
         e.label.name if e.label else None, e.milestone.title if e.milestone else None)
        for e in issue.get_events()
    ]
    me = client.get_user().login
    assert seen == [
        ("labeled", "2026-11-02T09:00:00+00:00", me, "bug", None),
        ("milestoned", "2026-11-02T09:00:00+00:00", me, None, "Sprint 1"),
        ("unlabeled", "2026-11-03T14:30:00+00:00", "alice", "bug", None),
        ("labeled", "2026-11-03T14:30:00+00:00", "alice", "enhancement", None),
        ("demilestoned", "2026-11-04T08:00:00+00:00", me, None, "Sprint 1"),
        ("closed", "2026-11-04T08:00:00+00:00", me, None, None),
    ]
    raw = issue.get_events()[5].raw_data
    assert raw["state_reason"] == "completed"
    assert raw["url"].endswith(f"/repos/{REPO}/issues/events/{raw['id']}")
    client.close()


TIMELINE = """query($o:String!,$r:String!,$n:Int!){ repository(owner:$o, name:$r){
  issue(number:$n){ timelineItems(last:30, itemTypes:[LABELED_EVENT, UNLABELED_EVENT]){ nodes{
    __typename ... on LabeledEvent{ id createdAt label{ name } }
    ... on UnlabeledEvent{ id createdAt label{ name } } } } } } }"""


def _both_logs(gh: FakeGitHub, graphql: GraphQL, number: int) -> tuple[list[Any], list[Any]]:
    """(REST label events, GraphQL timeline): (node id, kind, label, time) each, oldest first."""
    client: Github = pygithub(gh)
    rest = [
        (e.raw_data["node_id"], e.event, e.label.name, e.created_at.isoformat())
        for e in client.get_repo(REPO).get_issue(number).get_events()
        if e.event in ("labeled", "unlabeled")
    ]
    client.close()
    owner, name = REPO.split("/")
    answer = graphql(TIMELINE, o=owner, r=name, n=number)
    nodes = answer["data"]["repository"]["issue"]["timelineItems"]["nodes"]
    timeline = [
        (n["id"], "labeled" if n["__typename"] == "LabeledEvent" else "unlabeled",
         n["label"]["name"], _iso(n["createdAt"]))
        for n in nodes
    ]
    return rest, timeline


def _iso(text: str) -> str:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()


def test_a_label_edit_is_one_event_in_the_rest_log_and_the_timeline(
    fake_github: FakeGitHub, graphql: GraphQL
) -> None:
    """On GitHub the issue events API and the GraphQL timeline are one log: a person who
    swaps `stage:in-review` for `stage:in-staging` on Tue 14:30 shows in both, same events,
    same ids, same time; and still after the fake restarts from its state file."""
    client: Github = pygithub(fake_github)
    fake_github.clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    number = client.get_repo(REPO).create_issue("Ranking", labels=["stage:in-review"]).number
    client.close()
    fake_github.clock.freeze(datetime(2026, 11, 3, 14, 30, tzinfo=UTC))
    fake_github.human_edit_issue(REPO, number, labels=["stage:in-staging"])
    rest, timeline = _both_logs(fake_github, graphql, number)
    assert [(kind, label, at) for _, kind, label, at in rest] == [
        ("labeled", "stage:in-review", "2026-11-02T09:00:00+00:00"),
        ("unlabeled", "stage:in-review", "2026-11-03T14:30:00+00:00"),
        ("labeled", "stage:in-staging", "2026-11-03T14:30:00+00:00"),
    ]
    assert timeline == rest


def test_the_one_log_survives_a_restart_and_older_state_files_still_load(
    tmp_path: Path,
) -> None:
    """A sandbox kept in a state file keeps its label history for both APIs; a state file
    written before the logs were one (with `label_events` per issue) still loads."""
    path = tmp_path / "github.json"
    with FakeGitHub(state_file=path) as first:
        first.clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
        client = pygithub(first)
        number = client.get_repo(REPO).create_issue("Ranking", labels=["bug"]).number
        client.close()
    saved = json.loads(path.read_text())
    with FakeGitHub(state_file=path) as second:
        rest, timeline = _both_logs(second, _poster(second), number)
        assert [(k, label, at) for _, k, label, at in rest] == [
            ("labeled", "bug", "2026-11-02T09:00:00+00:00")]
        assert timeline == rest

    def add_legacy(value: Any) -> Any:  # what the older fake wrote beside `events`
        if isinstance(value, dict):
            if value.get("$type") == "Issue":
                value["label_events"] = [{"$type": "LabelEvent", "id": 1, "action": "labeled",
                                          "name": "bug", "actor": "x",
                                          "created_at": {"$datetime": "2026-11-02T09:00:00"}}]
            for inner in value.values():
                add_legacy(inner)
        elif isinstance(value, list):
            for inner in value:
                add_legacy(inner)
        return value

    path.write_text(json.dumps(add_legacy(saved)))
    with FakeGitHub(state_file=path) as third:
        rest, timeline = _both_logs(third, _poster(third), number)
        assert len(rest) == 1 and timeline == rest


def _poster(gh: FakeGitHub) -> GraphQL:
    def post(query: str, **variables: Any) -> dict[str, Any]:
        answer = httpx.post(gh.graphql_url, json={"query": query, "variables": variables},
                            headers={"Authorization": f"Bearer {gh.token}"}, timeout=5)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    return post
