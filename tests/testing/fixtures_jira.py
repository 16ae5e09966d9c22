"""Fixtures for the fake Jira: the product's own pytest fixtures, re-exported for conftest."""

from __future__ import annotations

from tracker_bridge.testing.fake_jira.fixtures import (
    fake_jira,
    fake_jira_cloud,
    fake_jira_dc,
    jira_client,
    jira_client_for,
)

__all__ = ["fake_jira", "fake_jira_cloud", "fake_jira_dc", "jira_client", "jira_client_for"]
