"""The markers issues carry now, for writes to issues the pull did not bring.

A write goes by the stored ref. The pull shows the marker of every issue it brings (changed
since the last sync), and the planner checks those; an issue nobody touched is checked here
before it is written: one key-only search per 100 issues (`id in (...)`, labels only), never
one read per issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker_bridge.model import RemoteRef

from .client import JiraCallError
from .metadata import call_error
from .search import in_list, search
from .translate import markers_of

if TYPE_CHECKING:
    from .adapter import JiraAdapter

CHECK_CHUNK = 100
"""Issue ids per search: one page, and a JQL well inside every server's length limit."""


def markers_at(adapter: JiraAdapter, refs: Sequence[RemoteRef]) -> dict[str, tuple[str, ...]]:
    """Remote id -> the item ids the issue's marker labels name now (empty: no marker).
    An issue the search does not find (deleted, hidden) is left out: its write fails as is."""
    ids = sorted({ref.remote_id for ref in refs}, key=lambda i: (len(i), i))
    found: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ids), CHECK_CHUNK):
        chunk = ids[start : start + CHECK_CHUNK]
        try:
            for issue in search(
                adapter.client, f"id in {in_list(chunk)}", fields="labels", page_size=CHECK_CHUNK
            ):
                labels = (issue.get("fields") or {}).get("labels") or ()
                found[str(issue["id"])] = tuple(markers_of(adapter.mapping, labels))
        except JiraCallError as exc:
            raise call_error(exc, "checking the markers of issues about to be written",
                             adapter.url) from None
    return found
