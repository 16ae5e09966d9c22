"""Apply: the only code that writes to trackers.

Every write is journaled (intent) before it is sent and confirmed right after, and a create's
ref is stored the moment the tracker confirms it. A create whose answer was lost is looked up
by its marker before anything is created again, so a crash or a dropped connection at any
point, followed by a re-run, creates nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from tracker_bridge.model import FieldValue, RemoteRef, SprintState
from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    Comment,
    CreateItem,
    EnsureSprint,
    LinkParent,
    MoveStage,
    Plan,
    Skip,
    UpdateFields,
    WriteMarker,
)
from tracker_bridge.reconcile.apply_base import (
    FOLLOW_UPS,
    ApplyReport,
    Failure,
    PlannedProgress,
    Progress,
    describe,
)
from tracker_bridge.reconcile.apply_creates import CreateWrites
from tracker_bridge.reconcile.apply_markers import MarkerChecks
from tracker_bridge.reconcile.apply_sprints import SprintWrites
from tracker_bridge.reconcile.planner import canonical
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter, WriteResult

AT_CREATE = "_at_create"
"""Suffix of an ApplyReport count of follow-ups a create did itself (`move_stage_at_create`)."""

__all__ = ["AT_CREATE", "FOLLOW_UPS", "Applier", "ApplyReport", "Failure", "Progress"]


class Applier(CreateWrites, SprintWrites, MarkerChecks):
    """Applies a plan tracker by tracker: sprints, creates, single-item writes, sprint fills."""

    def __init__(
        self,
        store: Store,
        project: str,
        adapters: Mapping[str, Adapter],
        run_id: int,
        progress: Progress | None = None,
        in_hand: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        """`in_hand`: per tracker, the items whose issue this run's pull brought and the
        planner checked; any other issue's marker is checked before it is written."""
        super().__init__(store, project, adapters, run_id, progress)
        self.in_hand = in_hand or {}

    # -- recovery -------------------------------------------------------------------------
    def recover(self, tracker: str) -> list[str]:
        """Resolve creates a previous run sent but never confirmed: adopt what exists."""
        entries = [e for e in self.store.unconfirmed(self.project, tracker) if e.action == "create"]
        if not entries:
            return []
        found = self.adapters[tracker].find_by_marker({entry.item_id for entry in entries})
        adopted = []
        for entry in entries:
            remote = found.get(entry.item_id)
            if remote is None:
                self.store.journal_fail(entry.id, "not found on the tracker after a crash")
                continue
            self._adopt(tracker, entry.item_id, remote.ref, remote.values)
            self.store.journal_confirm(entry.id, remote.ref)
            adopted.append(entry.item_id)
        return adopted

    # -- apply ----------------------------------------------------------------------------
    def apply(self, plan: Plan) -> ApplyReport:
        by_tracker: dict[str, list[Action]] = defaultdict(list)
        for action in plan.actions:
            by_tracker[action.tracker].append(action)
        for tracker, actions in by_tracker.items():
            adapter = self.adapters[tracker]
            if isinstance(self.progress, PlannedProgress):
                self.progress.planned(tracker, len(actions))
            start = adapter.requests_sent
            self.recover(tracker)
            self._apply_tracker(tracker, adapter, actions)
            self.report.requests[tracker] = adapter.requests_sent - start
        return self.report

    def _apply_tracker(self, tracker: str, adapter: Adapter, actions: list[Action]) -> None:
        refs = dict(self.store.get_refs(self.project, tracker))
        filling = {a.sprint_id for a in actions if isinstance(a, AssignSprint)}
        closing: list[EnsureSprint] = []
        for action in actions:
            if not isinstance(action, EnsureSprint):
                continue
            assert action.sprint is not None
            if action.sprint.state is SprintState.CLOSED and action.sprint.id in filling:
                # Trackers refuse issues in a closed sprint: open it, fill it, then close it.
                opened = action.sprint.model_copy(update={"state": SprintState.ACTIVE})
                self._ensure_sprint(tracker, adapter, replace(action, sprint=opened), final=False)
                closing.append(action)
            else:
                self._ensure_sprint(tracker, adapter, action)
        creates = [a for a in actions if isinstance(a, CreateItem) and a.item_id not in refs]
        created = self._create_all(tracker, adapter, creates, refs)
        pending = [a for a in actions if not isinstance(a, CreateItem | EnsureSprint)]
        moot = [a for a in pending if _already_done(a, created)]
        for action in moot:  # reported as "set at create", so plan and summary add up
            self.report.counts[f"{action.op}{AT_CREATE}"] += 1
        pending = [a for a in pending if a not in moot]
        # A create that failed is one failure: its stage move and sprint wait with it.
        not_created = {a.item_id for a in creates} - set(refs)
        owed = {
            a.sprint_id for a in pending if isinstance(a, AssignSprint) and a.item_id in not_created
        }
        pending = [a for a in pending if a.item_id not in not_created]
        pending = self._verified(tracker, adapter, pending, refs, created)
        singles = [a for a in pending if not isinstance(a, AssignSprint)]
        # An adopted issue gets its marker before any other write reaches it.
        self._apply_singles(tracker, adapter, [a for a in singles if isinstance(a, WriteMarker)],
                            refs)
        singles = [a for a in singles if not isinstance(a, WriteMarker)]
        self._apply_singles(tracker, adapter, singles, refs)
        unfilled = self._assign_sprints(
            tracker, adapter, [a for a in pending if isinstance(a, AssignSprint)], refs
        )
        for action in closing:
            assert action.sprint is not None
            if action.sprint.id in unfilled | owed:
                # Closed, it would refuse the items still owed to it: close it once they are in.
                # Not a failure of its own: the writes that left it unfilled are reported.
                reason = "left open until the items that failed to join it are in"
                self.report.skips.append(Skip(action.item_id, tracker, reason))
                continue
            self._ensure_sprint(tracker, adapter, action)

    # -- single-item writes ---------------------------------------------------------------
    def _apply_singles(
        self, tracker: str, adapter: Adapter, actions: list[Action], refs: Mapping[str, RemoteRef]
    ) -> None:
        """Through a pool sized by the adapter's `max_concurrency`, then once more for those
        that failed: edits, moves and links set absolute values, so repeating one whose answer
        was an error or never came is safe (comments are not repeated)."""
        workers = max(1, int(getattr(adapter, "max_concurrency", 1)))

        def attempt(batch: list[Action], last: bool) -> list[Action]:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                done = list(
                    pool.map(lambda a: self._apply_single(tracker, adapter, a, refs, last), batch)
                )
            return [action for action, ok in zip(batch, done, strict=True) if not ok]

        failed = attempt(actions, last=False)
        again = [a for a in failed if not isinstance(a, Comment) and a.item_id in refs]
        for action in failed:
            if action not in again:
                self._apply_single(tracker, adapter, action, refs, True)
        attempt(again, last=True)

    def _apply_single(
        self,
        tracker: str,
        adapter: Adapter,
        action: Action,
        refs: Mapping[str, RemoteRef],
        last: bool = True,
    ) -> bool:
        """Journal, send, confirm; False on failure (reported only when `last`)."""
        ref = refs.get(action.item_id)
        if ref is None:
            self._fail(tracker, action.item_id, action.op, "the item does not exist on the tracker")
            return False
        with self._lock:
            entry = self.store.journal_intent(
                self.run_id, self.project, tracker, action.item_id, action.op, action.data()
            )
        try:
            result, values = self._send(adapter, action, ref, refs)
        except Exception as exc:
            result, values = WriteResult(action.item_id, None, error=describe(exc)), {}
        with self._lock:
            if result.error is not None:
                self.store.journal_fail(entry, result.error)
                if last:
                    self._fail(tracker, action.item_id, action.op, result.error)
                return False
            self.store.journal_confirm(entry, result.ref)
            self._save_base(tracker, action.item_id, {**values, **canonical(result.values)})
            self._count(tracker, action.op)
            if result.dropped:
                self._warn_dropped(tracker, action.item_id, result.dropped, values)
        return True

    def _send(
        self, adapter: Adapter, action: Action, ref: RemoteRef, refs: Mapping[str, RemoteRef]
    ) -> tuple[WriteResult, dict[str, FieldValue]]:
        if isinstance(action, UpdateFields):
            values = action.new_values()
            return adapter.update_fields(ref, values), values
        if isinstance(action, MoveStage):
            return adapter.move_stage(ref, action.to_stage), {"stage": action.to_stage.value}
        if isinstance(action, LinkParent):
            parent = refs.get(action.parent_id) if action.parent_id else None
            if action.parent_id and parent is None:
                error = f"parent {action.parent_id!r} is not on the tracker"
                return WriteResult(action.item_id, None, error=error), {}
            return adapter.link_parent(ref, parent), {"parent": action.parent_id}
        if isinstance(action, WriteMarker):
            write_marker = getattr(adapter, "write_marker", None)
            if not callable(write_marker):
                error = "this tracker's adapter cannot write markers (adopt: is not supported)"
                return WriteResult(action.item_id, None, error=error), {}
            result: WriteResult = write_marker(ref, action.item_id)
            return result, {}
        if isinstance(action, Comment):
            adapter.comment(ref, action.text)
            return WriteResult(action.item_id, ref), {}
        raise TypeError(f"cannot apply {action.op}")


def _already_done(action: Action, created: Mapping[str, Mapping[str, FieldValue]]) -> bool:
    """A create that set the stage or sprint for free makes the follow-up write moot."""
    values = created.get(action.item_id)
    if values is None:
        return False
    if isinstance(action, MoveStage):
        return values.get("stage") == action.to_stage.value
    if isinstance(action, AssignSprint):
        return "sprint" in values and values.get("sprint") == action.sprint_id
    return False
