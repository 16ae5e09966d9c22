"""One reconcile run for a project: pull → plan (pure) → apply → store → events.

The same run serves `plan` (dry run: reads only, nothing stored), `seed`/`apply` and the
nightly `sync`. The pull cursor moves after every complete pull, failures or not: an item
whose write failed keeps its bases unsettled and is read again on its own next run (by its
marker), so a failure is retried without re-reading the whole project every night.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tracker_bridge.errors import UserError
from tracker_bridge.model import DERIVED_FIELDS, Roadmap, WorkItem
from tracker_bridge.reconcile.actions import Comment, Plan, Skip
from tracker_bridge.reconcile.adoption import claims_on, sprint_claims_on
from tracker_bridge.reconcile.apply import Applier, ApplyReport, Progress
from tracker_bridge.reconcile.born import BornTimes
from tracker_bridge.reconcile.change_times import (
    born_sprint_times,
    change_times,
    stage_paths,
)
from tracker_bridge.reconcile.closed_sprints import leave_closed_sprints
from tracker_bridge.reconcile.delivery import delivery_times, plan_with_delivery
from tracker_bridge.reconcile.delivery_closes import with_reopen_comments
from tracker_bridge.reconcile.delivery_step import DeliveryStep, delivery_sources
from tracker_bridge.reconcile.ended_mirrors import end_mirrors
from tracker_bridge.reconcile.events import Ending, ended_items, view_events
from tracker_bridge.reconcile.guard import check_change_ratio, own_unfinished_work
from tracker_bridge.reconcile.notices import carry_warnings
from tracker_bridge.reconcile.phase_gate import hold_gated_sprints
from tracker_bridge.reconcile.planner import (
    ROADMAP,
    Owner,
    PlanInputs,
    TargetState,
    Values,
    field_owners,
)
from tracker_bridge.reconcile.pulling import LET_GO, Pulled, Puller
from tracker_bridge.reconcile.quiet_run import completely_quiet
from tracker_bridge.reconcile.ranking import rank_in_roadmap_order
from tracker_bridge.reconcile.run_report import PlanChanged, SyncOptions, SyncReport
from tracker_bridge.reconcile.spike_records import SPIKE_EVENTS, restore, with_records
from tracker_bridge.store import QuietStamp, RemoteState, Store, StoreEvent
from tracker_bridge.tracker import Adapter


def _stopped_status(stopped: BaseException) -> str:
    if isinstance(stopped, UserError):
        return "refused"  # a guard, a stale reviewed plan, a claim: nothing was written
    if isinstance(stopped, KeyboardInterrupt | SystemExit):
        return "interrupted"
    return "failed"


class Reconciler:
    """Runs reconcile cycles for one project against its configured targets."""

    def __init__(
        self,
        store: Store,
        project: str,
        adapters: Mapping[str, Adapter],
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        quiet_stamp: Callable[[SyncReport], QuietStamp | None] | None = None,
    ) -> None:
        """`quiet_stamp`: builds the stamp of a completely quiet applied run (`sync`), stored
        with the run's record (see tracker_bridge/quiet/)."""
        self.store = store
        self.project = project
        self.adapters = adapters
        self.now = now
        self.quiet_stamp = quiet_stamp
        self._restored = 0
        self.puller = Puller(store, project, lambda: self.now())

    def run(
        self, roadmap: Roadmap, options: SyncOptions, progress: Progress | None = None
    ) -> SyncReport:
        with self.store.project_lock(self.project):
            # Before anything is read: a write by a command that takes no lock (phase review,
            # delivered, webhooks) from here on means this run's stamp would not see it.
            generation = self.store.generation() if self.quiet_stamp is not None else None
            return self._run(roadmap, options, progress, generation)

    def _run(
        self,
        roadmap: Roadmap,
        options: SyncOptions,
        progress: Progress | None,
        generation: int | None = None,
    ) -> SyncReport:
        started = {tracker: a.requests_sent for tracker, a in self.adapters.items()}
        spike_events = self.store.events(self.project, kinds=SPIKE_EVENTS)
        roadmap = with_records(roadmap, spike_events)
        known_born = self.store.born(self.project)
        wanted = {item.id for item in roadmap.items} | set(known_born)
        # Before this run is started: once started, it is the last run (with no failures).
        retry = self._unsettled_last_run() & wanted
        states = self.store.remote_states(self.project)
        siblings = self.puller.siblings(self.adapters)
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
                siblings=siblings[tracker],
                sprint_claims=sprint_claims_on(roadmap.sprints, tracker),
            )
            for tracker, adapter in self.adapters.items()
        }
        # Issues moved between configured targets.
        self.puller.follow(pulled, known_born, store=options.apply)
        # Every target pulled and every claim bound: only now is anything stored.
        self.puller.commit()
        if options.apply:  # spike records read back from the trackers (after a lost store)
            roadmap = self._restore_spikes(roadmap, spike_events, pulled)
        run_id = self.store.start_run(self.project, options.kind) if options.apply else None
        try:
            report = self._plan_apply(roadmap, options, progress, run_id, known_born, pulled)
        except BaseException as stopped:
            # A run that did not finish says so: refused by a guard, interrupted or failed. Left
            # "running", it would read as one still going (or killed) to every later run.
            if run_id is not None:
                with suppress(Exception):  # never hide why the run stopped behind a store error
                    self.store.finish_run(run_id, _stopped_status(stopped), {"error": str(stopped)})
            raise
        report.requests = {t: a.requests_sent - started[t] for t, a in self.adapters.items()}
        if run_id is not None:
            status = "ok" if report.ok else "partial"
            report.noticed += self._restored
            stamp = None
            if self.quiet_stamp is not None and status == "ok" and completely_quiet(report):
                stamp = self.quiet_stamp(report)
            self.store.finish_run(run_id, status, report.summary(), quiet_stamp=stamp,
                                  generation=generation)
        return report

    def _plan_apply(
        self,
        roadmap: Roadmap,
        options: SyncOptions,
        progress: Progress | None,
        run_id: int | None,
        known_born: Mapping[str, Any],
        pulled: Mapping[str, Pulled],
    ) -> SyncReport:
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
        endings = self.puller.endings(known_born, pulled)
        # Delivery (pull requests, deployments, releases) joins the merge as a forward-only side.
        delivery = DeliveryStep(self.store, self.project, delivery_sources(self.adapters))
        side = delivery.prepare(inputs.targets, [i.id for i in (*roadmap.items, *born)])
        unread = [
            Skip("deliveries", tracker, f"deliveries not read ({why}); read again next run")
            for tracker, why in delivery.unread.items()
        ]
        inputs = replace(inputs, targets=delivery.targets, skips=(*inputs.skips, *unread))
        the_plan = end_mirrors(
            leave_closed_sprints(plan_with_delivery(inputs, side), inputs), inputs, endings
        )
        the_plan = with_reopen_comments(the_plan, delivery.auto_closed)
        the_plan = hold_gated_sprints(the_plan, inputs, self.store.phase_reviews(self.project))
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
            in_hand = {tracker: frozenset(p.state.markers) for tracker, p in pulled.items()}
            report.applied = Applier(
                self.store, self.project, self.adapters, run_id, progress, in_hand
            ).apply(the_plan)
            target_states = {tracker: p.state for tracker, p in pulled.items()}
            report.applied.warnings += carry_warnings(
                self.store, self.project, roadmap, target_states, report.applied.warnings
            )
            self._record(roadmap, born, the_plan, pulled, report, endings, delivery)
            report.noticed += delivery.noticed
            rank_in_roadmap_order(self.store, self.project, self.adapters, roadmap, report, pulled)
        return report

    # -- pull -----------------------------------------------------------------------------
    def _restore_spikes(
        self, roadmap: Roadmap, events: Sequence[StoreEvent], pulled: Mapping[str, Pulled]
    ) -> Roadmap:
        """A tracker's spike record the store lacks (a lost database) is recorded, so the
        roadmap's bare time-box never overwrites it."""
        records = {
            item_id: str(values["spike"])
            for p in pulled.values()
            for item_id, values in p.state.remote.items()
            if values.get("spike")
        }
        found = restore(roadmap, events, records, self.now())
        self._restored = len(found)
        if not found:
            return roadmap
        self.store.record_events(self.project, found)
        return with_records(roadmap, [*events, *found])

    def _unsettled_last_run(self) -> set[str]:
        """Items whose writes failed in the last applying run, or with a field it held: read
        again on their own (an incremental pull skips them while nobody touches them, and
        the value a tracker holds for a held field is kept nowhere else)."""
        # A run refused by a guard (or stopped) wrote nothing: look past it to the last one
        # that applied its plan, or the failures it left would never be read again.
        last = next((run for run in self.store.last_runs(self.project) if run.completed), None)
        if last is None:
            return set()
        failed = {
            str(f.get("item_id"))
            for f in last.summary.get("failures") or ()
            if isinstance(f, Mapping) and f.get("item_id")
        }
        return failed | {str(i) for i in last.summary.get("held") or ()}

    def _owners(self) -> dict[str, Owner]:
        return field_owners(self.adapters.values())

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
        endings: Mapping[str, RemoteState],
        delivery: DeliveryStep,
    ) -> None:
        applied = report.applied
        assert applied is not None
        failed = applied.failed_items()
        on_hold = {(c.item_id, c.field) for c in the_plan.conflicts if c.held}
        held = {item_id for item_id, _ in on_hold}
        for tracker, pull in pulled.items():
            self._settle_bases(tracker, pull.state, the_plan.merged, failed, on_hold)
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
        # Ended tracker-born items leave the board but stay in the sprints they were in (scope
        # removed when they ended); one a roadmap item adopted lives on as that item.
        adopted = {i for i, end in endings.items() if end.state == "adopted"}
        self.store.drop_items(self.project, adopted & set(previous))
        finished, removed = ended_items(
            previous,
            {i: Ending(e.state, e.detected_at) for i, e in endings.items() if i not in adopted},
            self.now(),
        )
        self.store.save_items(self.project, finished)
        self._let_go_of_mirrors(the_plan, endings, applied)
        view = _current_view((*roadmap.items, *born), the_plan.merged)
        pulls = {tracker: (p.state, p.result) for tracker, p in pulled.items()}
        changes = change_times(previous, view, pulls, self.adapters, self.now())
        # A stage delivery moved (it won the merge) is dated by the delivery itself.
        changes.update(
            {(i, "stage"): at for i, at in delivery_times(delivery.side, the_plan.merged).items()}
        )
        delivery.settle(failed)
        paths = stage_paths(previous, view, pulls, changes)
        new_born = {
            tracker: {i: remote for i, remote in p.born.items() if i in p.new_born}
            for tracker, p in pulled.items()
        }
        joined = born_sprint_times(new_born, self.adapters)
        times = {
            item_id: BornTimes(remote.created_at, remote.sprint_since or joined.get(item_id))
            for remotes in new_born.values()
            for item_id, remote in remotes.items()
        }
        report.events = self.store.record_events(
            self.project,
            [*view_events(previous, view, changes, self.now(), times, paths), *removed],
        )
        # Only what changed: a quiet night of 5,000 items rewrites no row.
        self.store.save_items(
            self.project, [item for item in view.values() if previous.get(item.id) != item]
        )
        if all(p.result.complete for p in pulled.values()):
            for tracker, pull in pulled.items():
                self.store.set_cursor(self.project, tracker, pull.result.cursor)
            report.cursors_moved = True

    def _let_go_of_mirrors(
        self, the_plan: Plan, endings: Mapping[str, RemoteState], applied: ApplyReport
    ) -> None:
        """A mirror of an ended item, once told so (`ended_mirrors`), is never written again."""
        failed = {(f.tracker, f.item_id) for f in applied.failures}
        told = [
            a for a in the_plan.actions
            if isinstance(a, Comment) and a.item_id in endings
            and (a.tracker, a.item_id) not in failed
        ]
        for action in told:
            end = endings[action.item_id]
            self.store.save_remote_states(self.project, [RemoteState(
                action.tracker, action.item_id, LET_GO, end.remote_key, end.tracker,
                self.now(),
            )])
            self.store.delete_ref(self.project, action.tracker, action.item_id)

    def _settle_bases(
        self,
        tracker: str,
        state: TargetState,
        merged: Mapping[str, Values],
        failed: set[str],
        on_hold: Set[tuple[str, str]] = frozenset(),
    ) -> None:
        """Pulled values that agree with the outcome become the base: seen, not news. Not
        for an item whose write failed: its change stays news until it reaches every side.
        Nor for a held field (`on_hold`: item, field): its edits stay news until the sides
        agree, or the next night would settle the conflict for the side not seen as changed."""
        settled: dict[str, dict[str, Any]] = {}
        for item_id in set(state.updated_at) - failed:
            remote = state.remote.get(item_id, {})
            outcome = merged.get(item_id, {})
            agreed = {k: v for k, v in remote.items()
                      if k in outcome and outcome[k] == v and (item_id, k) not in on_hold}
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
        data.update({
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in values.items()
            if k not in DERIVED_FIELDS
        })
        view[item.id] = WorkItem.model_validate(data)
    return view
