"""pytest fixtures for the fake Jira (import them into a conftest: `from ... import *`).

The `jira` client built here never sleeps long on retries (`max_retry_delay=2`), so fault tests
stay fast, and never checks PyPI for updates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jira
import pytest

from .app import FakeJira

__all__ = ["fake_jira", "fake_jira_cloud", "fake_jira_dc", "jira_client", "jira_client_for"]


def jira_client_for(fake: FakeJira, **options: Any) -> jira.JIRA:
    """The real `jira.JIRA` client, authenticated against the fake."""
    options.setdefault("max_retries", 0)
    options.setdefault("timeout", 10)
    client_options = {"check_update": False, **options.pop("options", {})}
    client = jira.JIRA(**fake.client_kwargs(), options=client_options, **options)
    client._session.max_retry_delay = 2  # Retry-After of 1 s waits 1-2 s instead of up to 60 s
    return client


@pytest.fixture
def fake_jira_cloud() -> Iterator[FakeJira]:
    with FakeJira("cloud", projects=("TREND", "OPS")) as fake:
        yield fake


@pytest.fixture
def fake_jira_dc() -> Iterator[FakeJira]:
    with FakeJira("datacenter", projects=("TREND", "OPS")) as fake:
        yield fake


@pytest.fixture(params=["cloud", "datacenter"])
def fake_jira(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    """Runs the test once per flavour."""
    with FakeJira(request.param, projects=("TREND", "OPS")) as fake:
        yield fake


@pytest.fixture
def jira_client(fake_jira: FakeJira) -> jira.JIRA:
    return jira_client_for(fake_jira)
