"""The fake's issue events (`GET /repos/{o}/{r}/issues/{n}/events`), read with PyGithub."""

from __future__ import annotations

from datetime import UTC, datetime

from github import Github

from tests.testing.fixtures_github import pygithub
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


def test_labels_milestone_and_close_are_logged_when_they_happen(
    fake_github: FakeGitHub,
) -> None:
    """GitHub logs what an issue is created with and each later change, at its own time."""
    client: Github = pygithub(fake_github)
    repo = client.get_repo(REPO)
    stone = repo.create_milestone("Sprint 1")
    fake_github.clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    issue = repo.create_issue("Ranking", labels=["bug"], milestone=stone)
    fake_github.clock.freeze(datetime(2026, 11, 3, 14, 30, tzinfo=UTC))
    fake_github.human_edit_issue(REPO, issue.number, labels=["enhancement"])
    fake_github.clock.freeze(datetime(2026, 11, 4, 8, 0, tzinfo=UTC))
    issue.edit(state="closed", state_reason="completed", milestone=None)
    fake_github.clock.freeze(datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    issue.create_comment("a comment logs no issue event")

    seen = [
        (e.event, e.created_at.isoformat(), e.actor.login if e.actor else None,
         e.label.name if e.label else None, e.milestone.title if e.milestone else None)
        for e in issue.get_events()
    ]
    me = client.get_user().login
    assert seen == [
        ("labeled", "2026-11-02T09:00:00+00:00", me, "bug", None),
        ("milestoned", "2026-11-02T09:00:00+00:00", me, None, "Sprint 1"),
        ("unlabeled", "2026-11-03T14:30:00+00:00", "alice", "bug", None),
        ("labeled", "2026-11-03T14:30:00+00:00", "alice", "enhancement", None),
        ("demilestoned", "2026-11-04T08:00:00+00:00", me, None, "Sprint 1"),
        ("closed", "2026-11-04T08:00:00+00:00", me, None, None),
    ]
    raw = issue.get_events()[5].raw_data
    assert raw["state_reason"] == "completed"
    assert raw["url"].endswith(f"/repos/{REPO}/issues/events/{raw['id']}")
    client.close()
