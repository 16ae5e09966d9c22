"""Creates: in chunks, parents before children, lost answers found by marker, not resent."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from tracker_bridge.model import FieldValue, RemoteRef
from tracker_bridge.reconcile.actions import CreateItem
from tracker_bridge.reconcile.apply_base import FOLLOW_UPS, ApplyState, describe
from tracker_bridge.reconcile.planner import canonical
from tracker_bridge.tracker import Adapter, NewItem, WriteResult

CREATE_CHUNK = 50
CREATE_ROUNDS = 3
"""A create lost to a fault is looked up by marker and, if absent, tried again this often."""


class CreateWrites(ApplyState):
    def _create_all(
        self,
        tracker: str,
        adapter: Adapter,
        creates: list[CreateItem],
        refs: dict[str, RemoteRef],
    ) -> dict[str, Mapping[str, FieldValue]]:
        """Create in waves (parents before children), recovering lost creates by marker."""
        created: dict[str, Mapping[str, FieldValue]] = {}
        pending = list(creates)
        for round_ in range(CREATE_ROUNDS):
            if not pending:
                break
            lost: list[CreateItem] = []
            waiting: list[CreateItem] = []
            for number, wave in enumerate(_waves(pending, refs)):
                if number and round_ < CREATE_ROUNDS - 1:
                    # Children of a parent whose create went unanswered wait for its marker
                    # lookup, rather than being created unlinked (a link_parent next run).
                    waiting = [a for a in wave if a.item and a.item.parent not in refs]
                    wave = [a for a in wave if a not in waiting]
                for start in range(0, len(wave), CREATE_CHUNK):
                    chunk = wave[start : start + CREATE_CHUNK]
                    lost.extend(self._create_chunk(tracker, adapter, chunk, refs, created))
            pending = self._find_lost(tracker, adapter, lost, refs, created) + waiting
        for action in pending:
            self._fail(tracker, action.item_id, "create", "not created after retries")
        return created

    def _create_chunk(
        self,
        tracker: str,
        adapter: Adapter,
        chunk: Sequence[CreateItem],
        refs: dict[str, RemoteRef],
        created: dict[str, Mapping[str, FieldValue]],
    ) -> list[CreateItem]:
        intents = {
            a.item_id: self.store.journal_intent(
                self.run_id, self.project, tracker, a.item_id, "create", a.data()
            )
            for a in chunk
        }
        self._create_intents.update({(tracker, item_id): n for item_id, n in intents.items()})

        def confirmed(item_id: str, ref: RemoteRef) -> None:
            # Stored before the adapter sends anything else: a crash now loses nothing.
            with self._lock:
                self.store.save_ref(self.project, item_id, ref)
                self.store.journal_confirm(intents[item_id], ref)
                refs[item_id] = ref

        items = [
            NewItem(a.item, refs.get(a.item.parent) if a.item.parent else None)
            for a in chunk
            if a.item is not None
        ]
        try:
            results = adapter.create_items(items, confirmed)
        except Exception as exc:  # the whole request failed: maybe created, maybe not
            results = [
                WriteResult(a.item_id, None, error=describe(exc), uncertain=True) for a in chunk
            ]
        lost = []
        by_id = {a.item_id: a for a in chunk}
        for result in results:
            action = by_id[result.item_id]
            if result.ref is None and result.uncertain:
                lost.append(action)
                continue
            if result.ref is None:  # refused: reported, never sent again in this run
                self.store.journal_fail(intents[result.item_id], result.error or "refused")
                self._fail(tracker, result.item_id, "create", result.error or "refused")
                continue
            if result.item_id not in refs:
                confirmed(result.item_id, result.ref)
            values = {**_created_values(action), **canonical(result.values)}
            created[result.item_id] = values
            self._save_base(tracker, result.item_id, _settled_by_create(action, values))
            self._count(tracker, "create")
            if result.dropped:
                assert action.item is not None
                wanted = action.item.sync_values()
                self._warn_dropped(tracker, result.item_id, result.dropped, wanted)
            if result.error:
                self._fail(tracker, result.item_id, "create", result.error)
        return lost

    def _find_lost(
        self,
        tracker: str,
        adapter: Adapter,
        lost: list[CreateItem],
        refs: dict[str, RemoteRef],
        created: dict[str, Mapping[str, FieldValue]],
    ) -> list[CreateItem]:
        """Creates without an answer may exist anyway: look them up before trying again."""
        if not lost:
            return []
        lag = float(getattr(adapter, "marker_lookup_lag_seconds", 0) or 0)
        if lag:
            # Trackers whose search is eventually consistent may not list a fresh issue yet.
            time.sleep(lag)
        try:
            found = adapter.find_by_marker({a.item_id for a in lost})
        except Exception as exc:
            # Left unconfirmed in the journal on purpose: the next run's recovery looks again.
            for action in lost:
                self._fail(tracker, action.item_id, "create", f"lookup failed: {describe(exc)}")
            return []
        still_missing = []
        for action in lost:
            remote = found.get(action.item_id)
            intent = self._create_intents[(tracker, action.item_id)]
            if remote is None:
                self.store.journal_fail(intent, "no answer and not found by marker")
                still_missing.append(action)
                continue
            with self._lock:
                self._adopt(tracker, action.item_id, remote.ref, remote.values)
                self.store.journal_confirm(intent, remote.ref)
                refs[action.item_id] = remote.ref
            created[action.item_id] = canonical(remote.values)
            self._count(tracker, "create")
        return still_missing


def _waves(pending: Sequence[CreateItem], refs: Mapping[str, RemoteRef]) -> list[list[CreateItem]]:
    """Items whose parent exists (or is not being created) first, then their children."""
    creating = {a.item_id for a in pending}
    first = [
        a
        for a in pending
        if a.item
        and (a.item.parent is None or a.item.parent not in creating or a.item.parent in refs)
    ]
    rest = [a for a in pending if a not in first]
    return [wave for wave in (first, rest) if wave]


def _created_values(action: CreateItem) -> dict[str, FieldValue]:
    """What a create set: everything but stage and sprint, which follow as their own writes."""
    assert action.item is not None
    values = action.item.sync_values()
    values.pop("sprint")
    values.pop("stage")
    return values


def _settled_by_create(
    action: CreateItem, values: Mapping[str, FieldValue]
) -> dict[str, FieldValue]:
    """The base a create leaves: a stage or sprint it did not already set as planned is
    still owed by a follow-up write, so a crash before that write must not settle it."""
    assert action.item is not None
    wanted = canonical(action.item.sync_values())
    return {k: v for k, v in values.items() if k not in FOLLOW_UPS or wanted.get(k) == v}
