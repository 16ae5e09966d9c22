"""What the fake GitHub remembers about delivery: commits and branches, pull requests,
deployments with their statuses, releases. Plain dataclasses, no HTTP (see `state.py`).

The commit graph is the smallest one that behaves like git for delivery: a branch is a name
for a head commit, a commit knows its parents, and merging a pull request adds one merge
commit on the base branch (parents: the base head, then the pull request's head), whose sha
is the pull request's `merge_commit_sha`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

DEFAULT_BRANCH = "main"


@dataclass
class Commit:
    sha: str
    message: str
    author: str
    at: datetime
    parents: list[str] = field(default_factory=list)


@dataclass
class PullRequest:
    """The pull-request half of an issue whose `is_pull_request` is true (same number)."""

    number: int
    head_ref: str
    head_sha: str
    base_ref: str = DEFAULT_BRANCH
    draft: bool = False
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None
    merged_by: str | None = None


@dataclass
class DeploymentStatus:
    id: int
    node_id: str
    state: str  # error | failure | inactive | in_progress | queued | pending | success
    description: str
    environment: str
    creator: str
    created_at: datetime
    log_url: str = ""
    environment_url: str = ""


@dataclass
class Deployment:
    id: int
    node_id: str
    sha: str
    ref: str
    task: str
    environment: str
    description: str | None
    creator: str
    created_at: datetime
    updated_at: datetime
    payload: dict[str, object] = field(default_factory=dict)
    production_environment: bool = False
    transient_environment: bool = False
    statuses: list[DeploymentStatus] = field(default_factory=list)


@dataclass
class Release:
    id: int
    node_id: str
    tag_name: str
    target_commitish: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    author: str
    created_at: datetime
    published_at: datetime | None


@dataclass
class Git:
    """One repository's branches (name -> head sha), commits and tags (name -> sha)."""

    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def commit(self, message: str, author: str, at: datetime, parents: list[str]) -> Commit:
        seed = f"{message}\0{author}\0{at.isoformat()}\0{','.join(parents)}\0{len(self.commits)}"
        sha = hashlib.sha1(seed.encode()).hexdigest()
        made = Commit(sha, message, author, at, list(parents))
        self.commits[sha] = made
        return made

    def resolve(self, ref: str) -> str | None:
        """A branch, a tag, or a (possibly abbreviated, at least 7 digits) commit sha."""
        if ref in self.branches:
            return self.branches[ref]
        if ref in self.tags:
            return self.tags[ref]
        if ref in self.commits:
            return ref
        if len(ref) >= 7:
            found = [sha for sha in self.commits if sha.startswith(ref.lower())]
            if len(found) == 1:
                return found[0]
        return None

    def reachable(self, sha: str) -> Iterator[Commit]:
        """Commits reachable from `sha`, newest first (by commit time, then walk order),
        as `git log` lists them."""
        seen: set[str] = set()
        stack = [sha]
        found: list[Commit] = []
        while stack:
            current = stack.pop()
            if current in seen or current not in self.commits:
                continue
            seen.add(current)
            commit = self.commits[current]
            found.append(commit)
            stack.extend(reversed(commit.parents))
        order = {c.sha: n for n, c in enumerate(found)}
        yield from sorted(found, key=lambda c: (-c.at.timestamp(), order[c.sha]))


@dataclass
class Environment:
    """A deployment environment: made by the first deployment that names it (as GitHub does)
    or by `PUT /repos/{owner}/{repo}/environments/{name}`."""

    id: int
    node_id: str
    name: str
    created_at: datetime
    updated_at: datetime
