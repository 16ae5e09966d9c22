"""Glue for the report and spike commands: settings -> project -> store, roadmap, items.

The only module here that touches files and the database, so the computations stay pure.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.errors import UserError
from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Kind, Roadmap, Sprint, Stage, WorkItem
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.reports.board import active_sprint, board_flow_stages
from tracker_bridge.reports.flow import CycleSummary, FlowTail, cycle_summary
from tracker_bridge.reports.history import (
    EventLike,
    Histories,
    by_item,
    local_date,
)
from tracker_bridge.reports.spikes import SPIKE_KINDS, SpikeSummary, needs_stage_moves
from tracker_bridge.reports.sprint import Velocity, velocity_as_of
from tracker_bridge.reports.summary import (
    SprintReport,
    build_sprint_report,
    cycle_window,
    flow_marks_times,
    replayed_items,
    reported_sprints,
)
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store.records import ItemFlow
from tracker_bridge.workspace import open_workspace


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
        synced = self._store_items()[0]
        own = self.roadmap.item_by_id()
        merged = {
            item_id: synced[item_id] if item_id in synced else own[item_id]
            for item_id in (self.order or own)
            if item_id in synced or item_id in own
        }
        return {**merged, **synced}

    def ended_items(self) -> dict[str, WorkItem]:
        """Tracker-born items that ended: for the sprint history only (`Store.ended_items`)."""
        return dict(self._store_items()[1])

    def sprint_report(self, sprint: Sprint, *, one_shot: bool = False) -> SprintReport:
        """The sprint's report from the store's summaries (`sprint_reads`), with the
        project's settings, measurements and phase reviews: what `report sprint` prints
        and the scheduled summary posts, one way. `one_shot`: the process ends after the
        report (the CLI), so what was read is frozen out of the collector's passes: its
        first pass after the read walked all of it (0.15 s at 100,000 items); a
        long-running `serve` must not freeze what it will let go."""
        items = self.items()
        with no_gc_pauses():
            reads = self.sprint_reads(sprint)
            if one_shot:
                gc.freeze()
        return build_sprint_report(
            sprint, items, (), self.roadmap, self.now,
            research_points_burndown=self.project.research_points_burndown,
            measurements=self.store.measurements(self.name),
            reviews=self.store.phase_reviews(self.name),
            ended=self.ended_items(),
            history=reads.history,
            named=reads.named,
            settled=reads.settled,
            flows=reads.flows,
            spikes=reads.spikes,
            tails=reads.tails,
            done=reads.done,
            velocity=reads.velocity,
        )

    def sprint_reads(self, sprint: Sprint) -> SprintReads:
        """What `build_sprint_report` needs from the store for this sprint: the events of
        only the items whose replay can change a figure (`replayed_items`), and the
        summaries that stand in for the others' (a few thousand histories of 100,000):
        the spikes' own events (`SpikeSummary`), and the moved cards' stage at the first
        day's end with their moves since (`FlowTail`)."""
        # Tens of thousands of summaries, histories and tails, none of them garbage: a
        # collection pass over all that was made would cost as much as a read.
        with no_gc_pauses():
            return self._sprint_reads(sprint)

    def _sprint_reads(self, sprint: Sprint) -> SprintReads:
        items, ended = self.items(), self._store_items()[1]
        spikes, _, own = self._spike_events(items)
        after, done_since = flow_marks_times(sprint, self.roadmap, self.now)
        marks = self.store.flow_marks(self.name, after, done_since, board_flow_stages(items),
                                      done_of=spikes)
        summaries = {i: SpikeSummary(own.get(i, []), marks.done_at.get(i)) for i in spikes}
        named = self.store.sprints_named(self.name, reported_sprints(sprint, self.roadmap))
        done = self._cycle_summaries(marks.done_since, cycle_window(sprint, self.roadmap,
                                                                    self.now)[1])
        wanted = replayed_items(sprint, items, ended, named,
                                [i for i, known in done.items() if known is None],
                                served=summaries)
        # The other cards moved since the first day's end: only their later moves are
        # read, with their stage then (at 100k items, half the events they held).
        moved = [i for i in marks.replay
                 if i not in wanted and i in items and items[i].kind is not Kind.EPIC]
        return SprintReads(
            history=self.store.histories(self.name, item_ids=wanted),
            named=named,
            settled=marks.settled,
            flows=marks.flows,
            spikes=summaries,
            tails=self._flow_tails(moved, after),
            done=done,
            velocity=velocity_as_of(sprint, {**ended, **items}, self.roadmap, self.now, named,
                                    _StoreAsOf(self.store, self.name)),
        )

    def _cycle_summaries(
        self, item_ids: set[str], until: datetime
    ) -> dict[str, CycleSummary | None]:
        """These items' `cycle_summary` at `until` (None: their events must tell)."""
        facts = self.store.cycle_facts(self.name, item_ids)
        return {i: None if i not in facts else cycle_summary(facts[i], until)
                for i in item_ids}

    def _flow_tails(self, item_ids: list[str], after: datetime) -> dict[str, FlowTail]:
        """For the cumulative flow, each of these cards' stage at `after` (the first day's
        end) and its moves since: not the moves before, which only led there."""
        starts = self.store.stages_at(self.name, item_ids, after)
        later = self.store.stage_moves(self.name, starts, after)
        none = ((), None)
        return {item_id: FlowTail(parse_stage(stage), created, *later.get(item_id, none))
                for item_id, (created, stage) in starts.items()}

    def _spike_events(
        self, items: dict[str, WorkItem]
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

    def spike_histories(self, items: dict[str, WorkItem]) -> Histories:
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
    settled: dict[str, Stage | None]
    flows: dict[str, ItemFlow]
    spikes: dict[str, SpikeSummary]
    tails: dict[str, FlowTail]
    done: dict[str, CycleSummary | None]
    velocity: Velocity


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


@contextmanager
def open_context(
    config: Path | None, project: str | None, now: datetime
) -> Iterator[ReportContext]:
    with open_workspace(config) as workspace:
        chosen = workspace.project(project)
        stored = workspace.store.current_and_ended_items(chosen.name)
        # The team's date at `now` (its time zone), as `status` and the sprint choice use.
        # The items the store has synced are its view: the roadmap's copies are not loaded.
        loaded = load_roadmap_cached(chosen.roadmap, today=now, skip=stored[0])
        yield ReportContext(workspace.settings, chosen, loaded.roadmap, workspace.store, now,
                            order=tuple(loaded.lines), _stored=stored)
