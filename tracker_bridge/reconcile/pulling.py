"""The pull side of a run: each target's issues read, bound to items, and checked.

What a pull brings is sorted here before the planner sees it: issues that are ours (by
marker or stored ref), roadmap items' `adopt:` claims (`adoption.py`), unmarked issues in
scope (tracker-born items, `born.py`), and issues gone from the target (`lifecycle.py`).
Writes to the store only in apply mode (`adopt=True`), and only what must survive a crash:
refs and bases of what was bound or found, the births and the remote states, all held
until every target is pulled (`commit`), so a refused claim leaves nothing half written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from tracker_bridge.model import SYNC_FIELDS, RemoteRef, Roadmap, WorkItem, born_id
from tracker_bridge.reconcile.actions import Skip
from tracker_bridge.reconcile.adoption import Binding, bind, unseen_claims
from tracker_bridge.reconcile.apply import FOLLOW_UPS
from tracker_bridge.reconcile.base_keys import SPRINT_PREFIX
from tracker_bridge.reconcile.born import born_item, born_values, unmapped_skips
from tracker_bridge.reconcile.lifecycle import OnRemoteDelete, detect_gone, gone_reason
from tracker_bridge.reconcile.planner import ROADMAP, TargetState, Values, canonical
from tracker_bridge.store import BornRecord, RemoteState, Store
from tracker_bridge.tracker import Adapter, PullResult, RemoteItem

LET_GO = "origin_ended"
"""The remote state of a mirror whose tracker-born item ended: told so once, then let go."""


@dataclass
class Pulled:
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
    moved_in: dict[str, str] = field(default_factory=dict)
    """Items whose issue was moved here from another configured target (followed), by
    item id: the target it came from."""


class Puller:
    """Pulls for one project; see the module docstring."""

    def __init__(self, store: Store, project: str, now: Callable[[], datetime]) -> None:
        self.store = store
        self.project = project
        self.now = now
        self._pending: list[Callable[[], object]] = []

    def _later(self, write: Callable[..., object], *args: Any) -> None:
        """A store write, held until every target is pulled (`commit`): a claim refused on
        the second target (`AdoptConflict`) leaves nothing of the first one written."""
        self._pending.append(partial(write, *args))

    def commit(self) -> None:
        """Store what the pulls found: before any tracker write, so a crash never loses it."""
        pending, self._pending = self._pending, []
        for write in pending:
            write()

    def pull(
        self,
        tracker: str,
        adapter: Adapter,
        wanted: set[str],
        adopt: bool,
        born: Collection[str] = (),
        states: Mapping[tuple[str, str], RemoteState] | None = None,
        claims: Mapping[str, str] | None = None,
        retry: Collection[str] = (),
        siblings: Mapping[str, tuple[str, str]] | None = None,
        sprint_claims: Mapping[str, str] | None = None,
    ) -> Pulled:
        """`siblings`: issues other targets on the same tracker site hold refs to, by
        immutable id -> (that target, item id); one of them pulled here was moved here."""
        refs = dict(self.store.get_refs(self.project, tracker))
        sprint_refs = self._bind_sprints(tracker, sprint_claims or {}, adopt)
        remember = getattr(adapter, "remember", None)
        if callable(remember):
            # Lets the adapter name parents and sprints it did not create this session.
            remember(refs, sprint_refs)
        result = adapter.pull(self.store.get_cursor(self.project, tracker))
        unread = {i for i in retry if i in refs} - {i.item_id for i in result.items}
        if unread:
            # Failed or held last time and untouched since: the incremental pull skipped them.
            again = adapter.find_by_marker(unread)
            result = replace(result, items=[*result.items, *again.values()])
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
        moved_in: dict[str, str] = {}
        let_go = {  # mirrors of ended tracker-born items (`ended_mirrors`): never ours again
            i for (t, i), st in (states or {}).items() if t == tracker and st.state == LET_GO
        }
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
            arrived = (siblings or {}).get(item.ref.remote_id)
            if arrived is not None and item.ref.remote_id not in by_remote_id:
                came_from, moved_id = arrived
                if moved_id in refs or item.item_id not in (None, moved_id):
                    continue  # the item has an issue here already: two now, not followed
                # Moved here from another configured target: the item follows its issue,
                # with the values last synced there as its base (nothing reads as an edit).
                item_id = moved_id
                refs[item_id], by_remote_id[item.ref.remote_id] = item.ref, item_id
                base[item_id] = dict(self.store.get_base(self.project, came_from).get(item_id, {}))
                moved_in[item_id] = came_from
                if adopt:
                    self._later(self.store.save_ref, self.project, item_id, item.ref)
                    self._later(
                        self.store.save_base, self.project, tracker, item_id, base[item_id]
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
                    store, born_at = self.store, self.now()
                    self._later(store.save_ref, self.project, item_id, item.ref)
                    self._later(store.save_base, self.project, tracker, item_id, base[item_id])
                    self._later(
                        store.save_born, self.project, [BornRecord(item_id, item.ref, born_at)]
                    )
            if item_id is None or (item_id not in wanted and item_id not in new_born):
                continue  # not ours, or no longer planned: the planner reports those
            if item_id in let_go:
                continue
            if item.item_id is None and item_id in born and not item.in_scope:
                left[item_id] = RemoteState(  # at the edit that took it out of scope
                    tracker, item_id, "out_of_scope", item.ref.key, None,
                    min(item.updated_at, self.now()),
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
                    store = self.store
                    self._later(store.save_ref, self.project, item_id, item.ref)
                    self._later(store.save_base, self.project, tracker, item_id, base[item_id])
            remote[item_id] = {**remote.get(item_id, {}), **values}
            updated_at[item_id] = item.updated_at
        found, mark = detect_gone(
            adapter,
            refs,
            {i.ref.remote_id for i in result.items},
            born,
            self.now(),
            self.store.inventory_mark(self.project, tracker),
        )
        gone = left | taken | found
        for item_id in gone:
            refs.pop(item_id, None)  # taken over by an adopting item: dropped already
            remote.pop(item_id, None)
            base.pop(item_id, None)
        earlier = {i for (t, i), _ in (states or {}).items() if t == tracker}
        back = earlier & set(updated_at)  # live again: recreated, or back in scope
        if adopt:
            store = self.store
            if mark is not None:
                self._later(store.save_inventory_mark, self.project, tracker, mark, self.now())
            self._later(store.save_remote_states, self.project, list(gone.values()))
            for item_id in gone:
                self._later(store.delete_ref, self.project, tracker, item_id)
            for item_id in back:
                self._later(store.clear_remote_state, self.project, tracker, item_id)
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
        return Pulled(state, result, adopted, unmarked, new_born, gone, bound, moved_in)

    def _bind_sprints(
        self, tracker: str, claims: Mapping[str, str], adopt: bool
    ) -> dict[str, str]:
        """Stored sprint refs, plus sprints the roadmap adopts (`sprints: adopt:`) that are not
        bound yet: the tracker's sprint is taken as it is, never created again. A sprint
        bound already (to this or another roadmap sprint) keeps its stored binding."""
        sprint_refs = dict(self.store.get_sprint_refs(self.project, tracker))
        bound = set(sprint_refs.values())
        for sprint_id, remote_id in claims.items():
            if sprint_id in sprint_refs or remote_id in bound:
                continue
            sprint_refs[sprint_id] = remote_id
            bound.add(remote_id)
            if adopt:
                self._later(self.store.save_sprint_ref, self.project, tracker, sprint_id, remote_id)
        return sprint_refs

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
                self._later(self.store.save_ref, self.project, item_id, issue.ref)
                self._later(self.store.save_base, self.project, tracker, item_id, values)
                self._later(self.store.save_base, self.project, ROADMAP, item_id, values)
        return binding

    def born_items(
        self,
        roadmap: Roadmap,
        known: Mapping[str, BornRecord],
        pulled: Mapping[str, Pulled],
    ) -> tuple[list[WorkItem], list[Skip]]:
        """Tracker-born items as now known: the stored view, updated by this pull."""
        previous = self.store.get_items(self.project) if known else {}
        spike_days = roadmap.board.spikes.max_timebox_days
        items: dict[str, WorkItem] = {}
        skips: list[Skip] = []
        ended = self.ended(known, pulled)
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

    def siblings(self, trackers: Mapping[str, Adapter]) -> dict[str, dict[str, tuple[str, str]]]:
        """Per target, the issues other targets on the same tracker site (an adapter's
        optional `site`) hold refs to, by immutable id: where a moved issue is followed to."""
        site = {t: (t.partition(":")[0], getattr(a, "site", None)) for t, a in trackers.items()}
        refs = {t: self.store.get_refs(self.project, t) for t in trackers}
        return {
            t: {
                ref.remote_id: (other, item_id)
                for other in trackers
                if other != t and site[other] == site[t] and site[t][1]
                for item_id, ref in refs[other].items()
            }
            for t in trackers
        }

    def follow(
        self, pulled: Mapping[str, Pulled], known: dict[str, BornRecord], store: bool
    ) -> None:
        """Issues moved from one configured target to another: the item lives on where its
        issue went. The target it left records the move as followed (reported once, never
        written to again); a tracker-born item is born there from now on (`known` too).
        Stored (at `commit`) only when `store` is set: a dry run writes nothing."""
        for tracker, pull in pulled.items():
            for item_id, came_from in pull.moved_in.items():
                ref = pull.state.refs[item_id]
                left = pulled.get(came_from)
                if left is None:
                    continue
                was = left.gone.get(item_id)
                old_ref = left.state.refs.get(item_id)
                old_key = was.remote_key if was else old_ref.key if old_ref else ref.key
                where = f"{ref.key} on {tracker} ({ref.url})" if ref.url else ref.key
                state = RemoteState(came_from, item_id, "followed", old_key, where, self.now())
                left.gone[item_id] = state
                record = known.get(item_id)
                rehome = record is not None and record.ref.tracker == came_from
                if record is not None and rehome:
                    known[item_id] = replace(record, ref=ref)
                # Never written there again, whatever that target's pull made of it.
                left.state = replace(
                    left.state,
                    refs={k: v for k, v in left.state.refs.items() if k != item_id},
                    unlinked=left.state.unlinked | {item_id},
                )
                if not store:
                    continue
                self._later(self.store.save_remote_states, self.project, [state])
                if was is None:  # not found gone there (yet): its ref goes all the same
                    self._later(self.store.delete_ref, self.project, came_from, item_id)
                if rehome:
                    self._later(self.store.rehome_born, self.project, item_id, ref)

    def ended(self, known: Mapping[str, BornRecord], pulled: Mapping[str, Pulled]) -> set[str]:
        """Tracker-born items whose issue is gone from the tracker they were born in."""
        ended = {
            item_id
            for item_id, record in known.items()
            if record.ref.tracker in pulled
            and item_id in pulled[record.ref.tracker].state.unlinked
        }
        return ended

    def endings(
        self, known: Mapping[str, BornRecord], pulled: Mapping[str, Pulled]
    ) -> dict[str, RemoteState]:
        """Each ended tracker-born item's end, as recorded where it was born (this run's
        finding, or an earlier run's)."""
        stored = self.store.remote_states(self.project)
        out: dict[str, RemoteState] = {}
        for item_id in self.ended(known, pulled):
            home = known[item_id].ref.tracker
            state = pulled[home].gone.get(item_id) or stored.get((home, item_id))
            if state is not None:
                out[item_id] = state
        return out

    def gone_skips(
        self,
        known: Mapping[str, BornRecord],
        pulled: Mapping[str, Pulled],
        policy: OnRemoteDelete,
    ) -> list[Skip]:
        """Each issue found gone, reported once: in the run that found it."""
        return [
            Skip(item_id, tracker, gone_reason(state, policy, item_id in known))
            for tracker, pull in pulled.items()
            for item_id, state in pull.gone.items()
        ]

    def roadmap_base(self, pulled: Mapping[str, Pulled]) -> dict[str, Values]:
        """The roadmap's base, with an adopted issue's values as the base of its item."""
        stored: dict[str, Values] = dict(self.store.get_base(self.project, ROADMAP))
        for pull in pulled.values():
            for item_id, values in pull.bound.items():
                stored.setdefault(item_id, values)
        return stored
