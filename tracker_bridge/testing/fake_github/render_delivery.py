"""JSON for pull requests, commits, deployments, deployment statuses, releases and tags, in
the shapes of GitHub's REST description (trimmed of the many `*_url` links nobody reads,
but every key a client branches on is there: `draft`, `merged_at`, `merge_commit_sha`,
`head.ref`/`head.sha`, `base.ref`, `state`, `environment`, `sha`, `published_at`)."""

from __future__ import annotations

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.delivery_state import (
    Commit,
    Deployment,
    DeploymentStatus,
    PullRequest,
    Release,
)
from tracker_bridge.testing.fake_github.state import GitHubState, Issue, Repo, iso

Json = render.Json


def pull_request(
    base: str, state: GitHubState, repo: Repo, issue: Issue, pull: PullRequest
) -> Json:
    api = f"{base}/repos/{repo.full_name}/pulls/{pull.number}"
    html = f"{base}/{repo.full_name}/pull/{pull.number}"
    author = render.user(base, state.users[issue.user])
    owner = state.users.get(repo.owner)
    merged = pull.merged_at is not None
    return {
        "url": api,
        "id": issue.id,
        "node_id": issue.node_id,
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{base}/repos/{repo.full_name}/issues/{pull.number}",
        "commits_url": f"{api}/commits",
        "statuses_url": f"{base}/repos/{repo.full_name}/statuses/{pull.head_sha}",
        "number": pull.number,
        "state": issue.state,
        "locked": False,
        "title": issue.title,
        "user": author,
        "body": issue.body,
        "labels": [render.label(base, repo, repo.labels[n.lower()]) for n in issue.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at),
        "merged_at": iso(pull.merged_at),
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch(base, state, repo, pull.head_ref, pull.head_sha, owner),
        "base": _branch(
            base, state, repo, pull.base_ref, repo.git.branches.get(pull.base_ref, ""), owner
        ),
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": pull.draft,
        "merged": merged,
        "merged_by": render.user(base, state.users[pull.merged_by]) if pull.merged_by else None,
    }


def _branch(base: str, state: GitHubState, repo: Repo, ref: str, sha: str, owner: object) -> Json:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": render.user(base, state.users[repo.owner]) if owner else None,
        "repo": {"id": repo.id, "name": repo.name, "full_name": repo.full_name},
    }


def commit(base: str, repo: Repo, found: Commit) -> Json:
    api = f"{base}/repos/{repo.full_name}/commits/{found.sha}"
    person = {"name": found.author, "email": f"{found.author}@example.com", "date": iso(found.at)}
    return {
        "sha": found.sha,
        "node_id": f"C_{found.sha[:20]}",
        "url": api,
        "html_url": f"{base}/{repo.full_name}/commit/{found.sha}",
        "commit": {
            "author": person,
            "committer": person,
            "message": found.message,
            "tree": {"sha": found.sha[::-1], "url": f"{api}/tree"},
        },
        "parents": [
            {"sha": p, "url": f"{base}/repos/{repo.full_name}/commits/{p}"} for p in found.parents
        ],
    }


def deployment(base: str, state: GitHubState, repo: Repo, found: Deployment) -> Json:
    api = f"{base}/repos/{repo.full_name}/deployments/{found.id}"
    return {
        "url": api,
        "id": found.id,
        "node_id": found.node_id,
        "sha": found.sha,
        "ref": found.ref,
        "task": found.task,
        "payload": dict(found.payload),
        "original_environment": found.environment,
        "environment": found.environment,
        "description": found.description,
        "creator": render.user(base, state.users[found.creator]),
        "created_at": iso(found.created_at),
        "updated_at": iso(found.updated_at),
        "statuses_url": f"{api}/statuses",
        "repository_url": f"{base}/repos/{repo.full_name}",
        "transient_environment": found.transient_environment,
        "production_environment": found.production_environment,
        "performed_via_github_app": None,
    }


def deployment_status(
    base: str, state: GitHubState, repo: Repo, found: Deployment, status: DeploymentStatus
) -> Json:
    api = f"{base}/repos/{repo.full_name}/deployments/{found.id}"
    return {
        "url": f"{api}/statuses/{status.id}",
        "id": status.id,
        "node_id": status.node_id,
        "state": status.state,
        "creator": render.user(base, state.users[status.creator]),
        "description": status.description,
        "environment": status.environment,
        "target_url": status.log_url,
        "created_at": iso(status.created_at),
        "updated_at": iso(status.created_at),
        "deployment_url": api,
        "repository_url": f"{base}/repos/{repo.full_name}",
        "environment_url": status.environment_url,
        "log_url": status.log_url,
        "performed_via_github_app": None,
    }


def release(base: str, state: GitHubState, repo: Repo, found: Release) -> Json:
    api = f"{base}/repos/{repo.full_name}/releases/{found.id}"
    return {
        "url": api,
        "html_url": f"{base}/{repo.full_name}/releases/tag/{found.tag_name}",
        "assets_url": f"{api}/assets",
        "upload_url": f"{api}/assets{{?name,label}}",
        "tarball_url": f"{base}/repos/{repo.full_name}/tarball/{found.tag_name}",
        "zipball_url": f"{base}/repos/{repo.full_name}/zipball/{found.tag_name}",
        "id": found.id,
        "node_id": found.node_id,
        "tag_name": found.tag_name,
        "target_commitish": found.target_commitish,
        "name": found.name,
        "body": found.body,
        "draft": found.draft,
        "prerelease": found.prerelease,
        "created_at": iso(found.created_at),
        "published_at": iso(found.published_at),
        "author": render.user(base, state.users[found.author]),
        "assets": [],
    }


def tag(base: str, repo: Repo, name: str, sha: str) -> Json:
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{base}/repos/{repo.full_name}/commits/{sha}"},
        "zipball_url": f"{base}/repos/{repo.full_name}/zipball/refs/tags/{name}",
        "tarball_url": f"{base}/repos/{repo.full_name}/tarball/refs/tags/{name}",
        "node_id": f"REF_{sha[:16]}",
    }
