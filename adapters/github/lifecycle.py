"""Which issues we hold refs to are deleted, transferred to another repository, or out of scope.

One listing of the repository's issues (state=all, 100 per page; pull requests dropped),
then one read per ref missing from it: 410 or 404 means deleted; PyGithub follows the 301 of a
transferred issue, so an answer from another repository means transferred.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tracker_bridge.adapters.github.reading import count, list_issues, server_date
from tracker_bridge.adapters.github.translate import parse_time, utc_text
from tracker_bridge.model import RemoteRef
from tracker_bridge.tracker import AdapterError, RemoteGone

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

# PyGithub logs each redirect it follows at INFO through its own stderr handler; here a
# transferred issue is expected and reported by the sync, so the line would only be noise.
logging.getLogger("github.Requester").setLevel(logging.WARNING)


def check_refs(adapter: GitHubAdapter, refs: Sequence[RemoteRef]) -> list[RemoteGone]:
    if not refs:
        return []
    listing = list_issues(
        adapter.client, adapter.repo_path, {"state": "all"}, missing=adapter.missing
    )
    if not listing.complete:
        return []  # stopped early to keep rate-limit budget: absence proves nothing
    in_scope = {str(raw["id"]): adapter.scope.contains(raw) for raw in listing.issues}
    gone: list[RemoteGone] = []
    for ref in refs:
        if ref.remote_id in in_scope:
            if not in_scope[ref.remote_id]:
                gone.append(RemoteGone(ref, "out_of_scope"))
            continue
        reply = adapter.client.rest("GET", f"{adapter.repo_path}/issues/{ref.key}")
        if reply.status in (404, 410):
            gone.append(RemoteGone(ref, "deleted"))
            continue
        if reply.status != 200 or not isinstance(reply.data, dict):
            raise AdapterError(
                f"GitHub answered {reply.status} reading {adapter.full_name}#{ref.key}"
            )
        where = str(reply.data.get("repository_url") or "")
        if not where.endswith(adapter.repo_path):
            gone.append(RemoteGone(ref, "transferred", str(reply.data.get("html_url") or where)))
    return gone


def removals_since(adapter: GitHubAdapter, previous: str | None) -> tuple[bool, str]:
    """(nothing removed since `previous`, the fingerprint now), in one request at most.

    The fingerprint is the number of issues and pull requests, the newest number, and the
    server's time it was taken. Numbers are never reused, so with nothing deleted or
    transferred the count grows exactly as the newest number does; anything else means
    something left, and the listing runs. When this session's pull probed the repository
    and nothing was created, edited or transferred in since the last fingerprint (each sets
    an `updated_at`), an unchanged count says the same without a request."""
    before = _parse(previous)
    glance = adapter.probe
    if before is not None and glance is not None and glance.date is not None:
        total, newest, at = before
        if at is not None and glance.unchanged_since(at) and glance.total == total:
            return True, _mark(total, newest, glance.date)
    reply = adapter.client.rest(
        "GET",
        f"{adapter.repo_path}/issues",
        params={"state": "all", "sort": "created", "direction": "desc", "per_page": 1},
    )
    if reply.status != 200 or not isinstance(reply.data, list):
        raise AdapterError(f"GitHub answered {reply.status} listing {adapter.full_name}")
    newest_now = int(reply.data[0]["number"]) if reply.data else 0
    total_now = count(reply.data, reply.headers)
    current = _mark(total_now, newest_now, server_date(reply.headers))
    if before is None:
        return False, current
    total, newest, _ = before
    return total_now - total == newest_now - newest, current


def _mark(total: int, newest: int, at: datetime | None) -> str:
    return f"{total}:{newest}" + (f":{utc_text(at)}" if at is not None else "")


def _parse(mark: str | None) -> tuple[int, int, datetime | None] | None:
    """(count, newest number, when taken) of a stored fingerprint; older ones have no time."""
    parts = (mark or "").split(":", 2)
    if len(parts) < 2:
        return None
    try:
        at = parse_time(parts[2]) if len(parts) == 3 else None
        return int(parts[0]), int(parts[1]), at
    except ValueError:
        return None
