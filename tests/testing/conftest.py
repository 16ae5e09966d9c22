"""Fixtures for the fake trackers' tests (each fake keeps its own fixtures module)."""

from tests.testing.fixtures_github import *  # noqa: F403
from tests.testing.fixtures_jira import *  # noqa: F403
