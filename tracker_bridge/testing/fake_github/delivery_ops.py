"""Delivery operations on the fake's state, shared by the REST routes and the test helpers
(always called under the server lock). Validation follows GitHub: a pull request needs an
existing head branch that differs from its base; only an open, non-draft pull request merges;
a deployment needs a ref that resolves; a status needs a known state."""

from __future__ import annotations

import re
from typing import Any

from tracker_bridge.testing.fake_github.common import Context, invalid, not_found
from tracker_bridge.testing.fake_github.delivery_state import (
    DEFAULT_BRANCH,
    Deployment,
    DeploymentStatus,
    Environment,
    PullRequest,
    Release,
)
from tracker_bridge.testing.fake_github.issue_events import log_changes
from tracker_bridge.testing.fake_github.state import Issue, Repo, node_id
from tracker_bridge.testing.server import HTTPError

STATUS_STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


def ensure_default_branch(ctx: Context, repo: Repo) -> str:
    """Every repository starts with one commit on `main` (GitHub's "Initial commit")."""
    if DEFAULT_BRANCH not in repo.git.branches:
        first = repo.git.commit("Initial commit", repo.owner, repo.created_at, [])
        repo.git.branches[DEFAULT_BRANCH] = first.sha
    return repo.git.branches[DEFAULT_BRANCH]


def push(ctx: Context, repo: Repo, branch: str, message: str, author: str) -> str:
    """One commit on `branch` (created from the default branch when new); its sha."""
    start = repo.git.branches.get(branch) or ensure_default_branch(ctx, repo)
    made = repo.git.commit(message, author, ctx.now(), [start])
    repo.git.branches[branch] = made.sha
    return made.sha


def open_pull(
    ctx: Context,
    repo: Repo,
    *,
    title: str,
    head: str,
    base: str,
    body: str | None,
    draft: bool,
    user: str,
) -> tuple[Issue, PullRequest]:
    ensure_default_branch(ctx, repo)
    head_ref = head.split(":", 1)[-1]
    if head_ref not in repo.git.branches:
        raise invalid("PullRequest", "head")
    if base not in repo.git.branches:
        raise invalid("PullRequest", "base")
    if head_ref == base:
        raise invalid(
            "PullRequest", "base", "custom", message=f"No commits between {base} and {head_ref}"
        )
    now = ctx.now()
    pull_id = ctx.ids.take()
    issue = Issue(
        id=pull_id,
        node_id=node_id("PR", pull_id),
        repo=repo.full_name,
        number=repo.next_number,
        title=title,
        body=body,
        user=user,
        created_at=now,
        updated_at=now,
        is_pull_request=True,
    )
    repo.next_number += 1
    ctx.state.add_issue(repo, issue)
    pull = PullRequest(issue.number, head_ref, repo.git.branches[head_ref], base, draft)
    repo.pulls[issue.number] = pull
    return issue, pull


def pull(repo: Repo, number: int) -> tuple[Issue, PullRequest]:
    found = repo.pulls.get(number)
    if found is None:
        raise not_found()
    return repo.issues[number], found


def mark_ready(ctx: Context, repo: Repo, number: int) -> tuple[Issue, PullRequest]:
    issue, found = pull(repo, number)
    found.draft = False
    ctx.touch(issue)
    return issue, found


def merge(ctx: Context, repo: Repo, number: int, by: str, title: str | None = None) -> str:
    """The merge commit on the base branch; 405 when GitHub would refuse the merge."""
    issue, found = pull(repo, number)
    if found.merged_at is not None or issue.state != "open" or found.draft:
        why = "Pull Request is in draft state" if found.draft else "Pull Request is not mergeable"
        raise HTTPError(405, {"message": why, "documentation_url": MERGE_DOCS, "status": "405"})
    now = ctx.now()
    message = title or f"Merge pull request #{number} from {repo.owner}/{found.head_ref}"
    parents = [repo.git.branches[found.base_ref], found.head_sha]
    made = repo.git.commit(f"{message}\n\n{issue.title}", by, now, parents)
    repo.git.branches[found.base_ref] = made.sha
    found.merged_at, found.merge_commit_sha, found.merged_by = now, made.sha, by
    issue.state, issue.closed_at, issue.closed_by = "closed", now, by
    issue.updated_at = now
    if found.base_ref == DEFAULT_BRANCH:
        close_referenced(repo, f"{issue.title}\n{issue.body or ''}", made.sha, by, ctx)
    return made.sha


