"""Glue for the report and spike commands: settings -> project -> store, roadmap, items.

The only module here that touches files and the database, so the computations stay pure.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.errors import UserError
from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Kind, Roadmap, Sprint, Track, WorkItem
from tracker_bridge.reports.board import BoardSnapshot, active_sprint, board_flow_stages
from tracker_bridge.reports.flow import CycleSummary, StoredFlow, cycle_summary, flow_times
from tracker_bridge.reports.history import (
    EventLike,
    Histories,
    by_item,
    local_date,
)
from tracker_bridge.reports.lines import ItemLike
from tracker_bridge.reports.spikes import SPIKE_KINDS, SpikeSummary, needs_stage_moves
from tracker_bridge.reports.sprint import Velocity, open_points_of, velocity_as_of
from tracker_bridge.reports.store_board import store_board
from tracker_bridge.reports.summary import (
    SprintReport,
    build_sprint_report,
    cycle_window,
    replayed_items,
    reported_sprints,
)
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store.records import ItemFlow
from tracker_bridge.workspace import open_workspace

_Item = TypeVar("_Item", bound=ItemLike)


@dataclass
class ReportContext:
    settings: Settings
    project: ProjectSettings
    roadmap: Roadmap
    """The plan. From `open_context`, its `items` are only the roadmap's items the store
    has not synced (the store's view replaces the others): ask `items()` for the items."""
    store: Store
    now: datetime
    order: Sequence[str] = ()
    """Every roadmap item id in file order, when `roadmap.items` leaves the synced ones out;
    empty: `roadmap.items` is every roadmap item."""
    _stored: tuple[dict[str, WorkItem], dict[str, WorkItem]] | None = field(
        default=None, repr=False
    )
    _items: dict[str, WorkItem] | None = field(default=None, repr=False)
    _current: set[str] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.project.name

    def _store_items(self) -> tuple[dict[str, WorkItem], dict[str, WorkItem]]:
        # Read once: a report asks for both the board and the ended items (100,000 items
        # read twice cost a second); the commands here record events, never items.
        if self._stored is None:
            self._stored = self.store.current_and_ended_items(self.name)
        return self._stored

    def items(self) -> dict[str, WorkItem]:
        """The synced view from the store, over the roadmap's items not synced yet: the
        roadmap's items in its order, then the items only the store has (born in a tracker).
        Made once (100,000 items: a twentieth of a second a time); not to be changed."""
        if self._items is None:
            self._items = self._merged_items()
        return self._items

    def _merged_items(self) -> dict[str, WorkItem]:
        return self._merged(self._store_items()[0], self.roadmap.item_by_id())

    def _merged(
        self, synced: Mapping[str, _Item], own: Mapping[str, WorkItem]
    ) -> dict[str, _Item | WorkItem]:
        """These synced items over these roadmap items: the roadmap's in its order, then
        the items only the store has (born in a tracker), in the store's (id) order."""
        merged = {
            item_id: synced[item_id] if item_id in synced else own[item_id]
            for item_id in (self.order or own)
            if item_id in synced or item_id in own
        }
        return {**merged, **synced}

    def synced_ids(self) -> set[str]:
        """The ids of the store's current items (`items()` takes these from the store)."""
        if self._current is None:
            self._current = (set(self._stored[0]) if self._stored is not None
                             else self.store.current_ids(self.name))
        return self._current

    def _unsynced(self) -> dict[str, WorkItem]:
        """The roadmap's items the store has not synced, by id."""
        synced = self.synced_ids()
        return {item_id: item for item_id, item in self.roadmap.item_by_id().items()
                if item_id not in synced}

    def _report_view(
        self, sprint_ids: Collection[str], item_ids: Collection[str]
    ) -> tuple[Mapping[str, ItemLike], Mapping[str, ItemLike]]:
        """(`items()` and `ended_items()` cut down to what a sprint report reads: every
        spike, the items of these sprints, those of these ids, and the roadmap's items not
        synced), in `items()`'s order: the synced ones as their cards (`report_cards`),
        without reading every item's JSON."""
        if self._stored is not None:  # every item read already
            return self.items(), self.ended_items()
        synced, ended = self.store.report_cards(self.name, sprint_ids, item_ids)
        return self._merged(synced, self._unsynced()), ended

    def spike_items(self) -> dict[str, ItemLike]:
        """The items of `items()` with a time-box (the spikes), in its order: reading only
        those, as cards (`spike check`: 18,000 of 100,000 items)."""
        if self._stored is not None:
            return {i: item for i, item in self.items().items() if item.timebox is not None}
        synced, _ = self.store.report_cards(self.name, (), ())
        return {item_id: item for item_id, item in self._merged(synced, self._unsynced()).items()
                if item.timebox is not None}

    def ended_items(self) -> dict[str, ItemLike]:
        """Tracker-born items that ended: for the sprint history only (`Store.ended_items`)."""
        return dict(self._store_items()[1])

    def board(self, extra: Mapping[str, WorkItem] | None = None) -> BoardSnapshot:
        """The board of `items()`, its lists clipped (`store_board`): the store's counts
        and first cards, merged with the roadmap's items the store has not synced
        (`extra`, when known already)."""
        extra = self._unsynced() if extra is None else extra
        stages = board_flow_stages(extra)
        flows = self.store.item_flows(self.name, stages) if stages else {}
        return store_board(self.store, self.name, self.roadmap, self.now, extra=extra,
                           extra_flows=flows)

    def sprint_report(
        self, sprint: Sprint, *, one_shot: bool = False, whole_board: bool = False
    ) -> SprintReport:
        """The sprint's report from the store's summaries (`sprint_reads`), with the
        project's settings, measurements and phase reviews: what `report sprint` prints
        and the scheduled summary posts, one way. `one_shot`: the process ends after the
        report (the CLI), so what was read is frozen out of the collector's passes: its
        first pass after the read walked all of it (0.15 s at 100,000 items); a
        long-running `serve` must not freeze what it will let go. `whole_board`: the
        board lists every card (`--full` JSON), not clipped (`board`)."""
        with no_gc_pauses(), ThreadPoolExecutor(max_workers=1) as pool:
            beside = pool if self.store.reads_side_by_side else None
            # Most of the board, and of the reads `sprint_reads` leaves beside, is the
            # database's work (counts, groups, index seeks), which SQLite does without the
            # interpreter's lock: on other threads, each on its own connection, while this
            # one reads and replays what the figures need.
            board = None if whole_board else _start(beside, self.board, self._unsynced())
            reads = self.sprint_reads(sprint, board_flows=whole_board, beside=beside)
            drawn = None if board is None else board.result()
            if one_shot:
                gc.freeze()
        return build_sprint_report(
            sprint, reads.items, (), self.roadmap, self.now,
            research_points_burndown=self.project.research_points_burndown,
            measurements=self.store.measurements(self.name),
            reviews=self.store.phase_reviews(self.name),
            ended=reads.ended,
            history=reads.history,
            named=reads.named,
            flows=reads.flows,
            spikes=reads.spikes,
            done=reads.done,
            velocity=reads.velocity,
            stored_flow=reads.stored_flow,
            board=drawn,
            open_points=reads.open_points,
        )

    def sprint_reads(
        self, sprint: Sprint, *, board_flows: bool = True, beside: Executor | None = None
    ) -> SprintReads:
        """What `build_sprint_report` needs from the store for this sprint: the events of
        only the items whose replay can change a figure (`replayed_items`), and the
        summaries that stand in for the others' (a few thousand histories of 100,000):
        the spikes' own events (`SpikeSummary`), and the synced cards' cumulative flow
        counted in the store (`StoredFlow`). `board_flows`: with the flow summaries of the
        cards in progress, for a board of every card (`flows`). `beside`: a thread for the
        reads that wait on nothing read here and are the database's work more than
        Python's (the flow's counts, the open points), while this one reads the rest."""
        # Tens of thousands of summaries and histories, none of them garbage: a
        # collection pass over all that was made would cost as much as a read.
        with no_gc_pauses():
            return self._sprint_reads(sprint, board_flows, beside)

    def _sprint_reads(
        self, sprint: Sprint, board_flows: bool, beside: Executor | None
    ) -> SprintReads:
        sprint_ids = reported_sprints(sprint, self.roadmap)
        since, until = cycle_window(sprint, self.roadmap, self.now)
        stored = _start(beside, self._stored_flow, sprint)
        found_points = _start(beside, self.store.open_points, self.name)
        named = self.store.sprints_named(self.name, sprint_ids)
        done = self._cycle_summaries(self.store.done_since(self.name, since, until), until)
        items: Mapping[str, ItemLike]
        ended: Mapping[str, ItemLike]
        if board_flows:  # a board of every card: every item
            items, ended = self.items(), self.ended_items()
        else:  # what the figures read: a few thousand cards of 100,000
            # Of the items moved into done since the window began, only those that can
            # have a cycle time: done at its end, or left to the replay to tell.
            cycled = (i for i, known in done.items() if known is None or known.done_at is not None)
            items, ended = self._report_view(
                sprint_ids, {*cycled, *(i for ids in named.values() for i in ids)})
        spikes, _, own = self._spike_events(items)
        done_at = self.store.last_done(self.name, spikes)
        summaries = {i: SpikeSummary(own.get(i, []), done_at.get(i)) for i in spikes}
        wanted = replayed_items(sprint, items, ended, named,
                                [i for i, known in done.items() if known is None],
                                served=summaries)
        # The cumulative flow of the synced cards is counted by the store; the others (the
        # roadmap's items not synced yet) are replayed from their events.
        counted = stored.result()
        wanted.update(i for i in items if i not in counted.items)
        return SprintReads(
            history=self.store.histories(self.name, item_ids=wanted),
            named=named,
            flows=self.store.item_flows(self.name, board_flow_stages(items)) if board_flows
            else {},
            spikes=summaries,
            done=done,
            velocity=velocity_as_of(sprint, {**ended, **items}, self.roadmap, self.now, named,
                                    _StoreAsOf(self.store, self.name)),
            stored_flow=counted,
            items=items,
            ended=ended,
            open_points=self._open_points(items, counted, found_points.result()),
        )

    def _stored_flow(self, sprint: Sprint) -> StoredFlow:
        """The store's cumulative flow of the synced cards over the sprint's days."""
        _, times = flow_times(sprint.start, sprint.end, self.now, self.roadmap.cadence.timezone)
        read = self.store.flow_counts(self.name, times)
        # Most stores have no row without card columns: then the synced set itself (a
        # hundred thousand lookups a report, each a call into Python otherwise).
        counted = (_Counted(self.synced_ids(), frozenset(read.unread)) if read.unread
                   else self.synced_ids())
        return StoredFlow(read.counts, counted)

    def _open_points(
        self, items: Mapping[str, ItemLike], stored: StoredFlow, found: Mapping[Track, float]
    ) -> dict[Track, float]:
        """The forecast's backlog of the current items (`open_points_of`): the store's sum
        of its rows with card columns (`found`, `Store.open_points`), and the others' here
        (the roadmap's items not synced, rows without card columns)."""
        rest = open_points_of(item for item_id, item in items.items()
                              if item_id not in stored.items)
        return {track: found[track] + rest[track] for track in Track}

    def _cycle_summaries(
        self, item_ids: set[str], until: datetime
    ) -> dict[str, CycleSummary | None]:
        """These items' `cycle_summary` at `until` (None: their events must tell)."""
        facts = self.store.cycle_facts(self.name, item_ids)
        found = {i: None if i not in facts else cycle_summary(facts[i], until)
                 for i in item_ids}
        # A past sprint's window: most items moved into done since it began were moved
        # again after it ended (done later, reopened), and their summary cannot tell where
        # they stood at `until`. Those the store finds not done then have no cycle time
        # (`cycle_item` needs their last move by `until` to be into done), so no replay:
        # 9,700 of the 13,900 histories a past sprint's report read at 100,000 items.
        unsure = [i for i, known in found.items() if known is None]
        if unsure:
            done_then = self.store.done_at(self.name, unsure, until)
            for item_id in unsure:
                if not done_then.get(item_id, False):
                    item_facts = facts.get(item_id)
                    created = None if item_facts is None else item_facts.created_at
                    found[item_id] = CycleSummary(created, None, None)
        return found

    def _spike_events(
        self, items: Mapping[str, ItemLike]
    ) -> tuple[list[str], list[str], dict[str, list[EventLike]]]:
        """(the spikes whose status and learning need no stage move, `needs_stage_moves`;
        the others; every spike's own events): for the first, these and their last move
        into done stand in for their whole history (a sixth of the events a report of
        100,000 items replayed)."""
        spikes = sorted(i.id for i in items.values()
                        if i.kind is Kind.SPIKE and i.timebox is not None)
        # Not `histories`: its order by item would walk every event of every spike; these
        # few rows come straight off the (project, kind, ...) index, then grouped here.
        own = by_item(self.store.events(self.name, kinds=SPIKE_KINDS, item_ids=spikes))
        moved = {i for i in spikes if needs_stage_moves(items[i], own.get(i, ()))}
        return [i for i in spikes if i not in moved], sorted(moved), own

    def spike_histories(self, items: Mapping[str, ItemLike]) -> Histories:
        """Per spike with a time-box, the events its status reads (`spike_status`): its own
        (`SPIKE_KINDS`), and its whole history only where its time-box start is known from
        its stage moves alone (`needs_stage_moves`): `spike check` at 100,000 items read
        every event of the project (1M) for a few thousand spikes' few events."""
        _, moved, own = self._spike_events(items)
        found: dict[str, Sequence[EventLike]] = dict(own)
        found.update(self.store.histories(self.name, item_ids=moved))
        return found

    def item_history(self, item_id: str) -> list[StoreEvent]:
        """One item's events in time order."""
        return self.store.histories(self.name, item_ids=[item_id]).get(item_id, [])

    def record(self, events: Sequence[StoreEvent]) -> int:
        return self.store.record_events(self.name, events)

    def sprint(self, sprint_id: str | None) -> Sprint:
        """The named sprint, else the active one."""
        sprints = self.roadmap.sprint_by_id()
        known = ", ".join(sprints) or "none"
        if sprint_id is not None:
            if sprint_id not in sprints:
                raise UserError(f"no sprint {sprint_id!r} in the roadmap (sprints: {known})")
            return sprints[sprint_id]
        found = active_sprint(self.roadmap, self.now)
        if found is None:
            day = local_date(self.now, self.roadmap.cadence.timezone)
            raise UserError(f"no active sprint on {day:%Y-%m-%d}: pass --sprint ({known})")
        return found


@dataclass(frozen=True)
class SprintReads:
    """`ReportContext.sprint_reads`: `build_sprint_report`'s keyword arguments of the
    same names."""

    history: dict[str, list[StoreEvent]]
    named: dict[str, set[str]]
    flows: dict[str, ItemFlow]
    spikes: dict[str, SpikeSummary]
    done: dict[str, CycleSummary | None]
    velocity: Velocity
    stored_flow: StoredFlow
    items: Mapping[str, ItemLike]
    """The items the figures read (`build_sprint_report`'s `items`): every item, or
    for a clipped board, those `_report_view` gives."""
    ended: Mapping[str, ItemLike]
    open_points: dict[Track, float]


@dataclass(frozen=True)
class _Counted:
    """The synced items but those the store could not count (`FlowRead.unread`)."""

    synced: Collection[str]
    unread: frozenset[str]

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.synced and item_id not in self.unread


@dataclass(frozen=True)
class _StoreAsOf:
    """`AsOf` from the store, for one project."""

    store: Store
    project: str

    def members_at(
        self, sprint_id: str, item_ids: Collection[str], at: datetime
    ) -> dict[str, bool]:
        return self.store.members_at(self.project, sprint_id, item_ids, at)

    def done_at(self, item_ids: Collection[str], at: datetime) -> dict[str, bool]:
        return self.store.done_at(self.project, item_ids, at)

    def points_at(self, item_ids: Collection[str], at: datetime) -> dict[str, float]:
        return self.store.points_at(self.project, item_ids, at)


_T = TypeVar("_T")


def _start(beside: Executor | None, read: Callable[..., _T], *args: Any) -> Future[_T]:
    """`read(*args)` on a thread of `beside`, or now (without one) as a future done."""
    if beside is not None:
        return beside.submit(read, *args)
    done: Future[_T] = Future()
    done.set_result(read(*args))
    return done


@contextmanager
def open_context(
    config: Path | None, project: str | None, now: datetime
) -> Iterator[ReportContext]:
    with open_workspace(config) as workspace:
        chosen = workspace.project(project)
        # Only the ids: a sprint report reads a few thousand items whole, not every one
        # (`ReportContext.items()` reads the rest when a command asks).
        synced = workspace.store.current_ids(chosen.name)
        # The team's date at `now` (its time zone), as `status` and the sprint choice use.
        # The items the store has synced are its view: the roadmap's copies are not loaded.
        loaded = load_roadmap_cached(chosen.roadmap, today=now, skip=synced)
        yield ReportContext(workspace.settings, chosen, loaded.roadmap, workspace.store, now,
                            order=tuple(loaded.lines), _current=synced)
