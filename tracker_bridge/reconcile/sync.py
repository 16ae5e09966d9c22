"""One reconcile run for a project: pull → plan (pure) → apply → store → events.

The same run serves `plan` (dry run: reads only, nothing stored), `seed`/`apply` and the
nightly `sync`. The pull cursor moves after every complete pull, failures or not: an item
whose write failed keeps its bases unsettled and is read again on its own next run (by its
marker), so a failure is retried without re-reading the whole project every night.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from tracker_bridge.errors import UserError
from tracker_bridge.model import Roadmap, WorkItem
from tracker_bridge.reconcile.actions import Plan
from tracker_bridge.reconcile.adoption import claims_on
from tracker_bridge.reconcile.apply import Applier, ApplyReport, Progress
from tracker_bridge.reconcile.born import BornTimes
from tracker_bridge.reconcile.closed_sprints import leave_closed_sprints
from tracker_bridge.reconcile.events import view_events
from tracker_bridge.reconcile.guard import check_change_ratio, own_unfinished_work
from tracker_bridge.reconcile.notices import carry_warnings
from tracker_bridge.reconcile.planner import (
    DEFAULT_OWNERS,
    ROADMAP,
    ConflictPolicy,
    Owner,
    PlanInputs,
    TargetState,
    Values,
    plan,
)
from tracker_bridge.reconcile.pulling import Pulled, Puller
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter


class PlanChanged(UserError):
    """`--checksum` names a plan other than the one computed now."""

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class SyncOptions:
    apply: bool = False
    force: bool = False
    checksum: str | None = None
    max_change_ratio: float = 0.25
    policy: ConflictPolicy = "owner"
    kind: str = "sync"
    mirror: Literal["roadmap", "all"] = "roadmap"
    on_remote_delete: Literal["unlink", "recreate"] = "unlink"


@dataclass
class SyncReport:
    project: str
    plan: Plan
    applied: ApplyReport | None = None
    pulled: dict[str, int] = field(default_factory=dict)
    adopted: dict[str, int] = field(default_factory=dict)
    born: dict[str, int] = field(default_factory=dict)
    """Tracker-born items first seen this run, per tracker."""
    requests: dict[str, int] = field(default_factory=dict)
    events: int = 0
    cursors_moved: bool = False
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.applied is None or self.applied.clean

    def summary(self) -> dict[str, Any]:
        counts = dict(self.applied.counts) if self.applied else {}
        applied_skips = self.applied.skips if self.applied else []
        return {
            "project": self.project,
            "applied": self.applied is not None,
            "planned": self.plan.counts(),
            "done": counts,
            "created": counts.get("create", 0),
            "updated": counts.get("update", 0),
            "moved": counts.get("move_stage", 0),
            "conflicts": len(self.plan.conflicts),
            "failures": [vars(f) for f in self.applied.failures] if self.applied else [],
            "skipped": [vars(s) for s in (*self.plan.skips, *applied_skips)],
            "warnings": [vars(w) for w in self.applied.warnings] if self.applied else [],
            "pulled": self.pulled,
            "adopted": self.adopted,
            "born": self.born,
            "skips": [vars(skip) for skip in self.plan.skips],
            "requests": self.requests,
            "events": self.events,
            "cursors_moved": self.cursors_moved,
            "checksum": self.plan.checksum,
        }


class Reconciler:
    """Runs reconcile cycles for one project against its configured targets."""

    def __init__(
        self,
        store: Store,
        project: str,
        adapters: Mapping[str, Adapter],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.project = project
        self.adapters = adapters
        self.now = now
        self.puller = Puller(store, project, lambda: self.now())

    def run(
        self, roadmap: Roadmap, options: SyncOptions, progress: Progress | None = None
    ) -> SyncReport:
        with self.store.project_lock(self.project):
            return self._run(roadmap, options, progress)

    def _run(self, roadmap: Roadmap, options: SyncOptions, progress: Progress | None) -> SyncReport:
        started = {tracker: a.requests_sent for tracker, a in self.adapters.items()}
        known_born = self.store.born(self.project)
        wanted = {item.id for item in roadmap.items} | set(known_born)
        # Before this run is started: once started, it is the last run (with no failures).
        retry = self._failed_last_run() & wanted
        run_id = self.store.start_run(self.project, options.kind) if options.apply else None
        states = self.store.remote_states(self.project)
        pulled = {
            tracker: self.puller.pull(
                tracker,
                adapter,
                wanted,
                adopt=options.apply,
                born=known_born,
                states=states,
                claims=claims_on(roadmap.items, tracker),
                retry=retry,
            )
            for tracker, adapter in self.adapters.items()
        }
        born, skips = self.puller.born_items(roadmap, known_born, pulled)
        skips += self.puller.gone_skips(known_born, pulled, options.on_remote_delete)
        inputs = PlanInputs(
            project=self.project,
            roadmap=roadmap,
            roadmap_base=self.puller.roadmap_base(pulled),
            targets=tuple(p.state for p in pulled.values()),
            policy=options.policy,
            owners=self._owners(),
            born=born,
            mirror=options.mirror,
            skips=skips,
            recreate=options.on_remote_delete == "recreate",
        )
        the_plan = leave_closed_sprints(plan(inputs), inputs)
        report = SyncReport(
            self.project,
            the_plan,
            pulled={t: len(p.result.items) for t, p in pulled.items()},
            adopted={t: p.adopted for t, p in pulled.items()},
            born={t: len(p.new_born) for t, p in pulled.items() if p.new_born},
            run_id=run_id,
        )
        if options.apply:
            assert run_id is not None
            self._guard(the_plan, inputs, options)
            report.applied = Applier(
                self.store, self.project, self.adapters, run_id, progress
            ).apply(the_plan)
            target_states = {tracker: p.state for tracker, p in pulled.items()}
            report.applied.warnings += carry_warnings(
                self.store, self.project, roadmap, target_states, report.applied.warnings
            )
            self._record(roadmap, born, the_plan, pulled, report)
        report.requests = {t: a.requests_sent - started[t] for t, a in self.adapters.items()}
        if run_id is not None:
            status = "ok" if report.ok else "partial"
            self.store.finish_run(run_id, status, report.summary())
        return report

    # -- pull -----------------------------------------------------------------------------
    def _failed_last_run(self) -> set[str]:
        """Items whose writes failed in the last applying run: read again on their own."""
        runs = self.store.last_runs(self.project, 1)
        if not runs or not runs[0].summary:
            return set()
        return {
            str(f.get("item_id"))
            for f in runs[0].summary.get("failures") or ()
            if isinstance(f, Mapping) and f.get("item_id")
        }

    def _owners(self) -> dict[str, Owner]:
        owners: dict[str, Owner] = dict(DEFAULT_OWNERS)
        for adapter in self.adapters.values():
            field_owners = getattr(adapter, "field_owners", None)
            if callable(field_owners):
                owners.update(field_owners())
                break
        return owners

    # -- safety ---------------------------------------------------------------------------
    def _guard(self, the_plan: Plan, inputs: PlanInputs, options: SyncOptions) -> None:
        if options.checksum is not None and options.checksum != the_plan.checksum:
            raise PlanChanged(
                f"the plan is now {the_plan.checksum}, not the reviewed {options.checksum}",
                the_plan.checksum,
            )
        if not options.force:
            own = own_unfinished_work(self.store, self.project, self.adapters)
            check_change_ratio(the_plan, inputs, own, options.max_change_ratio)

    # -- bookkeeping after apply ----------------------------------------------------------
    def _record(
        self,
        roadmap: Roadmap,
        born: list[WorkItem],
        the_plan: Plan,
        pulled: Mapping[str, Pulled],
        report: SyncReport,
    ) -> None:
        applied = report.applied
        assert applied is not None
        failed = applied.failed_items()
        held = {c.item_id for c in the_plan.conflicts if c.resolution == "hold"}
        for tracker, pull in pulled.items():
            self._settle_bases(tracker, pull.state, the_plan.merged, failed)
        self.store.save_bases(
            self.project,
            ROADMAP,
            {
                item.id: item.sync_values()
                for item in roadmap.items
                if item.id not in failed and item.id not in held
            },
        )
        previous = self.store.get_items(self.project)
        ended = self.puller.ended(self.store.born(self.project), pulled)
        self.store.drop_items(self.project, ended & set(previous))
        view = _current_view((*roadmap.items, *born), the_plan.merged)
        by_key = {
            (item.origin.tracker, item.origin.key): item.id for item in born if item.origin
        }
        changes = {
            item_id: c.at
            for tracker, p in pulled.items()
            for c in p.result.stage_changes
            if (item_id := c.item_id or by_key.get((tracker, c.remote_key)))
        }
        times = {
            item_id: BornTimes(remote.created_at, remote.sprint_since)
            for p in pulled.values()
            for item_id, remote in p.born.items()
            if item_id in p.new_born
        }
        report.events = self.store.record_events(
            self.project, view_events(previous, view, changes, self.now(), times)
        )
        # Only what changed: a quiet night of 5,000 items rewrites no row.
        self.store.save_items(
            self.project, [item for item in view.values() if previous.get(item.id) != item]
        )
        if all(p.result.complete for p in pulled.values()):
            for tracker, pull in pulled.items():
                self.store.set_cursor(self.project, tracker, pull.result.cursor)
            report.cursors_moved = True

    def _settle_bases(
        self,
        tracker: str,
        state: TargetState,
        merged: Mapping[str, Values],
        failed: set[str],
    ) -> None:
        """Pulled values that agree with the outcome become the base: seen, not news. Not
        for an item whose write failed: its change stays news until it reaches every side."""
        settled: dict[str, dict[str, Any]] = {}
        for item_id in set(state.updated_at) - failed:
            remote = state.remote.get(item_id, {})
            outcome = merged.get(item_id, {})
            agreed = {k: v for k, v in remote.items() if k in outcome and outcome[k] == v}
            if agreed:
                settled[item_id] = agreed
        if settled:
            self.store.save_bases(self.project, tracker, settled)


def _current_view(
    items: Sequence[WorkItem], merged: Mapping[str, Values]
) -> dict[str, WorkItem]:
    view = {}
    for item in items:
        values = merged.get(item.id)
        if values is None:
            view[item.id] = item
            continue
        data = item.model_dump()
        data.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()})
        view[item.id] = WorkItem.model_validate(data)
    return view
