"""Listing issues cheaply and without losing an edit: newest first, a conditional first page,
Link pagination, a budget-aware early stop that resumes where it stopped.

Why newest first (`sort=updated&direction=desc`): an edit moves its issue to the top, so any
change since the last read alters the first page and its ETag. Oldest first, an edit to an
issue beyond page 1 leaves page 1 as it was: a 304 on it would hide the edit. And while pages
are read, edits and creates only push issues down (read twice, dropped by `seen`), never up
past a page already read; an issue edited during the read alters the first page, so the
next pull reads it.

The cursor is opaque text (JSON) carrying the `since` we query with, the first page's ETag
(so an unchanged repository costs one 304, also in a later run with a fresh adapter, and also
when `since` moved after a change and the moved query's first page is what was read), what was
already reported inside the overlap window (so the overlap never re-reports it), where an
interrupted read goes on, and when (the server's `Date`) the last complete read began.

A later pull first sends one probe (`probe_repository`): the most recently updated issue or
pull request of the whole repository, one per page, so its `Link` counts them all. When that newest
update is older than the last read (less a margin for clocks), nothing was edited or created
since: the listing is skipped, and the same answer tells removals (`lifecycle.py`) that
nothing left either when the count is unchanged. The probe replaces the listing's 304 and the
removals fingerprint on a quiet night; a night with a change pays one request more.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from tracker_bridge.adapters.github.client import GitHubClient
from tracker_bridge.adapters.github.translate import ProjectValues, parse_time, utc_text
from tracker_bridge.tracker import AdapterError

NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
LAST_PAGE = re.compile(r'[?&]page=(\d+)[^>]*>;\s*rel="last"')
CLOCK_MARGIN = timedelta(seconds=60)
"""How much older than the last read the newest update must be for a probe to call the
repository unchanged: `Date` and `updated_at` come from different machines' clocks."""
PREFIX = "gh2:"
OLD_PREFIX = "gh1:"
"""Cursors of the oldest-first listing: only their `since` is kept (their ETag and `seen`
describe another query), so the first pull after an upgrade re-reads the overlap once."""


