"""Listing issues cheaply: conditional first page, Link pagination, budget-aware early stop.

The cursor is opaque text (JSON) carrying the `since` we queried with, the first page's
ETag (so an unchanged query costs one 304, also in a later run with a fresh adapter) and the
issues already seen at the overlap boundary (so the overlap never re-reports them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker_bridge.adapters.github.client import GitHubClient
from tracker_bridge.tracker import AdapterError

NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
PREFIX = "gh1:"


@dataclass(frozen=True)
class Cursor:
    since: str | None = None
    """The `since` query value (UTC text) of the incremental query."""
    etag: str | None = None
    """ETag of that query's first page."""
    seen: Mapping[str, str] = field(default_factory=dict)
    """Issue number -> updated_at already reported inside the overlap window."""
    project_since: str | None = None
    """Projects mode: newest project item `updatedAt` already reported."""

    def encode(self) -> str:
        data = {"since": self.since, "etag": self.etag, "seen": dict(self.seen),
                "project_since": self.project_since}
        return PREFIX + json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        if not text.startswith(PREFIX):
            raise AdapterError("this sync cursor was not written by the GitHub adapter; reset it")
        try:
            data = json.loads(text[len(PREFIX):])
            return cls(data.get("since"), data.get("etag"), dict(data.get("seen") or {}),
                       data.get("project_since"))
        except (ValueError, AttributeError):
            raise AdapterError("the GitHub sync cursor is damaged; reset it") from None


@dataclass
class Listing:
    issues: list[dict[str, Any]]
    etag: str | None
    not_modified: bool = False
    complete: bool = True


def list_issues(
    client: GitHubClient,
    repo_path: str,
    params: Mapping[str, Any],
    *,
    etag: str | None = None,
    reserve: int = 0,
    missing: str = "",
) -> Listing:
    """Every issue (pull requests dropped) the query matches, in the order GitHub sends them."""
    url: str | None = f"{repo_path}/issues"
    query: Mapping[str, Any] | None = {"per_page": 100, **params}
    headers = {"If-None-Match": etag} if etag else {}
    listing = Listing([], None)
    first = True
    while url:
        reply = client.rest("GET", url, params=query, headers=headers)
        if reply.status == 304:
            return Listing([], etag, not_modified=True)
        if reply.status == 404:
            raise AdapterError(missing or f"{repo_path} not found")
        if reply.status != 200 or not isinstance(reply.data, list):
            raise AdapterError(f"GitHub answered {reply.status} listing issues of {repo_path}")
        if first:
            listing.etag = _header(reply.headers, "etag")
            first = False
        listing.issues += [raw for raw in reply.data if "pull_request" not in raw]
        found = NEXT.search(_header(reply.headers, "link") or "")
        url, query, headers = (found.group(1) if found else None), None, {}
        # Keep the reserve of the primary budget: stop cleanly, the caller resumes later.
        if url and client.remaining is not None and client.remaining <= reserve:
            listing.complete = False
            break
    return listing


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
