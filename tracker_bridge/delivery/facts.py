"""Delivery facts: what happened to the code (a pull request opened or merged, a deployment
that succeeded in an environment, a release published), whichever way we learned it
(a webhook, the nightly REST read, `tracker-bridge delivered`). Plain values, JSON both ways
so the store can keep them, and a merge rule so two sightings of one fact keep the most."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

Kind = Literal["pull", "deployment", "release"]


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


@dataclass(frozen=True)
class PullRequest:
    repo: str  # "owner/name"
    number: int
    title: str
    body: str
    branch: str
    draft: bool
    opened_at: datetime
    ready_at: datetime | None = None
    """When it was opened ready or marked ready for review (None while a draft)."""
    merged_at: datetime | None = None
    merge_sha: str | None = None

    @property
    def key(self) -> str:
        return f"pull:{self.repo.lower()}#{self.number}"

    def merge(self, other: PullRequest) -> PullRequest:
        """The same pull request seen twice: keep what either sighting knows."""
        newest = other if other.merged_at or not self.merged_at else self
        return replace(
            newest,
            ready_at=_earliest(self.ready_at, other.ready_at),
            merged_at=self.merged_at or other.merged_at,
            merge_sha=self.merge_sha or other.merge_sha,
        )


@dataclass(frozen=True)
class Deployment:
    """A deployment to `environment` and its latest state. `sha` is the deployed commit;
    `contains` the merge commits known to be reachable from it (filled by whoever can read
    the commit graph); `items` names work items directly (`delivered --items`)."""

    source: str  # "github:acme/repo", or "cli"
    id: str
    environment: str
    sha: str
    state: str  # success, failure, in_progress, ...
    at: datetime  # when it reached `state`
    contains: frozenset[str] = frozenset()
    checked: frozenset[str] = frozenset()
    """Merge commits already looked for in this deployment's history (found or not)."""
    items: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return f"deployment:{self.source}:{self.id}"

    @property
    def succeeded(self) -> bool:
        return self.state == "success"

    def merge(self, other: Deployment) -> Deployment:
        # A success is final for delivery: a later "inactive" (superseded) does not undo it.
        keep = self if self.succeeded and not other.succeeded else other
        if self.succeeded and other.succeeded:
            keep = self if self.at <= other.at else other
        return replace(
            keep,
            contains=self.contains | other.contains,
            checked=self.checked | other.checked,
            items=self.items | other.items,
        )


@dataclass(frozen=True)
class Release:
    repo: str
    id: str
    tag: str
    sha: str
    published_at: datetime | None
    draft: bool = False
    prerelease: bool = False
    contains: frozenset[str] = frozenset()
    checked: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return f"release:{self.repo.lower()}:{self.id}"

    def merge(self, other: Release) -> Release:
        return replace(
            other, contains=self.contains | other.contains, checked=self.checked | other.checked
        )


Fact = PullRequest | Deployment | Release


@dataclass
class Facts:
    """Every fact known for a project, by key."""

    pulls: dict[str, PullRequest] = field(default_factory=dict)
    deployments: dict[str, Deployment] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)

    def add(self, fact: Fact) -> Fact:
        """Add or merge; the fact as now known."""
        table: dict[str, Any] = self._table(fact)
        known = table.get(fact.key)
        merged = known.merge(fact) if known is not None else fact
        table[fact.key] = merged
        return merged

    def extend(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.add(fact)

    def _table(self, fact: Fact) -> dict[str, Any]:
        if isinstance(fact, PullRequest):
            return self.pulls
        if isinstance(fact, Deployment):
            return self.deployments
        return self.releases

    def merged_pulls(self) -> list[PullRequest]:
        return [p for p in self.pulls.values() if p.merge_sha and p.merged_at]


# -- JSON for the store ----------------------------------------------------------------------
def to_json(fact: Fact) -> dict[str, Any]:
    if isinstance(fact, PullRequest):
        return {
            "kind": "pull",
            "repo": fact.repo,
            "number": fact.number,
            "title": fact.title,
            "body": fact.body,
            "branch": fact.branch,
            "draft": fact.draft,
            "opened_at": _iso(fact.opened_at),
            "ready_at": _iso(fact.ready_at),
            "merged_at": _iso(fact.merged_at),
            "merge_sha": fact.merge_sha,
        }
    if isinstance(fact, Deployment):
        return {
            "kind": "deployment",
            "source": fact.source,
            "id": fact.id,
            "environment": fact.environment,
            "sha": fact.sha,
            "state": fact.state,
            "at": _iso(fact.at),
            "contains": sorted(fact.contains),
            "checked": sorted(fact.checked),
            "items": sorted(fact.items),
        }
    return {
        "kind": "release",
        "repo": fact.repo,
        "id": fact.id,
        "tag": fact.tag,
        "sha": fact.sha,
        "published_at": _iso(fact.published_at),
        "draft": fact.draft,
        "prerelease": fact.prerelease,
        "contains": sorted(fact.contains),
        "checked": sorted(fact.checked),
    }


def from_json(data: Mapping[str, Any]) -> Fact:
    kind = data["kind"]
    if kind == "pull":
        opened = _time(data["opened_at"])
        assert opened is not None
        return PullRequest(
            data["repo"],
            int(data["number"]),
            data["title"],
            data["body"],
            data["branch"],
            bool(data["draft"]),
            opened,
            _time(data.get("ready_at")),
            _time(data.get("merged_at")),
            data.get("merge_sha"),
        )
    if kind == "deployment":
        at = _time(data["at"])
        assert at is not None
        return Deployment(
            data["source"],
            str(data["id"]),
            data["environment"],
            data["sha"],
            data["state"],
            at,
            frozenset(data.get("contains") or ()),
            frozenset(data.get("checked") or ()),
            frozenset(data.get("items") or ()),
        )
    return Release(
        data["repo"],
        str(data["id"]),
        data["tag"],
        data["sha"],
        _time(data.get("published_at")),
        bool(data.get("draft")),
        bool(data.get("prerelease")),
        frozenset(data.get("contains") or ()),
        frozenset(data.get("checked") or ()),
    )


def fact_time(fact: Fact) -> datetime:
    """The time a fact is filed under (for pruning and ordering)."""
    if isinstance(fact, PullRequest):
        return fact.merged_at or fact.ready_at or fact.opened_at
    if isinstance(fact, Deployment):
        return fact.at
    return fact.published_at or datetime.now(UTC)
