"""Board cards (`items` columns, migration 0009): what `status` reads instead of the JSON.

The cards must say what the stored items say, whether the store wrote them (every save,
sync edits included) or the migration filled them from old rows; and the board built from
them must be the board built from the whole items.
"""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console
from sqlalchemy import create_engine, inspect, select

from tests.store.alembic_steps import migrate_to
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
from tracker_bridge.reports.board import board_flow_stages, board_snapshot
from tracker_bridge.reports.render_json import to_json
from tracker_bridge.reports.render_terminal import render_board
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store import schema as s
from tracker_bridge.store.cards import CARD_COLUMNS, Card, card_columns

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _varied(n: int = 240, seed: int = 7) -> list[WorkItem]:
    """Every kind, stage and track; points, assignees, blocked, odd titles; tracker-born
    items (some ended); checklists (criteria, a definition of done, ticks)."""
    rng = random.Random(seed)
    found: list[WorkItem] = []
    for n_ in range(n):
        kind = rng.choice(list(Kind))
        extra: dict[str, Any] = {}
        if kind is Kind.SPIKE:
            extra["timebox"] = Timebox(length_days=5, hypothesis="h")
        if rng.random() < 0.25:
            key = f"TREND-{n_}"
            ended = rng.choice([None, None, "deleted", "out_of_scope"])
            extra["origin"] = Origin(tracker="jira:TREND", key=key, url=f"https://j/{key}",
                                     ended=ended, ended_at=T0 if ended else None)
        if rng.random() < 0.15:
            extra["acceptance_criteria"] = ("Works", "Documented")
            extra["checked"] = rng.choice([(), ("Works",)])
        if rng.random() < 0.1:
            extra["definition_of_done"] = ("Reviewed",)
        found.append(WorkItem(
            id=f"i{n_:03d}",
            kind=kind,
            title=rng.choice(["Plain", 'Quote "it"', "Ünïcode ✓", "x" * 255, "a\nb"]),
            track=rng.choice(list(Track)),
            stage=rng.choice(list(Stage)),
            points=rng.choice([None, 0, 1, 2.5, 13]),
            assignee=rng.choice([None, "ana", "bo"]),
            blocked=rng.random() < 0.2,
            sprint=rng.choice([None, "s1"]),
            **extra,
        ))
    return found


def _events(work: list[WorkItem], seed: int = 7) -> list[StoreEvent]:
    """Creations and stage moves, some into the item's current stage, some not at all."""
    rng = random.Random(seed)
    found: list[StoreEvent] = []
    for item in work:
        if rng.random() < 0.1:
            continue  # no history: unknown age
        at = T0 + timedelta(hours=rng.randrange(0, 200))
        found.append(StoreEvent("created", item.id, at))
        for _ in range(rng.randrange(0, 4)):
            at += timedelta(hours=rng.randrange(1, 300))
            before, after = rng.choice(list(Stage)), rng.choice([*Stage, item.stage])
            found.append(StoreEvent("stage_changed", item.id, at, "jira",
                                    {"from": before.value, "to": after.value}))
    return found


def _roadmap() -> Roadmap:
    return Roadmap(
        project="p",
        cadence=Cadence(first_sprint_start=date(2026, 11, 9)),
        board=BoardPolicy(wip_limits={Stage.IN_PROGRESS: 5},
                          wip_limits_per_track={Track.RESEARCH: {Stage.IN_REVIEW: 2}}),
        sprints=(Sprint(id="s1", name="Sprint 1", start=date(2026, 11, 9),
                        end=date(2026, 11, 20), state=SprintState.ACTIVE),),
    )


