"""Which issues we hold refs to are deleted, transferred to another repository, or out of scope.

One listing of the repository's issues (state=all, 100 per page; pull requests dropped),
then one read per ref missing from it: 410 or 404 means deleted; PyGithub follows the 301 of a
transferred issue, so an answer from another repository means transferred.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker_bridge.adapters.github.reading import list_issues
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


_LAST_PAGE = re.compile(r'[?&]page=(\d+)[^>]*>;\s*rel="last"')


def removals_since(adapter: GitHubAdapter, previous: str | None) -> tuple[bool, str]:
    """(nothing removed since `previous`, the fingerprint now), in one request.

    The fingerprint is the number of issues and pull requests and the newest number. Numbers
    are never reused, so with nothing deleted or transferred the count grows exactly as the
    newest number does; anything else means something left, and the listing runs."""
    reply = adapter.client.rest(
        "GET",
        f"{adapter.repo_path}/issues",
        params={"state": "all", "sort": "created", "direction": "desc", "per_page": 1},
    )
    if reply.status != 200 or not isinstance(reply.data, list):
        raise AdapterError(f"GitHub answered {reply.status} listing {adapter.full_name}")
    newest = int(reply.data[0]["number"]) if reply.data else 0
    link = next((v for k, v in reply.headers.items() if k.lower() == "link"), "")
    last = _LAST_PAGE.search(link)
    total = int(last.group(1)) if last else len(reply.data)
    current = f"{total}:{newest}"
    if previous is None or ":" not in previous:
        return False, current
    before_total, before_newest = (int(part) for part in previous.split(":", 1))
    return total - before_total == newest - before_newest, current
