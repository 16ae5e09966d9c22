"""What real GitHub does with `Fixes #N`: the merge into the default branch closes the issue.
In labels mode a closed issue reads as done, yet nothing has shipped: the next sync sees
GitHub's close for what it is (the `closed` event names the merge commit), keeps the item at
ready_for_staging on both trackers, reopens the issue once with a comment, and only the
production deployment makes it done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.delivery.conftest import ROADMAP, sync
from tests.delivery.test_done_when import ITEM, expected, stage_events, stages_on_trackers
from tracker_bridge.model import Stage
from tracker_bridge.testing.fake_github.delivery_helpers import DEVELOPER
from tracker_bridge.testing.sandbox import Sandbox

REOPENED = "GitHub closed this issue when the pull request naming it was merged"


def issue_events(sandbox: Sandbox, number: int) -> list[dict[str, Any]]:
    """The issue's events, as a client reads them over REST."""
    reply = httpx.get(
        f"{sandbox.github.url}/repos/{sandbox.github_repo}/issues/{number}/events",
        headers={"Authorization": f"Bearer {sandbox.github.token}"},
        timeout=5,
    )
    assert reply.status_code == 200
    return list(reply.json())


def issue_json(sandbox: Sandbox, number: int) -> dict[str, Any]:
    reply = httpx.get(
        f"{sandbox.github.url}/repos/{sandbox.github_repo}/issues/{number}",
        headers={"Authorization": f"Bearer {sandbox.github.token}"},
        timeout=5,
    )
    assert reply.status_code == 200
    return dict(reply.json())


def reopen_comments(sandbox: Sandbox, number: int) -> list[str]:
    found = sandbox.github.comments(sandbox.github_repo, number)
    return [str(c["body"]) for c in found if REOPENED in str(c["body"])]


def test_github_closes_a_fixed_issue_at_the_merge_and_the_board_waits_for_production(
    sandbox: Sandbox,
) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    number = sandbox.github_number(ITEM)
    gh.clock.advance(3600)
    pull = gh.open_pull_request(repo, "Scrape Rotten Tomatoes", body=f"Fixes #{number}")
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.IN_REVIEW)

    gh.clock.advance(3600)
    merge_sha = gh.merge_pull_request(repo, pull)
    # GitHub's side: closed as completed by the merging user, the event names the merge.
    closed = issue_json(sandbox, number)
    assert (closed["state"], closed["state_reason"]) == ("closed", "completed")
    assert closed["closed_by"]["login"] == DEVELOPER
    close_event = [e for e in issue_events(sandbox, number) if e["event"] == "closed"][-1]
    assert close_event["commit_id"] == merge_sha
    assert close_event["actor"]["login"] == DEVELOPER

    sync(sandbox)  # the next night
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    assert len(reopen_comments(sandbox, number)) == 1
    quiet = sync(sandbox)  # no loop: nothing closes or reopens again
    assert quiet.summary()["moved"] == 0
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    assert len(reopen_comments(sandbox, number)) == 1

    gh.clock.advance(3600)
    gh.deploy(repo, "production")
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.DONE)
    # Never done before production: one move to ready_for_staging, then done.
    assert [to for to, _ in stage_events(sandbox, ITEM)] == ["in_review", "ready_for_staging",
                                                            "done"]
    assert len(reopen_comments(sandbox, number)) == 1


def test_a_close_by_hand_after_the_reopen_is_a_persons_done(sandbox: Sandbox) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    number = sandbox.github_number(ITEM)
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Scrape", body=f"fixes: #{number}"))
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    gh.clock.advance(60)
    sandbox.github_move(ITEM, Stage.DONE)  # the team ships it some other way and closes it
    sync(sandbox)
    sync(sandbox)
    jira, _, state = stages_on_trackers(sandbox, ITEM)
    assert (jira, state) == (expected(Stage.DONE)[0], "closed")
    assert len(reopen_comments(sandbox, number)) == 1


def test_a_merge_into_another_branch_closes_nothing(sandbox: Sandbox) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    number = sandbox.github_number(ITEM)
    gh.open_pull_request(repo, "Release line", branch="release-1")  # the branch exists now
    pull = gh.open_pull_request(repo, "Backport", body=f"Closes {repo}#{number}",
                                base="release-1")
    gh.merge_pull_request(repo, pull)
    assert issue_json(sandbox, number)["state"] == "open"
    assert not [e for e in issue_events(sandbox, number) if e["event"] == "closed"]


def test_a_second_fixing_pull_request_reopens_it_again(sandbox: Sandbox) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    number = sandbox.github_number(ITEM)
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Scrape", body=f"Fixes #{number}"))
    sync(sandbox)
    gh.clock.advance(3600)
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Follow-up", body=f"Fixes #{number}"))
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    assert len(reopen_comments(sandbox, number)) == 2
    assert [to for to, _ in stage_events(sandbox, ITEM)] == ["ready_for_staging"]


@pytest.fixture
def projects_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n")
    with Sandbox(tmp_path / "sandbox", ROADMAP, github_mapping=mapping) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def board_status(sandbox: Sandbox) -> str | None:
    issue = f"{sandbox.github_repo}#{sandbox.github_number(ITEM)}"
    node = next(n for n in sandbox.github.project(1)["items"] if n["issue"] == issue)
    status: str | None = node["values"].get("Status")
    return status


def test_projects_mode_keeps_the_stage_on_the_board_through_githubs_close(
    projects_sandbox: Sandbox,
) -> None:
    sandbox = projects_sandbox
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    number = sandbox.github_number(ITEM)
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Scrape", body=f"Fixes #{number}"))
    sync(sandbox)
    assert board_status(sandbox) == "Ready for Staging"
    assert issue_json(sandbox, number)["state"] == "open"  # the stage move reopens it
    jira = sandbox.jira.issue_json(sandbox.jira_key(ITEM))["fields"]["status"]["name"]
    assert jira == expected(Stage.READY_FOR_STAGING)[0]
    gh.clock.advance(3600)
    gh.deploy(repo, "production")
    sync(sandbox)
    assert board_status(sandbox) == "Done"
    assert issue_json(sandbox, number)["state"] == "closed"
