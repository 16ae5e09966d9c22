"""State → the JSON GitHub's REST API answers with (keys, types and nesting as the real one).

URLs are built from the fake's own base URL, because PyGithub follows them (pagination,
lazy completion) and only keeps their path.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from tracker_bridge.testing.fake_github.state import (
    Comment,
    GitHubState,
    Issue,
    IssueType,
    Label,
    Milestone,
    Repo,
    User,
    iso,
)

Json = dict[str, Any]
DOCS = "https://docs.github.com/rest"


def user(base: str, person: User) -> Json:
    login = person.login
    api = f"{base}/users/{login}"
    return {
        "login": login,
        "id": person.id,
        "node_id": person.node_id,
        "avatar_url": f"{base}/avatars/{login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{base}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": person.kind,
        "user_view_type": "public",
        "site_admin": False,
    }


ACCOUNTS_SINCE = "2015-06-01T09:00:00Z"  # the fake keeps no sign-up dates: one for everyone


def full_user(base: str, state: GitHubState, person: User) -> Json:
    """`GET /users/{login}`: the public profile (what PyGithub completes `user.name` from)."""
    owned = [r for r in state.repos.values() if r.owner == person.login]
    return {
        **user(base, person),
        "name": person.name,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": len(owned),
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": ACCOUNTS_SINCE,
        "updated_at": ACCOUNTS_SINCE,
    }


def organization(base: str, state: GitHubState, org: User) -> Json:
    """`GET /orgs/{org}`: an organisation's public profile."""
    api = f"{base}/orgs/{org.login}"
    owned = [r for r in state.repos.values() if r.owner == org.login]
    return {
        "login": org.login,
        "id": org.id,
        "node_id": org.node_id,
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": f"{base}/avatars/{org.login}",
        "description": None,
        "name": org.name,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "twitter_username": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": len(owned),
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{base}/{org.login}",
        "created_at": ACCOUNTS_SINCE,
        "updated_at": ACCOUNTS_SINCE,
        "archived_at": None,
        "type": "Organization",
    }


def label(base: str, repo: Repo, item: Label) -> Json:
    return {
        "id": item.id,
        "node_id": item.node_id,
        "url": f"{base}/repos/{repo.full_name}/labels/{quote(item.name)}",
        "name": item.name,
        "color": item.color,
        "default": item.default,
        "description": item.description,
    }


def milestone(base: str, state: GitHubState, repo: Repo, item: Milestone) -> Json:
    api = f"{base}/repos/{repo.full_name}/milestones/{item.number}"
    members = [i for i in repo.issues.values() if i.milestone == item.number]
    return {
        "url": api,
        "html_url": f"{base}/{repo.full_name}/milestone/{item.number}",
        "labels_url": f"{api}/labels",
        "id": item.id,
        "node_id": item.node_id,
        "number": item.number,
        "title": item.title,
        "description": item.description,
        "creator": user(base, state.users[repo.owner]),
        "open_issues": sum(1 for i in members if i.state == "open"),
        "closed_issues": sum(1 for i in members if i.state == "closed"),
        "state": item.state,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "due_on": iso(item.due_on),
        "closed_at": iso(item.closed_at),
    }


def issue_type(item: IssueType) -> Json:
    return {
        "id": item.id,
        "node_id": item.node_id,
        "name": item.name,
        "description": item.description,
        "color": item.color,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.created_at),
        "is_enabled": True,
    }


def comment(base: str, state: GitHubState, repo: Repo, item: Comment) -> Json:
    return {
        "url": f"{base}/repos/{repo.full_name}/issues/comments/{item.id}",
        "html_url": f"{base}/{repo.full_name}/issues/{item.issue_number}#issuecomment-{item.id}",
        "issue_url": f"{base}/repos/{repo.full_name}/issues/{item.issue_number}",
        "id": item.id,
        "node_id": item.node_id,
        "user": user(base, state.users[item.user]),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "author_association": "OWNER" if item.user == repo.owner else "MEMBER",
        "body": item.body,
        "reactions": _reactions(f"{base}/repos/{repo.full_name}/issues/comments/{item.id}"),
        "performed_via_github_app": None,
    }


def _reactions(url: str) -> Json:
    counts = dict.fromkeys(("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket"), 0)
    return {"url": f"{url}/reactions", "total_count": 0, **counts, "eyes": 0}


