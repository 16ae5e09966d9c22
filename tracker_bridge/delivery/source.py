"""What an adapter offers to be a source of delivery facts (an optional capability: the
core finds it with `isinstance`, never by the adapter's name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from tracker_bridge.delivery.facts import Fact
from tracker_bridge.delivery.rules import DeliveryRules


@dataclass(frozen=True)
class Target:
    """A deployment or release whose history is searched for merge commits."""

    key: str
    ref: str  # a commit sha or a tag name
    at: datetime


@dataclass(frozen=True)
class DeliveryRead:
    facts: Sequence[Fact]
    cursor: str


@runtime_checkable
class DeliverySource(Protocol):
    tracker: str

    def delivery_rules(self) -> DeliveryRules | None:
        """None: delivery is switched off in this target's mapping."""

    def read_deliveries(self, cursor: str | None) -> DeliveryRead:
        """Pull requests, deployments (with their latest status) and releases changed since
        `cursor` (None: everything), and the cursor for next time."""

    def merges_reachable(
        self, targets: Sequence[Target], merges: Mapping[str, datetime]
    ) -> dict[str, frozenset[str]]:
        """For each target key: which of `merges` (merge sha -> merged at) its ref reaches."""

    def closing_commits(self, keys: Sequence[str]) -> dict[str, str | None]:
        """For each issue key: the commit that closed it (a merged pull request's closing
        keyword), or None when it was closed otherwise."""

    def owns_repo(self, full_name: str) -> bool:
        """True if deployments and releases of `full_name` are read here."""
