"""Fixtures: the fake Jira in both flavours, wrapped as the contract's `FakeTracker`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from tests.adapters.contract import SECRET
from tracker_bridge.adapters.jira import JiraAdapter, factory, load_mapping
from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.testing.fake_jira import FakeJira

PROJECT = "TREND"
FAST = {"backoff_seconds": 0.01, "rate_limit_max_wait": 0.05, "timeout_seconds": 10}


class JiraFake:
    """A running FakeJira plus the ways a person changes things in Jira's UI."""

    def __init__(self, fake: FakeJira, project: str = PROJECT) -> None:
        self.fake, self.project = fake, project
        self.mapping = load_mapping()

    def settings(self, token: str | None = None, **options: Any) -> dict[str, Any]:
        cloud = self.fake.flavour == "cloud"
        secret = token or (self.fake.api_token if cloud else self.fake.pat)
        return {
            "url": self.fake.url,
            "username": self.fake.email if cloud else None,
            "token": SecretStr(secret),
            "options": {**FAST, **options},
        }

    def open_adapter(self, **options: Any) -> JiraAdapter:
        return factory.open(f"jira:{self.project}", settings=self.settings(**options))

    def open_bad_credentials(self) -> JiraAdapter:
        return factory.open(f"jira:{self.project}", settings=self.settings(token=SECRET))

    def open_missing_project(self) -> JiraAdapter:
        return factory.open("jira:NOPE", settings=self.settings())

    def human_edit_title(self, ref: RemoteRef, title: str) -> None:
        self.fake.human_edit(ref.key, summary=title)

    def human_move(self, ref: RemoteRef, stage: Stage) -> None:
        self.fake.human_transition(ref.key, self.mapping.target_status(stage))

    def advance_clock(self, seconds: float) -> None:
        self.fake.clock.advance(seconds)

    def issue_count(self) -> int:
        return self.fake.issue_count(self.project)

    def comments(self, ref: RemoteRef) -> list[str]:
        with self.fake.lock:
            return [str(c.get("body")) for c in self.fake.data.issue(ref.key).comments]


@pytest.fixture(params=["cloud", "datacenter"])
def jira_fake(request: pytest.FixtureRequest) -> Iterator[JiraFake]:
    with FakeJira(request.param, projects=(PROJECT,)) as fake:
        yield JiraFake(fake)
