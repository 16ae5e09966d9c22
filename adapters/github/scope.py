"""A target's scope on GitHub: label and milestone filters, read from the list payload.

Filtering here rather than in the query keeps one listing (and its cursor and ETag) for
marked and unmarked issues alike: a roadmap item's issue outside the scope is still ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tracker_bridge.adapters.github.translate import Json, parse_time
from tracker_bridge.tracker import AdapterError, RemoteItem

SCOPE_KEYS = frozenset({"labels", "milestone"})


@dataclass(frozen=True)
class IssueScope:
    labels: tuple[str, ...] = ()
    """Every one of these labels must be on the issue (case-insensitive, as GitHub compares)."""
    milestone: str | None = None
    """The issue's milestone title."""

    def contains(self, raw: Json) -> bool:
        have = {str(label["name"]).casefold() for label in raw.get("labels") or []}
        if any(label.casefold() not in have for label in self.labels):
            return False
        if self.milestone is not None:
            milestone = raw.get("milestone") or {}
            return bool(milestone.get("title") == self.milestone)
        return True

    def mark(self, raw: Json, item: RemoteItem) -> RemoteItem:
        """The translated issue with its scope and creation time."""
        created = raw.get("created_at")
        return replace(
            item,
            in_scope=self.contains(raw),
            created_at=parse_time(str(created)) if created else None,
        )


def issue_scope(tracker: str, scope: Mapping[str, Any]) -> IssueScope:
    unknown = sorted(set(scope) - SCOPE_KEYS)
    if unknown:
        raise AdapterError(
            f"{tracker}: a GitHub scope takes `labels` and `milestone`, not {', '.join(unknown)}"
        )
    milestone = scope.get("milestone")
    return IssueScope(
        tuple(str(label) for label in scope.get("labels") or ()),
        str(milestone) if milestone is not None else None,
    )