def _card_rows(url: str) -> dict[str, dict[str, Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            t = s.items
            rows = conn.execute(select(t.c.item_id, *(t.c[c] for c in CARD_COLUMNS))
                                .where(t.c.project == "p"))
            return {item_id: dict(zip(CARD_COLUMNS, values, strict=True))
                    for item_id, *values in rows}
    finally:
        engine.dispose()


def _insert_raw(url: str, item_id: str, data: dict[str, Any]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(s.items.insert().values(project="p", item_id=item_id, data=data,
                                                 updated_at=T0))
    finally:
        engine.dispose()


def test_the_migration_fills_the_cards_as_the_store_keeps_them(store_url: str) -> None:
    """A store upgraded from 0008 gets the columns `save_items` would have written, and an
    old document missing keys gets the model's defaults."""
    work = _varied()
    with Store.open(store_url) as store:
        store.save_items("p", work)
    kept = _card_rows(store_url)
    assert kept == {item.id: card_columns(item) for item in work}
    migrate_to(store_url, "0008_item_flow")
    engine = create_engine(store_url)
    try:
        assert not set(CARD_COLUMNS) & {c["name"] for c in inspect(engine).get_columns("items")}
    finally:
        engine.dispose()
    # Stored before the fields it lacks existed (no track, stage, origin, checklists).
    old = {"id": "old", "kind": "bug", "title": "Old", "points": 3, "blocked": True}
    _insert_raw(store_url, "old", old)
    Store.open(store_url).close()  # back to head: the migration fills the columns
    filled = _card_rows(store_url)
    assert filled.pop("old") == card_columns(WorkItem.model_validate(old))
    assert filled == kept


def test_saving_keeps_the_cards_in_step(store_url: str) -> None:
    """A sync edits an item (stage, title, points, assignee, blocked); a tracker-born item
    ends: the cards follow every save, and the ended one leaves the board."""
    born = WorkItem(id="jira-trend-9", kind=Kind.BUG, title="From Jira", stage=Stage.IN_REVIEW,
                    origin=Origin(tracker="jira:TREND", key="TREND-9"))
    story = WorkItem(id="a", kind=Kind.STORY, title="A", points=3, assignee="ana")
    with Store.open(store_url) as store:
        store.save_items("p", [story, born])
        edited = story.model_copy(update={"stage": Stage.IN_PROGRESS, "title": "A, renamed",
                                          "points": None, "assignee": None, "blocked": True})
        gone = born.model_copy(update={"origin": born.origin.model_copy(  # type: ignore[union-attr]
            update={"ended": "deleted", "ended_at": T0})})
        store.save_items("p", [edited, gone])
        cards, _ = store.board_cards("p")
        assert set(store.ended_items("p")) == {"jira-trend-9"}
    assert cards == {"a": Card("a", Kind.STORY, "A, renamed", Track.ENGINEERING,
                               Stage.IN_PROGRESS, None, None, True, None, (), (), ())}
    assert _card_rows(store_url) == {"a": card_columns(edited),
                                     "jira-trend-9": card_columns(gone)}


def test_the_board_from_the_cards_is_the_board_from_the_items(store_url: str) -> None:
    """What `status` builds (cards and their flow rows, one read) against what it built
    before (every item in full, the flow summaries): equal, and so are both outputs."""
    work = _varied()
    with Store.open(store_url) as store:
        store.save_items("p", work)
        store.record_events("p", _events(work))
        cards, flows = store.board_cards("p")
        items = store.get_items("p")
        item_flows = store.item_flows("p", board_flow_stages(items))
        history = store.histories("p")
    assert set(cards) == set(items)
    assert all(isinstance(card, Card) for card in cards.values())  # no item read in full
    assert flows == item_flows
    roadmap = _roadmap()
    light = board_snapshot(cards, roadmap, NOW, flows=flows)
    whole = board_snapshot(items, roadmap, NOW, history=history)
    assert light == whole
    # The store's varied cases all reach the board.
    assert light.breaches and light.blocked and light.ageing and light.tracker_born()
    assert any(line.acceptance for col in light.columns for line in col.items)
    assert to_json(light, full=True) == to_json(whole, full=True)
    assert to_json(light) == to_json(whole)
    assert _terminal(light) == _terminal(whole)


def _terminal(snapshot: Any) -> str:
    out = io.StringIO()
    render_board(snapshot, Console(width=120, color_system=None, file=out))
    return out.getvalue()


def test_a_row_without_card_columns_is_read_in_full(store_url: str) -> None:
    """Rows written by other means than `save_items` (NULL card columns): the board
    still shows them as they are, ended ones left off, with their flow summaries."""
    busy = WorkItem(id="busy", kind=Kind.TASK, title="Busy", stage=Stage.IN_PROGRESS)
    ended = WorkItem(id="ended", kind=Kind.TASK, title="Ended",
                     origin=Origin(tracker="jira:TREND", key="TREND-2", ended="moved"))
    with Store.open(store_url) as store:
        store.save_items("p", [WorkItem(id="plain", kind=Kind.STORY, title="Plain")])
        store.record_events("p", [StoreEvent("created", "busy", T0)])
    for item in (busy, ended):
        _insert_raw(store_url, item.id, json.loads(item.model_dump_json()))
    with Store.open(store_url) as store:
        cards, flows = store.board_cards("p")
    assert cards["busy"] == busy and set(cards) == {"busy", "plain"}
    assert flows["busy"].created_at == T0
