"""Test helpers for delivery: act like a developer and a CI system (push a branch, open a
pull request, mark it ready, merge it, deploy a ref and report the deployment's status,
publish a release), then deliver the webhooks GitHub would send for each step.

No HTTP to the fake itself and no rate limit; the state changes exactly as the REST routes
change it (the same `delivery_ops`), so a later REST read sees what a real one would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.fake_github import delivery_ops as ops
from tracker_bridge.testing.fake_github import render, render_delivery
from tracker_bridge.testing.fake_github.delivery_state import DEFAULT_BRANCH
from tracker_bridge.testing.fake_github.hooks import envelope
from tracker_bridge.testing.fake_github.state import Repo

if TYPE_CHECKING:
    from tracker_bridge.testing.fake_github.server import FakeGitHub

DEVELOPER = "alice"
CI = "github-actions[bot]"


def _repo(gh: FakeGitHub, owner_repo: str) -> Repo:
    repo = gh.state.repo(owner_repo)
    if repo is None:
        raise KeyError(f"no repository {owner_repo!r} in the fake")
    return repo


def _actor(gh: FakeGitHub, login: str) -> str:
    if login not in gh.state.users:
        from tracker_bridge.testing.fake_github.seeding import add_user

        add_user(gh.ctx, login, "Bot" if login.endswith("[bot]") else "User")
    return login


def _pull_event(gh: FakeGitHub, repo: Repo, number: int, action: str, actor: str) -> dict[str, Any]:
    issue, pull = ops.pull(repo, number)
    shaped = render_delivery.pull_request(gh.url, gh.state, repo, issue, pull)
    return envelope(
        action,
        render.repository(gh.url, gh.state, repo),
        render.user(gh.url, gh.state.users[actor]),
        number=number,
        pull_request=shaped,
    )


def open_pull_request(
    gh: FakeGitHub,
    owner_repo: str,
    title: str,
    *,
    body: str | None = None,
    branch: str | None = None,
    draft: bool = False,
    base: str = DEFAULT_BRANCH,
    author: str = DEVELOPER,
) -> int:
    """Push one commit on `branch` (default `pr-<n>`) and open a pull request from it."""
    with gh.lock:
        repo = _repo(gh, owner_repo)
        _actor(gh, author)
        head = branch or f"change-{repo.next_number}"
        ops.push(gh.ctx, repo, head, title, author)
        issue, _ = ops.open_pull(
            gh.ctx, repo, title=title, head=head, base=base, body=body, draft=draft, user=author
        )
        payload = _pull_event(gh, repo, issue.number, "opened", author)
    gh.hooks.deliver("pull_request", payload)
    return issue.number


def ready_for_review(gh: FakeGitHub, owner_repo: str, number: int, *, by: str = DEVELOPER) -> None:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        ops.mark_ready(gh.ctx, repo, number)
        payload = _pull_event(gh, repo, number, "ready_for_review", by)
    gh.hooks.deliver("pull_request", payload)


def merge_pull_request(gh: FakeGitHub, owner_repo: str, number: int, *, by: str = DEVELOPER) -> str:
    """Merge (a merge commit on the base branch); the merge commit's sha."""
    with gh.lock:
        repo = _repo(gh, owner_repo)
        _actor(gh, by)
        sha = ops.merge(gh.ctx, repo, number, by)
        payload = _pull_event(gh, repo, number, "closed", by)
    gh.hooks.deliver("pull_request", payload)
    return sha


def deploy(
    gh: FakeGitHub,
    owner_repo: str,
    environment: str,
    *,
    ref: str = DEFAULT_BRANCH,
    states: tuple[str, ...] = ("in_progress", "success"),
    by: str = CI,
) -> int:
    """A deployment of `ref` to `environment` with its statuses in order (each status is a
    `deployment_status` webhook, as GitHub Actions reports them); the deployment's id."""
    with gh.lock:
        repo = _repo(gh, owner_repo)
        _actor(gh, by)
        made = ops.create_deployment(gh.ctx, repo, ref=ref, environment=environment, user=by)
        repository = render.repository(gh.url, gh.state, repo)
        sender = render.user(gh.url, gh.state.users[by])
        shaped = render_delivery.deployment(gh.url, gh.state, repo, made)
        payloads = [("deployment", envelope("created", repository, sender, deployment=shaped))]
    gh.hooks.deliver(*payloads[0])
    for state in states:
        report_status(gh, owner_repo, made.id, state, by=by)
    return made.id


def report_status(
    gh: FakeGitHub, owner_repo: str, deployment_id: int, state: str, *, by: str = CI
) -> None:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        _actor(gh, by)
        found = ops.deployment(repo, deployment_id)
        status = ops.add_status(gh.ctx, repo, found, state=state, user=by)
        payload = envelope(
            "created",
            render.repository(gh.url, gh.state, repo),
            render.user(gh.url, gh.state.users[by]),
            deployment_status=render_delivery.deployment_status(
                gh.url, gh.state, repo, found, status
            ),
            deployment=render_delivery.deployment(gh.url, gh.state, repo, found),
        )
    gh.hooks.deliver("deployment_status", payload)


def publish_release(
    gh: FakeGitHub,
    owner_repo: str,
    tag_name: str,
    *,
    target: str = DEFAULT_BRANCH,
    prerelease: bool = False,
    by: str = DEVELOPER,
) -> int:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        _actor(gh, by)
        made = ops.create_release(
            gh.ctx,
            repo,
            tag_name=tag_name,
            target=target,
            user=by,
            name=tag_name,
            prerelease=prerelease,
        )
        payload = envelope(
            "published",
            render.repository(gh.url, gh.state, repo),
            render.user(gh.url, gh.state.users[by]),
            release=render_delivery.release(gh.url, gh.state, repo, made),
        )
    gh.hooks.deliver("release", payload)
    return made.id
