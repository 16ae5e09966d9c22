"""A receiver on a free loopback port with two targets, a SQLite store and a recording queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tracker_bridge.store import Store
from tracker_bridge.webhooks import Dispatcher, Target, WebhookReceiver, sign

GITHUB_SECRET = "gh-webhook-secret-0123"
JIRA_SECRET = "jira-webhook-secret-4567"
TARGETS = (
    Target("trending-now", "github:acme/trending-now", SecretStr(GITHUB_SECRET)),
    Target("trending-now", "jira:TREND", SecretStr(JIRA_SECRET), board_id="7"),
    Target("unsigned", "github:acme/no-secret", None),
)


def github_payload(repo: str = "acme/trending-now") -> dict[str, Any]:
    return {"action": "labeled", "issue": {"number": 3}, "repository": {"full_name": repo}}


def jira_payload(key: str = "TREND") -> dict[str, Any]:
    return {
        "webhookEvent": "jira:issue_updated",
        "issue": {"key": f"{key}-1", "fields": {"project": {"key": key}}},
        "changelog": {"items": [{"field": "status", "toString": "In Review"}]},
    }


@dataclass
class Client:
    receiver: WebhookReceiver
    queued: list[str] = field(default_factory=list)

    def post(
        self,
        source: str,
        payload: Any,
        *,
        secret: str | None = None,
        delivery: str = "d-1",
        event: str = "issues",
        signature: str | None = None,
    ) -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if source == "github":
            headers["X-GitHub-Delivery"] = delivery
            headers["X-GitHub-Event"] = event
            sig_header = "X-Hub-Signature-256"
        else:
            headers["X-Atlassian-Webhook-Identifier"] = delivery
            sig_header = "X-Hub-Signature"
        if signature is None and secret is not None:
            signature = sign(secret, body)
        if signature is not None:
            headers[sig_header] = signature
        return httpx.post(
            f"{self.receiver.url}/webhooks/{source}", content=body, headers=headers, timeout=5
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as opened:
        yield opened


@pytest.fixture
def client(store: Store) -> Iterator[Client]:
    queued: list[str] = []
    dispatcher = Dispatcher(TARGETS, queued.append, store.record_delivery)
    with WebhookReceiver(dispatcher, port=0, max_body=10_000) as receiver:
        yield Client(receiver, queued)
