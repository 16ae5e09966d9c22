"""The world a new fake starts with: an org, its repos (default labels, a few PRs), projects."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.testing.fake_github.common import Context
from tracker_bridge.testing.fake_github.delivery_ops import push
from tracker_bridge.testing.fake_github.delivery_state import PullRequest
from tracker_bridge.testing.fake_github.projects import STAGE_OPTIONS, Project, new_project
from tracker_bridge.testing.fake_github.state import (
    DEFAULT_ISSUE_TYPES,
    Issue,
    IssueType,
    Label,
    Repo,
    User,
    node_id,
)

# The labels GitHub gives every new repository.
DEFAULT_LABELS = (
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
)
TYPE_STYLE = {
    "Task": ("yellow", "A specific piece of work"),
    "Bug": ("red", "An unexpected problem or behavior"),
    "Feature": ("blue", "A request, idea, or new functionality"),
}
PULL_TITLES = ("Add CI workflow", "Bump dependencies", "Refactor data loader", "Fix typo")


def add_user(ctx: Context, login: str, kind: str = "User") -> User:
    """A GitHub account (not yet a collaborator); the existing one if the login is taken."""
    if login in ctx.state.users:
        return ctx.state.users[login]
    return _user(ctx, login, kind)


def add_collaborator(ctx: Context, login: str) -> User:
    person = add_user(ctx, login)
    if person.kind != "User":
        raise ValueError(f"{login!r} is an organisation; only users can be collaborators")
    if login not in ctx.state.collaborators:
        ctx.state.collaborators.append(login)
    return person


def _user(ctx: Context, login: str, kind: str = "User") -> User:
    person_id = ctx.ids.take()
    prefix = "O" if kind == "Organization" else "U"
    person = User(login, person_id, node_id(prefix, person_id), kind, login.title())
    ctx.state.users[login] = person
    return person


def populate(
    ctx: Context,
    projects: list[Project],
    *,
    owner: str,
    repos: Sequence[str],
    collaborators: Sequence[str],
    issue_types: bool | Sequence[str],
    with_projects: bool,
    pull_requests: int,
    status: tuple[str, ...] = STAGE_OPTIONS,
) -> None:
    now = ctx.now()
    _user(ctx, owner, "Organization")
    for login in (ctx.viewer, *collaborators):
        add_collaborator(ctx, login)
    names = DEFAULT_ISSUE_TYPES if issue_types is True else tuple(issue_types or ())
    for name in names:
        type_id = ctx.ids.take()
        color, text = TYPE_STYLE.get(name, ("gray", f"{name} work"))
        ctx.state.issue_types[name.lower()] = IssueType(
            type_id, node_id("IT", type_id), name, text, color, now
        )
    for name in repos:
        repo_id = ctx.ids.take()
        repo = Repo(repo_id, node_id("R", repo_id), owner, name, now, bool(names))
        ctx.state.repos[repo.full_name.lower()] = repo
        for label_name, color, text in DEFAULT_LABELS:
            label_id = ctx.ids.take()
            repo.labels[label_name] = Label(
                label_id, node_id("LA", label_id), label_name, color, text, True
            )
        for n in range(pull_requests):
            pull_id = ctx.ids.take()
            ctx.state.add_issue(
                repo,
                Issue(
                    id=pull_id,
                    node_id=node_id("PR", pull_id),
                    repo=repo.full_name,
                    number=repo.next_number,
                    title=PULL_TITLES[n % len(PULL_TITLES)],
                    body="Seeded pull request.",
                    user=collaborators[0] if collaborators else owner,
                    created_at=now,
                    updated_at=now,
                    is_pull_request=True,
                ),
            )
            branch = f"seeded-{repo.next_number}"
            head = push(ctx, repo, branch, PULL_TITLES[n % len(PULL_TITLES)], owner)
            repo.pulls[repo.next_number] = PullRequest(repo.next_number, branch, head)
            repo.next_number += 1
    if with_projects:
        projects.append(
            new_project(
                ctx.ids,
                ctx.rng,
                number=1,
                title=f"{owner} delivery",
                owner=owner,
                owner_kind="organization",
                now=now,
                status_names=status,
            )
        )
        projects.append(
            new_project(
                ctx.ids,
                ctx.rng,
                number=1,
                title="Personal board",
                owner=ctx.viewer,
                owner_kind="user",
                now=now,
                status_names=status,
            )
        )
