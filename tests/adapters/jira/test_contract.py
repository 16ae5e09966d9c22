"""The shared adapter contract, run against the fake Jira (Cloud and Data Center)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.contract import AdapterContract
from tests.adapters.jira.conftest import JiraFake


class TestJiraContract(AdapterContract):
    @pytest.fixture
    def fake(self, jira_fake: JiraFake) -> Iterator[JiraFake]:
        yield jira_fake