def issue(base: str, state: GitHubState, item: Issue) -> Json:
    repo = state.repos[item.repo.lower()]
    api = f"{base}/repos/{repo.full_name}/issues/{item.number}"
    people = [user(base, state.users[login]) for login in item.assignees]
    stone = repo.milestones.get(item.milestone) if item.milestone is not None else None
    parent = state.issues_by_id.get(item.parent_id) if item.parent_id is not None else None
    total = len(item.sub_issue_ids)
    done = state.completed_children(item)
    kind = state.issue_types.get(item.type.lower()) if item.type else None
    body: Json = {
        "url": api,
        "repository_url": f"{base}/repos/{repo.full_name}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{base}/{repo.full_name}/{'pull' if item.is_pull_request else 'issues'}"
        f"/{item.number}",
        "id": item.id,
        "node_id": item.node_id,
        "number": item.number,
        "title": item.title,
        "user": user(base, state.users[item.user]),
        "labels": [label(base, repo, repo.labels[name.lower()]) for name in item.labels],
        "state": item.state,
        "locked": False,
        "assignee": people[0] if people else None,
        "assignees": people,
        "milestone": milestone(base, state, repo, stone) if stone else None,
        "comments": item.comment_count,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at),
        "author_association": "OWNER" if item.user == repo.owner else "MEMBER",
        "type": issue_type(kind) if kind else None,
        "active_lock_reason": None,
        "sub_issues_summary": {
            "total": total,
            "completed": done,
            "percent_completed": (done * 100) // total if total else 0,
        },
        "issue_dependencies_summary": {
            "blocked_by": 0,
            "total_blocked_by": 0,
            "blocking": 0,
            "total_blocking": 0,
        },
        "body": item.body,
        "closed_by": user(base, state.users[item.closed_by]) if item.closed_by else None,
        "reactions": _reactions(api),
        "timeline_url": f"{api}/timeline",
        "performed_via_github_app": None,
        "state_reason": item.state_reason,
        "parent_issue_url": (
            f"{base}/repos/{parent.repo}/issues/{parent.number}" if parent is not None else None
        ),
    }
    if item.is_pull_request:
        pulls = f"{base}/repos/{repo.full_name}/pulls/{item.number}"
        html = f"{base}/{repo.full_name}/pull/{item.number}"
        body["draft"] = False
        body["pull_request"] = {
            "url": pulls,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": None,
        }
    return body


def repository(base: str, state: GitHubState, repo: Repo) -> Json:
    """Every key GitHub's description marks required for a repository, plus the full answer's
    extras (`permissions`, `organization`, counts), so lazy clients never complete a miss."""
    api = f"{base}/repos/{repo.full_name}"
    html = f"{base}/{repo.full_name}"
    host = urlsplit(base).netloc
    open_count = sum(1 for i in repo.issues.values() if i.state == "open")
    owner = state.users[repo.owner]
    body: Json = {
        "id": repo.id,
        "node_id": repo.node_id,
        "name": repo.name,
        "full_name": repo.full_name,
        "private": False,
        "owner": user(base, owner),
        "html_url": html,
        "description": None,
        "fork": False,
        "url": api,
        **{f"{name}_url": f"{api}/{path}" for name, path in _REPO_LINKS},
        "created_at": iso(repo.created_at),
        "updated_at": iso(repo.created_at),
        "pushed_at": iso(repo.created_at),
        "git_url": f"git://{host}/{repo.full_name}.git",
        "ssh_url": f"git@{host}:{repo.full_name}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "homepage": None,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": None,
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": open_count,
        "license": None,
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": [],
        "visibility": "public",
        "forks": 0,
        "open_issues": open_count,
        "watchers": 0,
        "default_branch": "main",
        "permissions": {
            "admin": True,
            "maintain": True,
            "push": True,
            "triage": True,
            "pull": True,
        },
        "temp_clone_token": "",
        "allow_squash_merge": True,
        "allow_merge_commit": True,
        "allow_rebase_merge": True,
        "allow_auto_merge": False,
        "delete_branch_on_merge": False,
        "allow_update_branch": False,
        "use_squash_pr_title_as_default": False,
        "squash_merge_commit_message": "COMMIT_MESSAGES",
        "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
        "merge_commit_message": "PR_TITLE",
        "merge_commit_title": "MERGE_MESSAGE",
        "custom_properties": {},
        "security_and_analysis": {
            "secret_scanning": {"status": "enabled"},
            "secret_scanning_push_protection": {"status": "enabled"},
            "dependabot_security_updates": {"status": "disabled"},
        },
        "network_count": 0,
        "subscribers_count": 0,
    }
    if owner.kind == "Organization":
        body["organization"] = user(base, owner)
    return body


# (key prefix, path under /repos/{owner}/{repo}) for the `*_url` templates GitHub sends.
_REPO_LINKS = (
    ("forks", "forks"),
    ("keys", "keys{/key_id}"),
    ("collaborators", "collaborators{/collaborator}"),
    ("teams", "teams"),
    ("hooks", "hooks"),
    ("issue_events", "issues/events{/number}"),
    ("events", "events"),
    ("assignees", "assignees{/user}"),
    ("branches", "branches{/branch}"),
    ("tags", "tags"),
    ("blobs", "git/blobs{/sha}"),
    ("git_tags", "git/tags{/sha}"),
    ("git_refs", "git/refs{/sha}"),
    ("trees", "git/trees{/sha}"),
    ("statuses", "statuses/{sha}"),
    ("languages", "languages"),
    ("stargazers", "stargazers"),
    ("contributors", "contributors"),
    ("subscribers", "subscribers"),
    ("subscription", "subscription"),
    ("commits", "commits{/sha}"),
    ("git_commits", "git/commits{/sha}"),
    ("comments", "comments{/number}"),
    ("issue_comment", "issues/comments{/number}"),
    ("contents", "contents/{+path}"),
    ("compare", "compare/{base}...{head}"),
    ("merges", "merges"),
    ("archive", "{archive_format}{/ref}"),
    ("downloads", "downloads"),
    ("issues", "issues{/number}"),
    ("pulls", "pulls{/number}"),
    ("milestones", "milestones{/number}"),
    ("notifications", "notifications{?since,all,participating}"),
    ("labels", "labels{/name}"),
    ("releases", "releases{/id}"),
    ("deployments", "deployments"),
)


def error(message: str, status: int, doc: str = DOCS) -> Json:
    return {"message": message, "documentation_url": doc, "status": str(status)}
