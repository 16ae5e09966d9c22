"""What the fake GitHub remembers: repositories, issues, labels, milestones, comments.

Plain dataclasses, no HTTP. The REST routes and the GraphQL resolvers both read and write
these, always while holding the server lock, so there are no races to reason about here.
"""

from __future__ import annotations

import base64
import random
import struct
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker_bridge.testing.fake_github.delivery_state import (
    Deployment,
    Environment,
    Git,
    PullRequest,
    Release,
)

# GitHub's default issue types for an organisation (what `issue_types=True` enables).
DEFAULT_ISSUE_TYPES = ("Task", "Bug", "Feature")
SUB_ISSUE_LIMIT = 100


def node_id(prefix: str, number: int) -> str:
    """An opaque, stable GraphQL node id such as `I_AAAAAAAPQkA` (prefixes as on GitHub)."""
    packed = base64.urlsafe_b64encode(struct.pack(">Q", number)).decode().rstrip("=")
    return f"{prefix}_{packed}"


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


@dataclass
class User:
    login: str
    id: int
    node_id: str
    kind: str = "User"  # or "Organization"
    name: str | None = None


@dataclass
class Label:
    id: int
    node_id: str
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class Milestone:
    id: int
    node_id: str
    number: int
    title: str
    description: str | None
    state: str
    due_on: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


@dataclass
class Comment:
    id: int
    node_id: str
    issue_number: int
    body: str
    user: str
    created_at: datetime
    updated_at: datetime


@dataclass
class IssueType:
    id: int
    node_id: str
    name: str
    description: str
    color: str
    created_at: datetime


@dataclass
class Issue:
    id: int
    node_id: str
    repo: str  # "owner/name"
    number: int
    title: str
    body: str | None
    user: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    labels: list[str] = field(default_factory=list)  # label names, in the order added
    assignees: list[str] = field(default_factory=list)
    milestone: int | None = None
    type: str | None = None
    is_pull_request: bool = False
    parent_id: int | None = None
    sub_issue_ids: list[int] = field(default_factory=list)
    comment_count: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    """The issue's one event log (`labeled`, `milestoned`, `closed` ...), see issue_events.py:
    REST's `/issues/{n}/events` and GraphQL's `timelineItems` both read it, as on GitHub."""
    logged: dict[str, Any] = field(default_factory=dict)
    """Labels, milestone and state as the event log last saw them (to log only changes)."""


@dataclass
class Repo:
    id: int
    node_id: str
    owner: str
    name: str
    created_at: datetime
    issue_types_enabled: bool = False
    labels: dict[str, Label] = field(default_factory=dict)  # by lower-cased name
    milestones: dict[int, Milestone] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    next_number: int = 1
    next_milestone: int = 1
    # Delivery (`delivery_state.py`): pull requests by number, deployments and releases by id.
    git: Git = field(default_factory=Git)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    deployments: dict[int, Deployment] = field(default_factory=dict)
    releases: dict[int, Release] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)  # by case-folded name

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class Ids:
    """Database ids: increasing, starting at a seed-dependent base so runs are reproducible."""

    def __init__(self, rng: random.Random) -> None:
        self.next = 1_000_000 + rng.randrange(1000) * 1000

    def take(self) -> int:
        self.next += 1
        return self.next

    def hex(self, rng: random.Random) -> str:
        return f"{rng.getrandbits(32):08x}"


@dataclass
class GitHubState:
    """Every repository, user and issue type the fake knows."""

    users: dict[str, User] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)  # by lower-cased "owner/name"
    issue_types: dict[str, IssueType] = field(default_factory=dict)  # by lower-cased name
    issues_by_id: dict[int, Issue] = field(default_factory=dict)
    issues_by_node: dict[str, Issue] = field(default_factory=dict)
    # Who can be assigned in the owner's repositories (push access): the token's user and
    # the collaborators. Other users exist (`GET /users/{login}`) but cannot be assigned.
    collaborators: list[str] = field(default_factory=list)
    removed: dict[tuple[str, int], str | None] = field(default_factory=dict)
    """(lower-cased repo, number) of issues deleted (None) or transferred (new "owner/repo#n");
    see `removals.py`."""

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def add_issue(self, repo: Repo, issue: Issue) -> Issue:
        repo.issues[issue.number] = issue
        self.issues_by_id[issue.id] = issue
        self.issues_by_node[issue.node_id] = issue
        return issue

    def issue_by_node(self, node: str) -> Issue | None:
        return self.issues_by_node.get(node)

    def completed_children(self, issue: Issue) -> int:
        return sum(1 for i in issue.sub_issue_ids if self.issues_by_id[i].state == "closed")
