"""Which issues we hold refs to are deleted, moved to another project, or out of scope.

One key-only search of the project (pages of up to 5,000 ids, so one request for most
projects), plus the scope's when a scope is set; then one read per ref missing from the
project: 404 means deleted, an answer from another project means moved (Jira answers an old
key with the issue under its new key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker_bridge.model import RemoteRef
from tracker_bridge.tracker import RemoteGone

from .client import JiraCallError
from .metadata import call_error
from .search import quote, search
from .translate import parse_time

if TYPE_CHECKING:
    from .adapter import JiraAdapter


def check_refs(adapter: JiraAdapter, refs: Sequence[RemoteRef]) -> list[RemoteGone]:
    if not refs:
        return []
    client = adapter.client
    try:
        # In rank order: the same listing tells the rank step where each issue stands.
        listed = search(
            client,
            f"project = {quote(adapter.project)} ORDER BY Rank ASC",
            fields="key",
            page_size=5000,
        )
        adapter.rank_order = [str(issue["id"]) for issue in listed]
        live = set(adapter.rank_order)
    except JiraCallError as exc:
        raise call_error(exc, f"listing project {adapter.project}", adapter.url) from None
    in_scope = adapter.in_scope_ids()
    gone: list[RemoteGone] = []
    for ref in refs:
        if ref.remote_id in live:
            if in_scope is not None and ref.remote_id not in in_scope:
                gone.append(RemoteGone(ref, "out_of_scope"))
            continue
        try:
            issue = client.get(f"issue/{ref.remote_id}", {"fields": "project,updated"})
        except JiraCallError as exc:
            if exc.status == 404:
                gone.append(RemoteGone(ref, "deleted"))
                continue
            raise call_error(exc, f"reading {ref.key}", adapter.url) from None
        fields = issue.get("fields") or {}
        project = str((fields.get("project") or {}).get("key") or "")
        if project != adapter.project:
            key = str(issue.get("key") or "")
            moved = parse_time(str(fields["updated"])) if fields.get("updated") else None
            gone.append(RemoteGone(ref, "moved", f"{key} ({adapter.url}/browse/{key})", moved))
    return gone
