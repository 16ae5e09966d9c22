"""Signed GitHub deliveries keep their delivery facts in the store before the sync is queued;
a redelivery keeps nothing twice, and a store failure still queues the sync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tracker_bridge.delivery.facts import Deployment
from tracker_bridge.delivery.github_json import webhook_facts
from tracker_bridge.delivery.record import record_webhook
from tracker_bridge.store import Store
from tracker_bridge.webhooks import Dispatcher, Target, WebhookReceiver, sign

SECRET = "hook-secret"
TARGET = Target("trend", "github:acme/trending-now", SecretStr(SECRET))
MERGED = {
    "action": "closed",
    "number": 7,
    "pull_request": {
        "number": 7,
        "title": "Scrape",
        "body": "Fixes #3",
        "draft": False,
        "created_at": "2026-03-02T09:00:00Z",
        "merged_at": "2026-03-02T11:00:00Z",
        "merge_commit_sha": "abc1234",
        "head": {"ref": "scrape"},
    },
    "repository": {"full_name": "acme/trending-now"},
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as opened:
        yield opened


def _post(receiver: WebhookReceiver, event: str, payload: Any, delivery: str) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": sign(SECRET, body),
    }
    return httpx.post(f"{receiver.url}/webhooks/github", content=body, headers=headers, timeout=5)


def test_a_merged_pull_request_is_kept_once(store: Store) -> None:
    queued: list[str] = []

    def facts(project: str, tracker: str, event: str | None, payload: Any) -> int:
        return record_webhook(store, project, tracker, event, payload)

    with WebhookReceiver(
        Dispatcher([TARGET], queued.append, store.record_delivery, facts), port=0
    ) as hooks:
        assert _post(hooks, "pull_request", MERGED, "d-1").status_code == 202
        assert _post(hooks, "pull_request", MERGED, "d-1").json() == {"status": "duplicate"}
        assert _post(hooks, "issues", {"action": "labeled", **MERGED}, "d-2").status_code == 202
    (kept,) = store.delivery_facts("trend")
    assert (kept["kind"], kept["number"], kept["merge_sha"]) == ("pull", 7, "abc1234")
    assert queued == ["trend", "trend"]


def test_a_failing_store_still_queues_the_sync(store: Store) -> None:
    queued: list[str] = []

    def broken(*_args: Any) -> int:
        raise RuntimeError("database is locked")

    with WebhookReceiver(
        Dispatcher([TARGET], queued.append, store.record_delivery, broken), port=0
    ) as hooks:
        assert _post(hooks, "pull_request", MERGED, "d-1").status_code == 202
    assert queued == ["trend"]


def test_payload_shapes() -> None:
    status = {
        "action": "created",
        "deployment_status": {"state": "success", "created_at": "2026-03-02T12:00:00Z"},
        "deployment": {"id": 9, "environment": "staging", "sha": "def5678",
                       "created_at": "2026-03-02T11:59:00Z"},
        "repository": {"full_name": "acme/trending-now"},
    }  # fmt: skip
    (deployment,) = webhook_facts(TARGET.tracker, "deployment_status", status)
    assert isinstance(deployment, Deployment) and deployment.succeeded
    assert deployment.key == "deployment:github:acme/trending-now:9"
    published = {"id": 3, "tag_name": "v1", "published_at": "2026-03-02T13:00:00Z"}
    release = {"action": "published", "release": published, "repository": status["repository"]}
    assert [f.key for f in webhook_facts(TARGET.tracker, "release", release)] == [
        "release:acme/trending-now:3"
    ]
    assert webhook_facts(TARGET.tracker, "release", {**release, "action": "deleted"}) == []
    assert webhook_facts(TARGET.tracker, "push", status) == []
    assert webhook_facts(TARGET.tracker, "pull_request", [1, 2]) == []