def fingerprint(raw: Mapping[str, Any]) -> str:
    """What an issue's translation reads, hashed. Not `updated_at`: GitHub keeps it to the
    second, so two edits within a second would look like one."""
    milestone = raw.get("milestone") or {}
    parts = [
        raw.get("title"), raw.get("body"), raw.get("state"), raw.get("state_reason"),
        sorted(str(label.get("name")) for label in raw.get("labels") or []),
        [str(person.get("login")) for person in raw.get("assignees") or []],
        [milestone.get("number"), milestone.get("title"), milestone.get("description")],
        (raw.get("type") or {}).get("name"), raw.get("parent_issue_url"),
    ]  # fmt: skip
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def board_fingerprint(values: ProjectValues) -> str:
    """What a board item's translation reads, hashed (Status, iteration, points): a move made
    on the board in the same second as the newest one already reported changes this, not
    the second its `updatedAt` is kept to."""
    parts = [values.status, values.iteration_id, values.iteration_start, values.points]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Cursor:
    since: str | None = None
    """The `since` query value (UTC text) of the incremental query."""
    etag: str | None = None
    """ETag of that query's first page, from the last complete read."""
    seen: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Issue number -> (updated_at, fingerprint) already reported, for issues updated at or
    after `since`."""
    project_since: str | None = None
    """Projects mode: newest project item `updatedAt` already reported."""
    project_seen: Mapping[str, str] = field(default_factory=dict)
    """Projects mode: issue number -> `board_fingerprint` of the board items whose
    `updatedAt` is `project_since`, as reported (GitHub keeps it to the second)."""
    resume_page: int | None = None
    """An interrupted read (rate-limit reserve) goes on at this page of the same query."""
    newest: str | None = None
    """Newest `updated_at` the interrupted read has seen so far."""
    read_at: str | None = None
    """The server's time (`Date`) when the last complete read began: a probe finding nothing
    updated since then skips the listing."""

    def reported(self, raw: Mapping[str, Any]) -> bool:
        found = self.seen.get(str(raw["number"]))
        return found is not None and found[1] == fingerprint(raw)

    def encode(self) -> str:
        data = {
            "since": self.since, "etag": self.etag,
            "seen": {number: list(pair) for number, pair in self.seen.items()},
            "project_since": self.project_since, "resume_page": self.resume_page,
            "newest": self.newest, "project_seen": dict(self.project_seen),
            "read_at": self.read_at,
        }  # fmt: skip
        return PREFIX + json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        old = text.startswith(OLD_PREFIX)
        if not old and not text.startswith(PREFIX):
            raise AdapterError("this sync cursor was not written by the GitHub adapter; reset it")
        try:
            data = json.loads(text[len(PREFIX):])
            if old:
                return cls(data.get("since"), project_since=data.get("project_since"))
            seen = {str(k): (str(v[0]), str(v[1])) for k, v in (data.get("seen") or {}).items()}
            page = data.get("resume_page")
            board = {str(k): str(v) for k, v in (data.get("project_seen") or {}).items()}
            return cls(data.get("since"), data.get("etag"), seen, data.get("project_since"),
                       board, int(page) if page is not None else None, data.get("newest"),
                       data.get("read_at"))
        except (ValueError, AttributeError, IndexError, TypeError):
            raise AdapterError("the GitHub sync cursor is damaged; reset it") from None

    def after(self, listing: Listing, overlap_seconds: int) -> Cursor:
        """The cursor once `listing` (read with this cursor) has been reported. It never moves
        past what was not read: an interrupted read keeps `since` and goes on at its next page."""
        if listing.not_modified:
            return self
        seen = {**self.seen, **{
            str(raw["number"]): (str(raw["updated_at"]), fingerprint(raw))
            for raw in reversed(listing.issues)  # the first (newest) copy of a repeated issue
        }}  # fmt: skip
        times = [str(raw["updated_at"]) for raw in listing.issues]
        times += [self.newest] if self.newest else []
        newest = max(times, default=None, key=parse_time)
        if not listing.complete:
            return replace(self, etag=None, seen=seen, resume_page=listing.next_page,
                           newest=newest)
        if newest is None:  # nothing updated since `since`
            return Cursor(self.since, listing.etag, seen, self.project_since, self.project_seen)
        since = parse_time(newest) - timedelta(seconds=overlap_seconds)
        if self.since is not None:
            since = max(since, parse_time(self.since))
        text = utc_text(since)
        kept = {n: pair for n, pair in seen.items() if parse_time(pair[0]) >= since}
        # A read from page 1 keeps its first page's ETag, also when `since` moved: ETags hash
        # the page's content and, newest first, any change after this read tops page 1, so a
        # 304 to the moved query still means "nothing new" (a 200 costs what it would have).
        whole = self.resume_page is None
        return Cursor(
            text, listing.etag if whole else None, kept, self.project_since, self.project_seen
        )


@dataclass
class Listing:
    issues: list[dict[str, Any]]
    etag: str | None
    not_modified: bool = False
    complete: bool = True
    next_page: int | None = None
    """Where an incomplete listing goes on."""
    date: datetime | None = None
    """The server's time (`Date`) of the first page's answer."""

    def unreported(self, cursor: Cursor) -> list[dict[str, Any]]:
        """Issues whose current values the cursor has not reported, each once."""
        fresh: dict[str, dict[str, Any]] = {}
        for raw in self.issues:
            if not cursor.reported(raw):
                fresh.setdefault(str(raw["number"]), raw)
        return list(fresh.values())


def list_issues(
    client: GitHubClient,
    repo_path: str,
    params: Mapping[str, Any],
    *,
    etag: str | None = None,
    reserve: int = 0,
    missing: str = "",
    start_page: int = 1,
) -> Listing:
    """Every issue (pull requests dropped) the query matches from `start_page` on, in the
    order GitHub sends them. The ETag is sent, and kept, for page 1 only."""
    url: str | None = f"{repo_path}/issues"
    query: Mapping[str, Any] | None = {"per_page": 100, **params}
    if start_page > 1:
        query = {"per_page": 100, **params, "page": start_page}
    headers = {"If-None-Match": etag} if etag and start_page == 1 else {}
    listing = Listing([], None)
    first = start_page == 1
    page = start_page
    while url:
        reply = client.rest("GET", url, params=query, headers=headers)
        if first:
            listing.date = server_date(reply.headers)
        if reply.status == 304:
            return Listing([], etag, not_modified=True, date=listing.date)
        if reply.status == 404:
            raise AdapterError(missing or f"{repo_path} not found")
        if reply.status != 200 or not isinstance(reply.data, list):
            raise AdapterError(f"GitHub answered {reply.status} listing issues of {repo_path}")
        found = NEXT.search(_header(reply.headers, "link") or "")
        if first:
            listing.etag = _header(reply.headers, "etag")
            if found and _one_second(reply.data):
                # A full page 1 updated all in one second (a bulk edit, or a read within that
                # second): an issue beyond it edited again in that same second keeps its
                # `updated_at` and its place, so page 1 and its ETag would not change. Read
                # again next time (fingerprints drop what was reported) instead of a 304.
                listing.etag = None
            first = False
        listing.issues += [raw for raw in reply.data if "pull_request" not in raw]
        url, query, headers = (found.group(1) if found else None), None, {}
        page += 1
        # Keep the reserve of the primary budget: stop cleanly, the caller resumes later.
        if url and client.remaining is not None and client.remaining <= reserve:
            listing.complete, listing.next_page = False, page
            break
    return listing


@dataclass(frozen=True)
class Probe:
    """The repository at a glance, from one request: how many issues and pull requests it
    holds, the newest `updated_at` among them, and the server's time of the answer."""

    total: int
    newest_update: datetime | None
    date: datetime | None

    def unchanged_since(self, moment: datetime) -> bool:
        """Nothing edited, created or transferred in since `moment` (each sets the item's
        `updated_at`)."""
        return settled_before(self.newest_update, moment)


def settled_before(newest_update: datetime | None, moment: datetime) -> bool:
    """The newest update came before `moment` by more than the clocks' margin."""
    return newest_update is None or newest_update < moment - CLOCK_MARGIN


def probe_repository(client: GitHubClient, repo_path: str) -> Probe | None:
    """None when the answer is not a listing (the full read then says why)."""
    params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 1}
    reply = client.rest("GET", f"{repo_path}/issues", params=params)
    if reply.status != 200 or not isinstance(reply.data, list):
        return None
    return Probe(
        count(reply.data, reply.headers),
        parse_time(str(reply.data[0]["updated_at"])) if reply.data else None,
        server_date(reply.headers),
    )


def count(page: list[Any], headers: Mapping[str, str]) -> int:
    """All items of a one-per-page listing: the last page's number, from `Link`."""
    last = LAST_PAGE.search(_header(headers, "link") or "")
    return int(last.group(1)) if last else len(page)


def server_date(headers: Mapping[str, str]) -> datetime | None:
    text = _header(headers, "date")
    try:
        moment = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else None


def _one_second(page: list[Any]) -> bool:
    times = {str(raw.get("updated_at")) for raw in page if isinstance(raw, dict)}
    return len(times) == 1


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
