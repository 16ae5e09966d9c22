"""The fake GitHub's delivery side (pull requests, commits, deployments and their statuses,
releases, and the webhooks for them) as PyGithub and plain HTTP see it, against real
answers kept in tests/testing/real_examples/github/."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.testing.fixtures_github import pygithub
from tests.testing.test_fake_github_shapes import _example, assert_shape
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


@pytest.fixture
def http(fake_github: FakeGitHub) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{fake_github.url}/repos/{REPO}",
        headers={"Authorization": f"token {fake_github.token}"},
        timeout=5,
    ) as client:
        yield client


def test_a_pull_request_opens_merges_and_reads_back_like_github(fake_github: FakeGitHub) -> None:
    number = fake_github.open_pull_request(REPO, "Add the ratings feed", body="Fixes #12")
    repo = pygithub(fake_github).get_repo(REPO)
    pull = repo.get_pull(number)
    assert (pull.state, pull.merged, pull.draft, pull.body) == ("open", False, False, "Fixes #12")
    assert pull.head.ref == f"change-{number}" and pull.base.ref == "main"
    merged = pull.merge()
    assert merged.merged
    again = repo.get_pull(number)
    assert (again.state, again.merged, again.merge_commit_sha) == ("closed", True, merged.sha)
    assert again.merged_at is not None
    # The merge commit sits on main, its second parent the pull request's head.
    head = repo.get_commits(sha="main")[0]
    assert head.sha == merged.sha
    assert [p.sha for p in head.parents][1] == again.head.sha


def test_a_draft_cannot_merge_until_ready(fake_github: FakeGitHub, http: httpx.Client) -> None:
    number = fake_github.open_pull_request(REPO, "WIP: retrain", draft=True)
    refused = http.put(f"/pulls/{number}/merge", json={})
    assert refused.status_code == 405
    fake_github.ready_for_review(REPO, number)
    assert http.put(f"/pulls/{number}/merge", json={}).json()["merged"] is True
    assert http.put(f"/pulls/{number}/merge", json={}).status_code == 405  # already merged


def test_pulls_list_filters_sorts_pages_and_answers_304(
    fake_github: FakeGitHub, http: httpx.Client
) -> None:
    numbers = [fake_github.open_pull_request(REPO, f"change {n}") for n in range(3)]
    fake_github.merge_pull_request(REPO, numbers[0])
    closed = http.get("/pulls", params={"state": "closed"}).json()
    assert [p["number"] for p in closed] == [numbers[0]]
    everything = http.get("/pulls", params={"state": "all", "direction": "asc"}).json()
    assert [p["number"] for p in everything][-3:] == numbers  # seeded ones first
    first = http.get("/pulls", params={"state": "all", "per_page": 2, "sort": "updated"})
    assert 'rel="next"' in first.headers["link"] and len(first.json()) == 2
    assert first.json()[0]["number"] == numbers[0]  # the merge touched it last
    again = http.get(
        "/pulls",
        params={"state": "all", "per_page": 2, "sort": "updated"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert http.get("/pulls", params={"state": "merged"}).status_code == 422


def test_compare_and_commits_follow_the_graph(fake_github: FakeGitHub, http: httpx.Client) -> None:
    one = fake_github.merge_pull_request(REPO, fake_github.open_pull_request(REPO, "one"))
    two = fake_github.merge_pull_request(REPO, fake_github.open_pull_request(REPO, "two"))
    compared = http.get(f"/compare/{one}...{two}").json()
    assert compared["status"] == "ahead"
    assert compared["commits"][-1]["sha"] == two  # oldest first, the head last
    assert one not in {c["sha"] for c in compared["commits"]}
    assert http.get(f"/compare/{two}...{one}").json()["status"] == "behind"
    reachable = {c["sha"] for c in http.get("/commits", params={"sha": one}).json()}
    assert one in reachable and two not in reachable
    assert http.get("/commits", params={"sha": "nope"}).status_code == 422


def test_deployments_and_statuses(fake_github: FakeGitHub, http: httpx.Client) -> None:
    sha = fake_github.merge_pull_request(REPO, fake_github.open_pull_request(REPO, "one"))
    staging = fake_github.deploy(REPO, "staging")
    failed = fake_github.deploy(REPO, "production", states=("failure",))
    listed = http.get("/deployments").json()
    assert [d["id"] for d in listed] == [failed, staging]  # newest first
    assert {d["sha"] for d in listed} == {sha}
    only = http.get("/deployments", params={"environment": "staging"}).json()
    assert [d["id"] for d in only] == [staging]
    statuses = http.get(f"/deployments/{staging}/statuses").json()
    assert [s["state"] for s in statuses] == ["success", "in_progress"]
    made = http.post("/deployments", json={"ref": "main", "environment": "qa"}).json()
    status = http.post(f"/deployments/{made['id']}/statuses", json={"state": "success"})
    assert status.status_code == 201 and status.json()["environment"] == "qa"
    assert http.post(f"/deployments/{made['id']}/statuses", json={"state": "ok"}).status_code == 422
    assert http.post("/deployments", json={"ref": "no-such-branch"}).status_code == 422


def test_releases_and_tags(fake_github: FakeGitHub, http: httpx.Client) -> None:
    sha = fake_github.merge_pull_request(REPO, fake_github.open_pull_request(REPO, "one"))
    fake_github.publish_release(REPO, "v1.0.0")
    releases = http.get("/releases").json()
    assert [(r["tag_name"], r["draft"]) for r in releases] == [("v1.0.0", False)]
    assert releases[0]["published_at"] is not None
    assert http.get("/tags").json()[0] == {**http.get("/tags").json()[0], "name": "v1.0.0"}
    assert http.get("/tags").json()[0]["commit"]["sha"] == sha
    again = http.post("/releases", json={"tag_name": "v1.0.0"})
    assert again.status_code == 422


@pytest.mark.parametrize(
    ("example", "path"),
    [
        ("pull_request.json", "/pulls/{pull}"),
        ("deployment.json", "/deployments/{deployment}"),
        ("deployment_status.json", "/deployments/{deployment}/statuses"),
        ("release.json", "/releases"),
        ("commit.json", "/commits"),
    ],
)
def test_delivery_shapes_match_real_answers(
    fake_github: FakeGitHub, http: httpx.Client, example: str, path: str
) -> None:
    pull = fake_github.open_pull_request(REPO, "one")
    fake_github.merge_pull_request(REPO, pull)
    deployment = fake_github.deploy(REPO, "staging")
    fake_github.publish_release(REPO, "v1")
    answer = http.get(path.format(pull=pull, deployment=deployment)).json()
    # `payload` is whatever the deployer sent (the recording sent {"test": true}).
    skip = frozenset({"test"})
    assert_shape(_example(example), answer[0] if isinstance(answer, list) else answer, skip=skip)


class _Catcher(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


def test_webhooks_are_signed_and_shaped_like_githubs(fake_github: FakeGitHub) -> None:
    _Catcher.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Catcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        fake_github.add_webhook(url, "s3cret", ("pull_request", "deployment_status", "release"))
        number = fake_github.open_pull_request(REPO, "one", body="Closes #4")
        sha = fake_github.merge_pull_request(REPO, number)
        fake_github.deploy(REPO, "staging", states=("success",))
        fake_github.publish_release(REPO, "v1")
    finally:
        server.shutdown()
    events = [(h["x-github-event"], json.loads(b)) for h, b in _Catcher.received]
    assert [(e, p["action"]) for e, p in events] == [
        ("pull_request", "opened"),
        ("pull_request", "closed"),
        ("deployment_status", "created"),
        ("release", "published"),
    ]
    for headers, body in _Catcher.received:
        expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["x-hub-signature-256"] == expected
        assert headers["x-github-delivery"]
    merged = events[1][1]["pull_request"]
    assert (merged["merged"], merged["merge_commit_sha"]) == (True, sha)
    status = events[2][1]
    assert status["deployment_status"]["state"] == "success"
    assert status["deployment"]["sha"] == sha and status["repository"]["full_name"] == REPO
    assert events[3][1]["release"]["tag_name"] == "v1"
