"""Apply: the only code that writes to trackers.

Every write is journaled (intent) before it is sent and confirmed right after, and a create's
ref is stored the moment the tracker confirms it. A create whose answer was lost is looked up
by its marker before anything is created again, so a crash or a dropped connection at any
point, followed by a re-run, creates nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

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
    UpdateFields,
)
from tracker_bridge.reconcile.planner import canonical, sprint_values
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter, NewItem, WriteResult

Progress = Callable[[str, int], None]
"""Called with (tracker, writes done) as apply advances."""

FOLLOW_UPS = ("stage", "sprint")
"""Fields a create leaves to their own writes: in a base only once those are done."""
CREATE_CHUNK = 50
CREATE_ROUNDS = 3
"""A create lost to a fault is looked up by marker and, if absent, tried again this often."""


@dataclass(frozen=True)
class Failure:
    tracker: str
    item_id: str
    op: str
    error: str


@dataclass
class ApplyReport:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[Failure] = field(default_factory=list)
    adopted: list[tuple[str, str]] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.failures

    def failed_items(self) -> set[str]:
        return {failure.item_id for failure in self.failures}


class Applier:
    def __init__(
        self,
        store: Store,
        project: str,
        adapters: Mapping[str, Adapter],
        run_id: int,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.project = project
        self.adapters = adapters
        self.run_id = run_id
        self.progress = progress or (lambda _tracker, _done: None)
        self.report = ApplyReport()
        self._lock = threading.Lock()  # store calls and report updates from worker threads
        self._create_intents: dict[tuple[str, str], int] = {}
        self._done: dict[str, int] = defaultdict(int)

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

    def _adopt(self, tracker: str, item_id: str, ref: RemoteRef, values: Mapping[str, Any]) -> None:
        self.store.save_ref(self.project, item_id, ref)
        # Like a create's base: stage and sprint are recorded once their own writes are done,
        # so a run that dies before them leaves those fields due, not settled as found.
        base = {k: v for k, v in canonical(values).items() if k not in FOLLOW_UPS}
        self.store.save_base(self.project, tracker, item_id, base)
        self.report.adopted.append((tracker, item_id))

    # -- apply ----------------------------------------------------------------------------
    def apply(self, plan: Plan) -> ApplyReport:
        by_tracker: dict[str, list[Action]] = defaultdict(list)
        for action in plan.actions:
            by_tracker[action.tracker].append(action)
        for tracker, actions in by_tracker.items():
            adapter = self.adapters[tracker]
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
        pending = [a for a in pending if not _already_done(a, created)]
        singles = [a for a in pending if not isinstance(a, AssignSprint)]
        self._apply_singles(tracker, adapter, singles, refs)
        unfilled = self._assign_sprints(
            tracker, adapter, [a for a in pending if isinstance(a, AssignSprint)], refs
        )
        for action in closing:
            assert action.sprint is not None
            if action.sprint.id in unfilled:
                # Closed, it would refuse the items still owed to it: close it once they are in.
                self._fail(tracker, action.item_id, action.op, "left open: not yet filled")
                continue
            self._ensure_sprint(tracker, adapter, action)

    # -- creates --------------------------------------------------------------------------
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
                WriteResult(a.item_id, None, error=_describe(exc), uncertain=True) for a in chunk
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
                self._fail(tracker, action.item_id, "create", f"lookup failed: {_describe(exc)}")
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
            result, values = WriteResult(action.item_id, None, error=_describe(exc)), {}
        with self._lock:
            if result.error is not None:
                self.store.journal_fail(entry, result.error)
                if last:
                    self._fail(tracker, action.item_id, action.op, result.error)
                return False
            self.store.journal_confirm(entry, result.ref)
            self._save_base(tracker, action.item_id, {**values, **canonical(result.values)})
            self._count(tracker, action.op)
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
        if isinstance(action, Comment):
            adapter.comment(ref, action.text)
            return WriteResult(action.item_id, ref), {}
        raise TypeError(f"cannot apply {action.op}")

    # -- sprints --------------------------------------------------------------------------
    def _ensure_sprint(
        self, tracker: str, adapter: Adapter, action: EnsureSprint, final: bool = True
    ) -> None:
        assert action.sprint is not None
        known = self.store.get_sprint_refs(self.project, tracker).get(action.sprint.id)
        try:
            remote_id = adapter.ensure_sprint(action.sprint, known)
        except Exception as exc:
            if known is None:  # a create whose answer may be lost: never sent twice in a run
                self._fail(tracker, action.item_id, action.op, _describe(exc))
                return
            try:  # updating or advancing an existing sprint is safe to try once more
                remote_id = adapter.ensure_sprint(action.sprint, known)
            except Exception as again:
                self._fail(tracker, action.item_id, action.op, _describe(again))
                return
        self.store.save_sprint_ref(self.project, tracker, action.sprint.id, remote_id)
        if not final:
            return
        self.store.save_base(
            self.project, tracker, f"sprint:{action.sprint.id}", sprint_values(action.sprint)
        )
        self._count(tracker, action.op)

    def _assign_sprints(
        self,
        tracker: str,
        adapter: Adapter,
        actions: Iterable[AssignSprint],
        refs: Mapping[str, RemoteRef],
    ) -> set[str | None]:
        """Assign in one call per sprint; returns the sprints some item failed to reach."""
        unfilled: set[str | None] = set()
        remote_ids = self.store.get_sprint_refs(self.project, tracker)
        groups: dict[str | None, list[AssignSprint]] = defaultdict(list)
        for action in actions:
            groups[action.sprint_id].append(action)
        for sprint_id, group in groups.items():
            remote_id = remote_ids.get(sprint_id) if sprint_id else None
            if sprint_id and remote_id is None:
                unfilled.add(sprint_id)
                for action in group:
                    self._fail(tracker, action.item_id, action.op, f"sprint {sprint_id} missing")
                continue
            on_tracker = [a for a in group if a.item_id in refs]
            for action in group:
                if action.item_id not in refs:
                    unfilled.add(sprint_id)
                    self._fail(tracker, action.item_id, action.op, "item not on the tracker")
            results = _assign(adapter, remote_id, [a.item_id for a in on_tracker], refs)
            retry = [r.item_id for r in results if r.error]
            if retry:  # setting the sprint is absolute: safe to send once more
                again = {r.item_id: r for r in _assign(adapter, remote_id, retry, refs)}
                results = [again.get(r.item_id, r) for r in results]
            for result in results:
                if result.error:
                    unfilled.add(sprint_id)
                    self._fail(tracker, result.item_id, "assign_sprint", result.error)
                    continue
                self._save_base(tracker, result.item_id, {"sprint": sprint_id})
                self._count(tracker, "assign_sprint")
        return unfilled

    # -- bookkeeping ----------------------------------------------------------------------
    def _save_base(self, tracker: str, item_id: str, values: Mapping[str, FieldValue]) -> None:
        self.store.save_base(self.project, tracker, item_id, values)

    def _count(self, tracker: str, op: str) -> None:
        self.report.counts[op] += 1
        self._done[tracker] += 1
        self.progress(tracker, self._done[tracker])

    def _fail(self, tracker: str, item_id: str, op: str, error: str) -> None:
        self.report.failures.append(Failure(tracker, item_id, op, error))


def _assign(
    adapter: Adapter, remote_id: str | None, item_ids: list[str], refs: Mapping[str, RemoteRef]
) -> list[WriteResult]:
    try:
        return adapter.assign_sprint(remote_id, [refs[i] for i in item_ids])
    except Exception as exc:
        return [WriteResult(i, None, error=_describe(exc)) for i in item_ids]


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


def _describe(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]
