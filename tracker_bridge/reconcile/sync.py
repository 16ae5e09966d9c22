"""One reconcile run for a project: pull → plan (pure) → apply → store → events.

The same run serves `plan` (dry run: reads only, nothing stored), `seed`/`apply` and the
nightly `sync`. The pull cursor moves only after a run without failures.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from tracker_bridge.errors import UserError
from tracker_bridge.model import SYNC_FIELDS, RemoteRef, Roadmap, WorkItem, born_id
from tracker_bridge.reconcile.actions import Plan, Skip
from tracker_bridge.reconcile.adoption import Binding, bind, claims_on, unseen_claims
from tracker_bridge.reconcile.apply import FOLLOW_UPS, Applier, ApplyReport, Progress
from tracker_bridge.reconcile.born import BornTimes, born_item, born_values, unmapped_skips
from tracker_bridge.reconcile.events import view_events
from tracker_bridge.reconcile.lifecycle import detect_gone, gone_reason
from tracker_bridge.reconcile.planner import (
    DEFAULT_OWNERS,
    ROADMAP,
    ConflictPolicy,
    Owner,
    PlanInputs,
    TargetState,
    Values,
    canonical,
    plan,
)
from tracker_bridge.store import BornRecord, RemoteState, Store
from tracker_bridge.tracker import Adapter, PullResult, RemoteItem

SPRINT_PREFIX = "sprint:"
MIN_ITEMS_FOR_RATIO = 10
"""Below this many existing items the change-ratio guard is noise, not safety."""


class TooMuchChange(UserError):
    """A plan would change more than the configured share of existing items."""


class PlanChanged(UserError):
    """`--checksum` names a plan other than the one computed now."""


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
            "pulled": self.pulled,
            "adopted": self.adopted,
            "born": self.born,
            "skips": [vars(skip) for skip in self.plan.skips],
            "requests": self.requests,
            "events": self.events,
            "cursors_moved": self.cursors_moved,
            "checksum": self.plan.checksum,
        }


@dataclass
class _Pulled:
    state: TargetState
    result: PullResult
    adopted: int
    born: dict[str, RemoteItem] = field(default_factory=dict)
    """Unmarked in-scope issues pulled this run, by tracker-born item id."""
    new_born: set[str] = field(default_factory=set)
    gone: dict[str, RemoteState] = field(default_factory=dict)
    """Issues found deleted, moved, transferred or out of scope in this run, by item id."""
    bound: Mapping[str, Values] = field(default_factory=dict)
    """Issues roadmap items adopted in this run (`adopt:`): their values, the new base."""


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

    def run(
        self, roadmap: Roadmap, options: SyncOptions, progress: Progress | None = None
    ) -> SyncReport:
        with self.store.project_lock(self.project):
            return self._run(roadmap, options, progress)

    def _run(self, roadmap: Roadmap, options: SyncOptions, progress: Progress | None) -> SyncReport:
        started = {tracker: a.requests_sent for tracker, a in self.adapters.items()}
        run_id = self.store.start_run(self.project, options.kind) if options.apply else None
        known_born = self.store.born(self.project)
        wanted = {item.id for item in roadmap.items} | set(known_born)
        states = self.store.remote_states(self.project)
        pulled = {
            tracker: self._pull(
                tracker,
                adapter,
                wanted,
                adopt=options.apply,
                born=known_born,
                states=states,
                claims=claims_on(roadmap.items, tracker),
            )
            for tracker, adapter in self.adapters.items()
        }
        born, skips = self._born_items(roadmap, known_born, pulled)
        skips += self._gone_skips(known_born, pulled, options)
        inputs = PlanInputs(
            project=self.project,
            roadmap=roadmap,
            roadmap_base=self._roadmap_base(pulled),
            targets=tuple(p.state for p in pulled.values()),
            policy=options.policy,
            owners=self._owners(),
            born=born,
            mirror=options.mirror,
            skips=skips,
            recreate=options.on_remote_delete == "recreate",
        )
        the_plan = plan(inputs)
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
            self._guard(the_plan, options)
            report.applied = Applier(
                self.store, self.project, self.adapters, run_id, progress
            ).apply(the_plan)
            self._record(roadmap, born, the_plan, pulled, report)
        report.requests = {t: a.requests_sent - started[t] for t, a in self.adapters.items()}
        if run_id is not None:
            status = "ok" if report.ok else "partial"
            self.store.finish_run(run_id, status, report.summary())
        return report

    # -- pull -----------------------------------------------------------------------------
    def _pull(
        self,
        tracker: str,
        adapter: Adapter,
        wanted: set[str],
        adopt: bool,
        born: Collection[str] = (),
        states: Mapping[tuple[str, str], RemoteState] | None = None,
        claims: Mapping[str, str] | None = None,
    ) -> _Pulled:
        refs = dict(self.store.get_refs(self.project, tracker))
        sprint_refs = self.store.get_sprint_refs(self.project, tracker)
        remember = getattr(adapter, "remember", None)
        if callable(remember):
            # Lets the adapter name parents and sprints it did not create this session.
            remember(refs, sprint_refs)
        result = adapter.pull(self.store.get_cursor(self.project, tracker))
        stored = self.store.get_base(self.project, tracker)
        base = {k: v for k, v in stored.items() if not k.startswith(SPRINT_PREFIX)}
        remote: dict[str, dict[str, Any]] = {k: dict(base.get(k, {})) for k in refs}
        updated_at: dict[str, datetime] = {}
        by_key = {ref.key: item_id for item_id, ref in refs.items()}
        by_remote_id = {ref.remote_id: item_id for item_id, ref in refs.items()}
        unmarked: dict[str, RemoteItem] = {}
        new_born: set[str] = set()
        markers: dict[str, str | None] = {}
        left: dict[str, RemoteState] = {}
        # Our creates a killed run sent but never confirmed: their stage and sprint writes
        # never happened, so what the tracker shows for those is not a settled value.
        unfinished = {
            e.item_id for e in self.store.unconfirmed(self.project, tracker) if e.action == "create"
        }
        adopted = 0
        binding = self._bind(tracker, adapter, claims or {}, result.items, refs, born, adopt)
        taken = {
            old: RemoteState(tracker, old, "adopted", ref.key, claimant, self.now())
            for old, (claimant, ref) in binding.taken.items()
        }
        for old in taken:
            refs.pop(old)
            remote.pop(old, None)
            base.pop(old, None)
        for claimant, issue in binding.bound.items():
            refs[claimant] = issue.ref
            by_remote_id[issue.ref.remote_id], by_key[issue.ref.key] = claimant, claimant
            base[claimant] = remote[claimant] = canonical(issue.values)
            updated_at[claimant] = issue.updated_at
        for item in result.items:
            # The immutable id first: a moved Jira issue answers under a new key.
            item_id = (
                item.item_id or by_remote_id.get(item.ref.remote_id) or by_key.get(item.ref.key)
            )
            owner = by_remote_id.get(item.ref.remote_id) or by_key.get(item.ref.key)
            if owner is not None:
                markers[owner] = item.item_id  # checked before any write to the owner's issue
            if item_id is None and item.in_scope:
                # Unmarked, in scope, unknown: work born in this tracker.
                item_id = born_id(tracker, item.ref.key)
                new_born.add(item_id)
                refs[item_id] = item.ref
                base[item_id] = canonical(born_values(item, item.values))
                if adopt:
                    self.store.save_ref(self.project, item_id, item.ref)
                    self.store.save_base(self.project, tracker, item_id, base[item_id])
                    self.store.save_born(
                        self.project, [BornRecord(item_id, item.ref, self.now())]
                    )
            if item_id is None or (item_id not in wanted and item_id not in new_born):
                continue  # not ours, or no longer planned: the planner reports those
            if item.item_id is None and item_id in born and not item.in_scope:
                left[item_id] = RemoteState(
                    tracker, item_id, "out_of_scope", item.ref.key, None, self.now()
                )
                continue
            if item.item_id is None:
                unmarked[item_id] = item  # tracker-born, or a roadmap item's issue lost its marker
            values = canonical(item.values)
            if item_id not in refs:
                # Ours by its marker but unknown to the store (lost state): adopt, never recreate.
                refs[item_id] = item.ref
                base[item_id] = values
                if item_id in unfinished:
                    base[item_id] = {k: v for k, v in values.items() if k not in FOLLOW_UPS}
                adopted += 1
                if adopt:
                    self.store.save_ref(self.project, item_id, item.ref)
                    self.store.save_base(self.project, tracker, item_id, base[item_id])
            remote[item_id] = {**remote.get(item_id, {}), **values}
            updated_at[item_id] = item.updated_at
        gone = left | taken | detect_gone(
            adapter, refs, {i.ref.remote_id for i in result.items}, born, self.now()
        )
        for item_id in gone:
            refs.pop(item_id, None)  # taken over by an adopting item: dropped already
            remote.pop(item_id, None)
            base.pop(item_id, None)
        earlier = {i for (t, i), _ in (states or {}).items() if t == tracker}
        back = earlier & set(updated_at)  # live again: recreated, or back in scope
        if adopt:
            self.store.save_remote_states(self.project, gone.values())
            for item_id in gone:
                self.store.delete_ref(self.project, tracker, item_id)
            for item_id in back:
                self.store.clear_remote_state(self.project, tracker, item_id)
        state = TargetState(
            tracker=tracker,
            refs=refs,
            remote=remote,
            base=base,
            updated_at=updated_at,
            fields=frozenset(getattr(adapter, "synced_fields", SYNC_FIELDS)),
            sprint_refs=sprint_refs,
            markers=markers,
            unlinked=frozenset((earlier - back - set(refs)) | set(gone)),
            adopting=frozenset(binding.adopting - set(gone)),
            sprint_base={
                k.removeprefix(SPRINT_PREFIX): v
                for k, v in stored.items()
                if k.startswith(SPRINT_PREFIX)
            },
        )
        bound = {i: canonical(x.values) for i, x in binding.bound.items() if i not in gone}
        return _Pulled(state, result, adopted, unmarked, new_born, gone, bound)

    def _bind(
        self,
        tracker: str,
        adapter: Adapter,
        claims: Mapping[str, str],
        pulled: Sequence[RemoteItem],
        refs: Mapping[str, RemoteRef],
        born: Collection[str],
        adopt: bool,
    ) -> Binding:
        """`adopt:` claims on this tracker: bind the claimed issues (read those the pull did
        not bring), stored at once so a crash never loses a binding."""
        if not claims:
            return Binding()
        issues = list(pulled)
        missing = unseen_claims(claims, pulled, refs)
        lookup = getattr(adapter, "issues_by_key", None)
        if missing and callable(lookup):
            issues += list(lookup(missing).values())
        binding = bind(tracker, claims, issues, refs, born)
        if adopt:
            for item_id, issue in binding.bound.items():
                values = canonical(issue.values)
                self.store.save_ref(self.project, item_id, issue.ref)
                self.store.save_base(self.project, tracker, item_id, values)
                self.store.save_base(self.project, ROADMAP, item_id, values)
        return binding

    def _born_items(
        self,
        roadmap: Roadmap,
        known: Mapping[str, BornRecord],
        pulled: Mapping[str, _Pulled],
    ) -> tuple[list[WorkItem], list[Skip]]:
        """Tracker-born items as now known: the stored view, updated by this pull."""
        previous = self.store.get_items(self.project) if known else {}
        spike_days = roadmap.board.spikes.max_timebox_days
        items: dict[str, WorkItem] = {}
        skips: list[Skip] = []
        ended = self._ended(known, pulled)
        for item_id, record in known.items():
            if item_id in ended:
                continue
            if item_id in previous:
                items[item_id] = previous[item_id]
            elif record.ref.tracker in pulled:
                continue  # recorded by a run that died before its view: pulled again below
        for tracker, pull in pulled.items():
            for item_id, remote in pull.born.items():
                if item_id not in known and item_id not in pull.new_born:
                    continue  # a roadmap item's issue without its marker: not born here
                born_tracker = known[item_id].ref.tracker if item_id in known else tracker
                if born_tracker != tracker:
                    continue  # a mirror: planning values come from where it was born
                values = born_values(remote, canonical(remote.values))
                items[item_id] = born_item(
                    item_id, remote.ref, values, items.get(item_id), spike_days
                )
                skips.extend(unmapped_skips(item_id, remote))
        return list(items.values()), skips

    def _ended(self, known: Mapping[str, BornRecord], pulled: Mapping[str, _Pulled]) -> set[str]:
        """Tracker-born items whose issue is gone from the tracker they were born in."""
        ended = {
            item_id
            for item_id, record in known.items()
            if record.ref.tracker in pulled
            and item_id in pulled[record.ref.tracker].state.unlinked
        }
        return ended

    def _gone_skips(
        self, known: Mapping[str, BornRecord], pulled: Mapping[str, _Pulled], options: SyncOptions
    ) -> list[Skip]:
        """Each issue found gone, reported once: in the run that found it."""
        return [
            Skip(item_id, tracker, gone_reason(state, options.on_remote_delete, item_id in known))
            for tracker, pull in pulled.items()
            for item_id, state in pull.gone.items()
        ]

    def _roadmap_base(self, pulled: Mapping[str, _Pulled]) -> dict[str, Values]:
        """The roadmap's base, with an adopted issue's values as the base of its item."""
        stored: dict[str, Values] = dict(self.store.get_base(self.project, ROADMAP))
        for pull in pulled.values():
            for item_id, values in pull.bound.items():
                stored.setdefault(item_id, values)
        return stored

    def _owners(self) -> dict[str, Owner]:
        owners: dict[str, Owner] = dict(DEFAULT_OWNERS)
        for adapter in self.adapters.values():
            field_owners = getattr(adapter, "field_owners", None)
            if callable(field_owners):
                owners.update(field_owners())
                break
        return owners

    # -- safety ---------------------------------------------------------------------------
    def _guard(self, the_plan: Plan, options: SyncOptions) -> None:
        if options.checksum is not None and options.checksum != the_plan.checksum:
            raise PlanChanged(
                f"the plan is now {the_plan.checksum}, not the reviewed {options.checksum}: "
                "run `plan` again and review it"
            )
        existing = the_plan.existing_items
        changed = the_plan.changed_existing_items()
        if options.force or existing < MIN_ITEMS_FOR_RATIO:
            return
        if changed / existing > options.max_change_ratio:
            raise TooMuchChange(
                f"the plan changes {changed} of {existing} existing items "
                f"(over {options.max_change_ratio:.0%}); review it and pass --force"
            )

    # -- bookkeeping after apply ----------------------------------------------------------
    def _record(
        self,
        roadmap: Roadmap,
        born: list[WorkItem],
        the_plan: Plan,
        pulled: Mapping[str, _Pulled],
        report: SyncReport,
    ) -> None:
        applied = report.applied
        assert applied is not None
        failed = applied.failed_items()
        held = {c.item_id for c in the_plan.conflicts if c.resolution == "hold"}
        for tracker, pull in pulled.items():
            self._settle_bases(tracker, pull.state, the_plan.merged)
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
        ended = self._ended(self.store.born(self.project), pulled)
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
        self.store.save_items(self.project, view.values())
        if applied.clean and all(p.result.complete for p in pulled.values()):
            for tracker, pull in pulled.items():
                self.store.set_cursor(self.project, tracker, pull.result.cursor)
            report.cursors_moved = True

    def _settle_bases(self, tracker: str, state: TargetState, merged: Mapping[str, Values]) -> None:
        """Pulled values that agree with the outcome become the base: seen, not news."""
        settled: dict[str, dict[str, Any]] = {}
        for item_id in state.updated_at:
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
