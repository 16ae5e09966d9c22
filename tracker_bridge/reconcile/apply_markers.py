"""Before writing to an issue the pull did not bring, check that it carries the item's marker.

The planner checks every issue the pull has in hand (`planner._marker_mismatch`). An issue
nobody touched since the last sync is not in hand, so a stale or swapped ref would send its
write to whatever issue the ref names now. An adapter that can read markers in bulk
(`markers_at`, optional: GitHub reads each issue before writing anyway) is asked once per
tracker for all of them, and an item whose issue carries another marker, or none where its
own belongs, is refused: a failure, reported every run until a person fixes it, never written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from tracker_bridge.model import RemoteRef
from tracker_bridge.reconcile.actions import Action, WriteMarker
from tracker_bridge.reconcile.apply_base import ApplyState, describe
from tracker_bridge.tracker import Adapter


class MarkerChecks(ApplyState):
    in_hand: Mapping[str, Collection[str]]
    """Per tracker: items whose issue this run's pull brought (the planner checked those)."""

    def _verified(
        self,
        tracker: str,
        adapter: Adapter,
        actions: Sequence[Action],
        refs: Mapping[str, RemoteRef],
        fresh: Collection[str],
    ) -> list[Action]:
        """`actions` without those of items whose issue fails the marker check. `fresh`:
        items created in this run (their issue is ours by construction)."""
        check = getattr(adapter, "markers_at", None)
        if not callable(check):
            return list(actions)
        in_hand = self.in_hand.get(tracker, ())
        marking = {a.item_id for a in actions if isinstance(a, WriteMarker)}
        unchecked = sorted(
            {
                a.item_id
                for a in actions
                if a.item_id in refs
                and a.item_id not in in_hand
                and a.item_id not in fresh
                and a.item_id not in marking  # adopted: its marker is written first
            }
        )
        if not unchecked:
            return list(actions)
        try:
            found: Mapping[str, tuple[str, ...]] = check([refs[i] for i in unchecked])
        except Exception as exc:
            refused = {i: f"markers not checked ({describe(exc)}); not written to"
                       for i in unchecked}
        else:
            born_here = {
                item_id
                for item_id, record in self.store.born(self.project).items()
                if record.ref.tracker == tracker
            }
            refused = {}
            for item_id in unchecked:
                ref = refs[item_id]
                if ref.remote_id not in found:
                    continue  # not found: the write itself says what happened
                expected = () if item_id in born_here else (item_id,)
                carries = found[ref.remote_id]
                if carries != expected:
                    refused[item_id] = _mismatch(ref.key, item_id, carries, expected)
        for item_id, reason in refused.items():
            self._fail(tracker, item_id, "marker_check", reason)
        return [a for a in actions if a.item_id not in refused]


def _mismatch(key: str, item_id: str, carries: tuple[str, ...], expected: tuple[str, ...]) -> str:
    if not carries:
        return f"{key} carries no marker, not the marker of {item_id!r}; not written to"
    named = ", ".join(repr(c) for c in carries)
    noun = "marker" if len(carries) == 1 else "markers"
    if not expected:
        return f"{key} now carries the {noun} of {named}; not written to"
    return f"{key} carries the {noun} of {named}, not {item_id!r}; not written to"