# GitHub's closing keywords, then `#N`, `owner/repo#N` or the issue's URL.
_CLOSES = re.compile(
    r"(?<![\w-])(?:close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved)\s*:?\s+"
    r"(?:https?://[^/\s]+/(?P<url_repo>[\w.-]+/[\w.-]+)/issues/(?P<url_number>\d+)"
    r"|(?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+))\b",
    re.IGNORECASE,
)


def close_referenced(repo: Repo, text: str, sha: str, by: str, ctx: Context) -> list[int]:
    """What GitHub does when a pull request merges into the default branch: every open issue
    of this repository it names with a closing keyword is closed (`completed`) by the merging
    user, logged as a `closed` event whose `commit_id` is the merge commit."""
    closed: list[int] = []
    for match in _CLOSES.finditer(text):
        named = match["url_repo"] or match["repo"] or repo.full_name
        if named.casefold() != repo.full_name.casefold():
            continue  # another repository's issue: not modelled here
        target = repo.issues.get(int(match["url_number"] or match["number"]))
        if target is None or target.is_pull_request or target.state != "open":
            continue
        now = ctx.now()
        target.state, target.state_reason = "closed", "completed"
        target.closed_at, target.closed_by, target.updated_at = now, by, now
        log_changes(ctx.ids, repo, target, now, by, commit_id=sha)
        closed.append(target.number)
    return closed


MERGE_DOCS = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"


def create_deployment(
    ctx: Context,
    repo: Repo,
    *,
    ref: str,
    environment: str,
    user: str,
    task: str = "deploy",
    description: str | None = None,
    payload: dict[str, Any] | None = None,
    production: bool | None = None,
    transient: bool = False,
) -> Deployment:
    ensure_default_branch(ctx, repo)
    sha = repo.git.resolve(ref)
    if sha is None:
        raise HTTPError(
            422,
            {
                "message": f"No ref found for: {ref}",
                "documentation_url": "https://docs.github.com/rest/deployments/deployments",
                "status": "422",
            },
        )
    now = ctx.now()
    ensure_environment(ctx, repo, environment)
    deployment_id = ctx.ids.take()
    made = Deployment(
        id=deployment_id,
        node_id=node_id("DE", deployment_id),
        sha=sha,
        ref=ref,
        task=task,
        environment=environment,
        description=description,
        creator=user,
        created_at=now,
        updated_at=now,
        payload=dict(payload or {}),
        production_environment=environment == "production" if production is None else production,
        transient_environment=transient,
    )
    repo.deployments[made.id] = made
    return made


def ensure_environment(ctx: Context, repo: Repo, name: str) -> Environment:
    """The repository's environment of that name (any case), made on first use."""
    found = repo.environments.get(name.casefold())
    if found is None:
        now, environment_id = ctx.now(), ctx.ids.take()
        found = Environment(environment_id, node_id("EN", environment_id), name, now, now)
        repo.environments[name.casefold()] = found
    return found


def deployment(repo: Repo, deployment_id: str | int) -> Deployment:
    try:
        found = repo.deployments.get(int(deployment_id))
    except ValueError:
        found = None
    if found is None:
        raise not_found()
    return found


def add_status(
    ctx: Context,
    repo: Repo,
    found: Deployment,
    *,
    state: str,
    user: str,
    description: str = "",
    log_url: str = "",
    environment_url: str = "",
    environment: str | None = None,
) -> DeploymentStatus:
    if state not in STATUS_STATES:
        raise invalid("DeploymentStatus", "state")
    status_id = ctx.ids.take()
    now = ctx.now()
    made = DeploymentStatus(
        status_id,
        node_id("DES", status_id),
        state,
        description,
        environment or found.environment,
        user,
        now,
        log_url,
        environment_url,
    )
    found.statuses.append(made)
    found.updated_at = now
    return made


def create_release(
    ctx: Context,
    repo: Repo,
    *,
    tag_name: str,
    target: str,
    user: str,
    name: str | None = None,
    body: str | None = None,
    draft: bool = False,
    prerelease: bool = False,
) -> Release:
    ensure_default_branch(ctx, repo)
    if any(r.tag_name == tag_name for r in repo.releases.values()):
        raise invalid("Release", "tag_name", "already_exists")
    if tag_name not in repo.git.tags:
        sha = repo.git.resolve(target)
        if sha is None:
            raise invalid("Release", "target_commitish")
        if not draft:  # a draft release creates its tag only when published
            repo.git.tags[tag_name] = sha
    now = ctx.now()
    release_id = ctx.ids.take()
    made = Release(
        release_id,
        node_id("RE", release_id),
        tag_name,
        target,
        name,
        body,
        draft,
        prerelease,
        user,
        now,
        None if draft else now,
    )
    repo.releases[made.id] = made
    return made
