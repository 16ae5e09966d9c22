"""The fake GitHub wrapped for the adapter tests: open adapters, act as a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tests.adapters.contract import SECRET
from tracker_bridge.adapters.github import factory
from tracker_bridge.adapters.github.mapping import STAGE_OPTION_NAMES, load_mapping
from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.tracker import Adapter

REPO = "acme/trending-now"
TRACKER = f"github:{REPO}"
FAST = {"writes_per_minute": 600_000, "overlap_seconds": 2}


class GitHubFakeTracker:
    """`FakeTracker` (tests/adapters/contract.py) for GitHub, in labels or projects mode."""

    def __init__(self, gh: FakeGitHub, mapping_path: Path | None = None) -> None:
        self.gh = gh
        self.mapping_path = mapping_path
        self.mapping = load_mapping(mapping_path)

    def settings(self, token: str | None = None, **options: Any) -> dict[str, Any]:
        return {
            "url": self.gh.url,
            "username": None,
            "token": SecretStr(token or self.gh.token),
            "options": {**FAST, **options},
        }

    def open_adapter(self, **options: Any) -> Adapter:
        return factory.open(
            TRACKER, settings=self.settings(**options), mapping_path=self.mapping_path
        )

    def open_bad_credentials(self) -> Adapter:
        return factory.open(TRACKER, settings=self.settings(SECRET), mapping_path=self.mapping_path)

    def open_missing_project(self) -> Adapter:
        return factory.open(
            "github:acme/no-such-repo", settings=self.settings(), mapping_path=self.mapping_path
        )

    def human_edit_title(self, ref: RemoteRef, title: str) -> None:
        self.gh.human_edit_issue(REPO, int(ref.key), title=title)

    def human_move(self, ref: RemoteRef, stage: Stage) -> None:
        if self.mapping.mode == "projects":
            self.gh.human_set_project_status(REPO, int(ref.key), STAGE_OPTION_NAMES[stage])
            return
        issue = next(i for i in self.gh.issues(REPO) if i["number"] == int(ref.key))
        stage_labels = {n.casefold() for n in self.mapping.labels.stages.values()}
        labels = [x["name"] for x in issue["labels"] if x["name"].casefold() not in stage_labels]
        changes: dict[str, Any] = {"labels": [*labels, self.mapping.labels.stages[stage]]}
        if stage is Stage.DONE:
            changes.update(labels=labels, state="closed", state_reason="completed")
        elif issue["state"] == "closed":
            changes["state"] = "open"
        self.gh.human_edit_issue(REPO, int(ref.key), **changes)

    def advance_clock(self, seconds: float) -> None:
        self.gh.clock.advance(seconds)

    def issue_count(self) -> int:
        return self.gh.issue_count(REPO)

    def comments(self, ref: RemoteRef) -> list[str]:
        repo = self.gh.state.repo(REPO)
        assert repo is not None
        return [c.body for c in repo.comments if c.issue_number == int(ref.key)]
