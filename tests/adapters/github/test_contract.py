"""The shared adapter contract, against the fake GitHub in labels mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.contract import AdapterContract
from tests.adapters.github.fakes import GitHubFakeTracker
from tracker_bridge.testing.fake_github import FakeGitHub


class TestGitHubLabelsContract(AdapterContract):
    @pytest.fixture
    def fake(self) -> Iterator[GitHubFakeTracker]:
        with FakeGitHub(seed=7) as gh:
            yield GitHubFakeTracker(gh)
