"""The board from the store's counts and clipped lists (`store_board`, `ReportContext.board`)
against the board of every card (`board_snapshot` over every event): on random teams' boards,
SQLite and PostgreSQL, what every renderer prints must be the same.

A team's board here: hundreds of cards (each list longer than the 50 JSON shows), epics,
blocked cards, cards born in a tracker (some since ended: off the board), checklists; the
roadmap's items the store has not synced yet; rows written without card columns (read in
full); WIP limits per stage and per track; cards that entered their stage together (an
import), exactly at the ageing threshold, or where the days shown round alike.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.model import (
    BoardPolicy,
    Cadence,
    Kind,
    Origin,
    Roadmap,
    Sprint,
    SprintState,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.reports.board import BoardSnapshot, board_snapshot
from tracker_bridge.reports.context import ReportContext
from tracker_bridge.reports.fmt import breach_text
from tracker_bridge.reports.lines import CLIPPED_AT, ClippedError
from tracker_bridge.reports.render_json import to_json
from tracker_bridge.reports.render_terminal import render_board
from tracker_bridge.reports.store_board import store_board
from tracker_bridge.store import Store, StoreEvent

from .raw_rows import insert_raw

PROJECT = "p"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BUSY = (Stage.IN_PROGRESS, Stage.IN_REVIEW, Stage.IN_STAGING)


def _item(rng: random.Random, n: int) -> WorkItem:
    kind = rng.choice([Kind.STORY, Kind.STORY, Kind.TASK, Kind.BUG, Kind.SPIKE, Kind.EPIC])
    extra: dict[str, Any] = {}
    if rng.random() < 0.3:  # opened on Jira by someone, not planned in the roadmap
        ended = rng.choice([None, None, None, "deleted"])
        extra["origin"] = Origin(tracker="jira:P", key=f"P-{n}", url=f"https://j/P-{n}",
                                 ended=ended, ended_at=NOW if ended else None)
    if kind is Kind.SPIKE:
        extra["timebox"] = Timebox(length_days=5, hypothesis="caching helps")
    if rng.random() < 0.1:
        extra["acceptance_criteria"] = ("Works", "Documented")
        extra["checked"] = rng.choice([(), ("Works",)])
    # Most of the team's work in progress: the busy columns hold more than a list shows.
    stage = rng.choice(BUSY) if rng.random() < 0.6 else rng.choice(list(Stage))
    # Ids of uneven length and with punctuation: id order is the code points' (`e1-2` <
    # `e1.10` < `e1.9` < `e1_1`), whatever a database's collation says.
    item_id = rng.choice(["i", "i", "e1.", "e1-", "e1_", "x"]) + str(n)
    return WorkItem(id=item_id, kind=kind, title=f"Card {n}", stage=stage,
                    track=rng.choice(list(Track)), points=rng.choice([None, 1, 3]),
                    assignee=rng.choice([None, "ana", "bo"]), blocked=rng.random() < 0.3,
                    **extra)


def _entered(rng: random.Random, ageing_days: float) -> datetime:
    """When a card entered its stage: at the ageing threshold to the microsecond, an import's
    one time, where the days shown round alike (…x.x5 days), or any time in the last month."""
    threshold = NOW - timedelta(days=ageing_days)
    return rng.choice([
        threshold,
        threshold + timedelta(microseconds=1),
        threshold - timedelta(microseconds=1),
        datetime(2026, 11, 1, 9, tzinfo=UTC),  # the import
        NOW - timedelta(days=9.05),  # 9.1 or 9.0 days shown: a rounding tie
        NOW - timedelta(days=9.05, seconds=1),
        NOW - timedelta(days=9.05, seconds=-1),
        NOW - timedelta(days=rng.uniform(0, 30)),
        NOW - timedelta(hours=rng.randrange(0, 720)),
    ])


def _events(rng: random.Random, item: WorkItem, ageing_days: float) -> list[StoreEvent]:
    """A creation, and moves: the last one into its stage most often; sometimes none into
    it (unknown), or no history at all."""
    if rng.random() < 0.1:
        return []
    entered = _entered(rng, ageing_days)
    created = entered - timedelta(days=rng.choice([0, 0, 1, 3]))
    found = [StoreEvent("created", item.id, created, "jira")]
    if created == entered:
        return found  # created in its stage: never moved
    before = rng.choice(list(Stage))
    if rng.random() < 0.1:  # moved, but not into where it is now: since when is unknown
        return [*found, StoreEvent("stage_changed", item.id, entered, "jira",
                                   {"from": item.stage.value, "to": before.value})]
    return [*found,
            StoreEvent("stage_changed", item.id, created + (entered - created) / 2, "jira",
                       {"from": before.value, "to": Stage.IN_PROGRESS.value}),
            StoreEvent("stage_changed", item.id, entered, "jira",
                       {"from": Stage.IN_PROGRESS.value, "to": item.stage.value})]


def _policy(rng: random.Random) -> BoardPolicy:
    """Limits on some stages, and per track on some: research's review limit always (so
    a track's own limit is breached)."""
    per_track = {track: {stage: rng.choice([2, 30, 300]) for stage in Stage
                         if rng.random() < 0.3}
                 for track in Track if rng.random() < 0.7}
    per_track.setdefault(Track.RESEARCH, {})[Stage.IN_REVIEW] = 2
    return BoardPolicy(
        wip_limits={stage: rng.choice([3, 40, 200]) for stage in Stage if rng.random() < 0.5},
        wip_limits_per_track=per_track,
    )


