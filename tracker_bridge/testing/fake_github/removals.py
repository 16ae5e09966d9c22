"""Deleting and transferring issues, as a repository admin does in the UI.

As GitHub answers afterwards: a deleted issue is 410 Gone ("This issue was deleted") and
leaves every listing and its parent's sub-issues; a transferred issue gets the next number of
its new repository, keeps its id and the labels the new repository has (not its milestone),
and its old address answers 301 with the new one in `Location` (PyGithub follows it, so a
client sees the issue in its new repository).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.state import Repo, node_id
from tracker_bridge.testing.server import HTTPError

if TYPE_CHECKING:
    from tracker_bridge.testing.fake_github.common import Context
    from tracker_bridge.testing.fake_github.server import FakeGitHub


def delete_issue(gh: FakeGitHub, owner_repo: str, number: int) -> None:
    with gh.lock:
        state = gh.state
        repo = _repo(gh, owner_repo)
        issue = repo.issues.pop(number)
        state.issues_by_id.pop(issue.id, None)
        state.issues_by_node.pop(issue.node_id, None)
        state.removed[(repo.full_name.lower(), number)] = None
        # It leaves its parent's sub-issues (whose summary counts drop) and its own
        # sub-issues lose their parent. Their `updated_at` stays: GitHub does not document
        # a bump, and a client must not count on one.
        parent = state.issues_by_id.get(issue.parent_id) if issue.parent_id else None
        if parent is not None and issue.id in parent.sub_issue_ids:
            parent.sub_issue_ids.remove(issue.id)
        for child_id in issue.sub_issue_ids:
            child = state.issues_by_id.get(child_id)
            if child is not None and child.parent_id == issue.id:
                child.parent_id = None


def transfer_issue(gh: FakeGitHub, owner_repo: str, number: int, to_repo: str) -> int:
    """Move an issue to another repository (made on the fake if missing); its number there."""
    with gh.lock:
        source = _repo(gh, owner_repo)
        if gh.state.repo(to_repo) is None:
            owner, name = to_repo.split("/", 1)
            repo_id = gh.ids.take()
            gh.state.repos[to_repo.lower()] = Repo(
                repo_id, node_id("R", repo_id), owner, name, gh.clock.now()
            )
        target = _repo(gh, to_repo)
        issue = source.issues.pop(number)
        issue.number, issue.repo = target.next_number, target.full_name
        # GitHub keeps the labels the new repository also has; milestones stay behind.
        issue.labels = [name for name in issue.labels if name.lower() in target.labels]
        issue.milestone = None
        target.next_number += 1
        target.issues[issue.number] = issue
        issue.updated_at = gh.clock.now()
        gh.state.removed[(source.full_name.lower(), number)] = f"{target.full_name}#{issue.number}"
        return issue.number


def removed_answer(ctx: Context, repo: Repo, number: str) -> HTTPError | None:
    """The answer for a removed issue's old address, None if it was never removed."""
    try:
        key = (repo.full_name.lower(), int(number))
    except ValueError:
        return None
    if key not in ctx.state.removed:
        return None
    moved = ctx.state.removed[key]
    if moved is None:
        return HTTPError(410, render.error("This issue was deleted", 410))
    full_name, new_number = moved.rsplit("#", 1)
    location = f"{ctx.base()}/repos/{full_name}/issues/{new_number}"
    return HTTPError(301, {"message": "Moved Permanently", "url": location},
                     {"Location": location})


def _repo(gh: FakeGitHub, owner_repo: str) -> Repo:
    found = gh.state.repo(owner_repo)
    if found is None:
        raise KeyError(f"no repository {owner_repo} in the fake")
    return found
