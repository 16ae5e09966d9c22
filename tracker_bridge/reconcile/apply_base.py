"""What every part of apply shares: the report, the journaled store, counting and failing."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from tracker_bridge.model import FieldValue, RemoteRef
from tracker_bridge.reconcile.actions import Skip
from tracker_bridge.reconcile.planner import canonical
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter

Progress = Callable[[str, int], None]
"""Called with (tracker, writes done) as apply advances."""


@runtime_checkable
class PlannedProgress(Protocol):
    """A `Progress` that is also told, before a tracker's writes, how many changes are
    planned for it (so it can print an estimate before a long paced run)."""

    def __call__(self, tracker: str, done: int) -> None: ...

    def planned(self, tracker: str, changes: int) -> None: ...

FOLLOW_UPS = ("stage", "sprint")
"""Fields a create leaves to their own writes: in a base only once those are done."""


@dataclass(frozen=True)
class Failure:
    tracker: str
    item_id: str
    op: str
    error: str


@dataclass(frozen=True)
class RunWarning:
    """Written, but not as planned: a field the tracker refused and left unset. Reported on
    every run until fixed (see `reconcile.notices`), never a failure."""

    tracker: str
    item_id: str
    field: str
    value: str
    message: str


@dataclass
class ApplyReport:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[Failure] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    warnings: list[RunWarning] = field(default_factory=list)
    """What a person must do before a write can happen: reported, not failed."""
    adopted: list[tuple[str, str]] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.failures

    def failed_items(self) -> set[str]:
        return {failure.item_id for failure in self.failures}


class ApplyState:
    """The applier's state and bookkeeping; the write mixins build on it."""

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
        self._unavailable: dict[tuple[str, str], str] = {}
        """(tracker, sprint id) → why the tracker cannot hold that sprint yet."""

    def _adopt(self, tracker: str, item_id: str, ref: RemoteRef, values: Mapping[str, Any]) -> None:
        self.store.save_ref(self.project, item_id, ref)
        # Like a create's base: stage and sprint are recorded once their own writes are done,
        # so a run that dies before them leaves those fields due, not settled as found.
        base = {k: v for k, v in canonical(values).items() if k not in FOLLOW_UPS}
        self.store.save_base(self.project, tracker, item_id, base)
        self.report.adopted.append((tracker, item_id))

    # -- bookkeeping ----------------------------------------------------------------------
    def _save_base(self, tracker: str, item_id: str, values: Mapping[str, FieldValue]) -> None:
        self.store.save_base(self.project, tracker, item_id, values)

    def _count(self, tracker: str, op: str) -> None:
        self.report.counts[op] += 1
        self._done[tracker] += 1
        self.progress(tracker, self._done[tracker])

    def _warn_dropped(
        self, tracker: str, item_id: str, dropped: tuple[str, ...], wanted: Mapping[str, Any]
    ) -> None:
        """`wanted`: the values the write asked for (roadmap handles, before `people`)."""
        for name in dropped:
            value = str(wanted.get(name) or "")
            self.report.warnings.append(
                RunWarning(tracker, item_id, name, value, refused_message(name, value))
            )

    def _fail(self, tracker: str, item_id: str, op: str, error: str) -> None:
        self.report.failures.append(Failure(tracker, item_id, op, error))


def describe(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:300]


def refused_message(name: str, value: str) -> str:
    if name == "assignee":
        return (
            f"assignee {value!r} was refused (not a user there, or cannot be assigned): the "
            f"issue is unassigned; map {value!r} in the target's `people` or fix the roadmap"
        )
    return f"{name} {value!r} was refused and left unset"
