"""`merge_parts`: the parts of two boards merged are the parts of the board of all their
cards (the store's cards and the roadmap's it has not synced, `ReportContext.board`)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tracker_bridge.model import Kind, Origin, Stage, Timebox, Track, WorkItem
from tracker_bridge.reports.board_parts import merge_parts, parts_of
from tracker_bridge.store.records import ItemFlow

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _card(rng: random.Random, n: int) -> WorkItem:
    kind = rng.choice(list(Kind))
    return WorkItem(
        id=f"{rng.choice(['a', 'b.', 'b-', 'c_'])}{n}", kind=kind, title=f"Card {n}",
        stage=rng.choice(list(Stage)), track=rng.choice(list(Track)),
        blocked=rng.random() < 0.4,
        timebox=Timebox(length_days=3, hypothesis="h") if kind is Kind.SPIKE else None,
        origin=Origin(tracker="github:o/r", key=f"#{n}") if rng.random() < 0.4 else None,
    )


def _flow(rng: random.Random, card: WorkItem) -> ItemFlow:
    # Entered together (a bulk move), or where the days shown round alike.
    entered = rng.choice([NOW - timedelta(days=6), NOW - timedelta(days=7.05),
                          NOW - timedelta(days=7.05, seconds=1),
                          NOW - timedelta(hours=rng.randrange(300))])
    return ItemFlow(entered - timedelta(days=1), entered, entered, {card.stage.value: entered})


def test_merged_parts_are_the_parts_of_all_the_cards() -> None:
    rng = random.Random(5)
    for _ in range(30):
        cards = {c.id: c for c in (_card(rng, n) for n in range(rng.randrange(0, 160)))}
        flows = {i: _flow(rng, c) for i, c in cards.items() if rng.random() < 0.9}
        ids = list(cards)
        rng.shuffle(ids)
        cut = rng.randrange(len(ids) + 1)
        a = {i: cards[i] for i in ids[:cut]}
        b = {i: cards[i] for i in ids[cut:]}
        limit = rng.choice([1, 5, 50])
        merged = merge_parts(parts_of(a, flows, NOW, 5.0, limit),
                             parts_of(b, flows, NOW, 5.0, limit))
        assert merged == parts_of(cards, flows, NOW, 5.0, limit)
