"""Remote life cycle: issues deleted, moved, transferred or out of scope, found once.

The adapter tells which of our issues are gone (`check_refs`, an optional extension); this
module turns that into remote states for the store and the one-line reasons the sync reports.
An issue found gone is unlinked: its ref is forgotten, nothing is written to it again, and it
is created anew only under `on_remote_delete = "recreate"` (roadmap items only: work born in
a tracker and deleted there has ended).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Literal

from tracker_bridge.model import RemoteRef
from tracker_bridge.store import RemoteState
from tracker_bridge.tracker import Adapter

OnRemoteDelete = Literal["unlink", "recreate"]


def detect_gone(
    adapter: Adapter,
    refs: Mapping[str, RemoteRef],
    pulled: Collection[str],
    born: Collection[str],
    now: datetime,
    fingerprint: str | None = None,
) -> tuple[dict[str, RemoteState], str | None]:
    """(item id -> the state of its issue, for refs not seen in this pull that are gone; the
    target's fingerprint now, to store after an applied run). Leaving the scope matters only
    for tracker-born items (the roadmap claims its own). An adapter that can tell cheaply
    that nothing left since the last check (`removals_since`) spares the listing."""
    check = getattr(adapter, "check_refs", None)
    candidates = [ref for ref in refs.values() if ref.remote_id not in pulled]
    if not callable(check) or not candidates:
        return {}, None
    mark: str | None = None
    since = getattr(adapter, "removals_since", None)
    if callable(since):
        quiet, mark = since(fingerprint)
        if quiet:
            return {}, mark
    owner = {ref.remote_id: item_id for item_id, ref in refs.items()}
    found: dict[str, RemoteState] = {}
    for gone in check(candidates):
        item_id = owner.get(gone.ref.remote_id)
        if item_id is None or (gone.state == "out_of_scope" and item_id not in born):
            continue
        at = min(gone.at, now) if gone.at is not None else now  # the tracker's time if told
        found[item_id] = RemoteState(
            adapter.tracker, item_id, gone.state, gone.ref.key, gone.location, at
        )
    return found, mark


def gone_reason(state: RemoteState, policy: OnRemoteDelete, born: bool) -> str:
    what = gone_what(state)
    if state.state == "followed":
        return f"{what}, a configured target; followed there, synced as before"
    if born:
        return f"{what}; the tracker-born item ends here"
    if policy == "recreate":
        return f"{what}; created again (on_remote_delete = recreate)"
    return f"{what}; unlinked, never written to again (on_remote_delete = unlink)"


def gone_what(state: RemoteState) -> str:
    """What became of the issue, in a few words (`TREND-7 was deleted`)."""
    return {
        "deleted": f"{state.remote_key} was deleted",
        "moved": f"{state.remote_key} was moved to {state.location or 'another project'}",
        "transferred": f"{state.remote_key} was transferred to "
        f"{state.location or 'another repository'}",
        "out_of_scope": f"{state.remote_key} left the target's scope",
        "adopted": f"{state.remote_key} was adopted by roadmap item {state.location!r}",
        "followed": f"{state.remote_key} was moved to {state.location}",
    }.get(state.state, f"{state.remote_key} is {state.state}")