def _roadmap(policy: BoardPolicy, items: tuple[WorkItem, ...] = ()) -> Roadmap:
    return Roadmap(
        project=PROJECT,
        cadence=Cadence(first_sprint_start=date(2026, 11, 9)),
        board=policy,
        sprints=(Sprint(id="s1", name="Sprint 1", start=date(2026, 11, 9),
                        end=date(2026, 11, 20), state=SprintState.ACTIVE),),
        items=items,
    )


def _terminal(snapshot: BoardSnapshot) -> str:
    out = io.StringIO()
    render_board(snapshot, Console(width=140, color_system=None, file=out))
    return out.getvalue()


def _same_output(clipped: BoardSnapshot, whole: BoardSnapshot) -> None:
    assert to_json(clipped) == to_json(whole)
    assert _terminal(clipped) == _terminal(whole)
    assert [breach_text(b) for b in clipped.breaches] == [breach_text(b) for b in whole.breaches]


@pytest.mark.parametrize("seed", range(4))
def test_the_clipped_board_prints_what_the_whole_board_prints(
    store_url: str, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    ageing_days = rng.choice([5.0, 2.5, 12.0])
    work = [_item(rng, n) for n in range(420)]
    raw, planned = work[:12], work[12:40]  # no card columns; only in the roadmap
    synced = work[40:]
    with Store.open(store_url) as store:
        store.save_items(PROJECT, synced)
        # The roadmap's items have no row, but some have events (seen on a tracker before
        # the sync stored them).
        store.record_events(PROJECT, [ev for item in [*synced, *raw, *planned[::2]]
                                      for ev in _events(rng, item, ageing_days)])
    insert_raw(store_url, PROJECT, raw, NOW)
    policy = _policy(rng)
    with Store.open(store_url) as store:
        current = store.get_items(PROJECT)
        everything = store.histories(PROJECT)
        roadmap = _roadmap(policy, tuple(planned))
        own = {item.id: item for item in planned}
        whole = board_snapshot({**own, **current}, roadmap, NOW, ageing_days=ageing_days,
                               history=everything)
        flows = store.item_flows(PROJECT, {i: item.stage.value for i, item in own.items()
                                           if item.stage.is_active})
        clipped = store_board(store, PROJECT, roadmap, NOW, ageing_days, extra=own,
                              extra_flows=flows)
        _same_output(clipped, whole)
        # The report's board: the store's items with the roadmap's it has not synced.
        settings = ProjectSettings(name=PROJECT, roadmap=tmp_path / "roadmap.yaml")
        ctx = ReportContext(Settings(projects=(settings,)), settings, roadmap, store, NOW)
        default = board_snapshot(ctx.items(), roadmap, NOW, history=everything)
        _same_output(ctx.board(), default)
    # Every list is longer than it keeps, and the board's cases all occur.
    assert len(whole.ageing) > CLIPPED_AT and len(whole.blocked) > CLIPPED_AT
    assert len(whole.tracker_born()) > CLIPPED_AT
    assert any(col.count > CLIPPED_AT for col in whole.columns)
    assert any(b.track is not None for b in whole.breaches)
    assert len({line.days_in_stage for line in whole.ageing[:CLIPPED_AT]}) < CLIPPED_AT
    # Read past what it keeps, a clipped list says so.
    with pytest.raises(ClippedError, match="--full"):
        list(clipped.ageing)


def test_a_small_board_is_whole(store: Store) -> None:
    """Lists shorter than the clip are whole: equal to the whole board's, card for card."""
    rng = random.Random(3)
    work = [_item(rng, n) for n in range(30)]
    store.save_items(PROJECT, work)
    store.record_events(PROJECT, [ev for item in work for ev in _events(rng, item, 5.0)])
    roadmap = _roadmap(BoardPolicy(wip_limits={Stage.IN_PROGRESS: 1}))
    clipped = store_board(store, PROJECT, roadmap, NOW)
    whole = board_snapshot(store.get_items(PROJECT), roadmap, NOW,
                           history=store.histories(PROJECT))
    assert list(clipped.ageing) == list(whole.ageing)
    assert list(clipped.blocked) == list(whole.blocked)
    assert [list(col.items) for col in clipped.columns] == [list(c.items) for c in whole.columns]
    assert to_json(clipped, full=True) == to_json(whole, full=True)
