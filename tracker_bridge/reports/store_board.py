"""The board from the store's counts and clipped lists (`Store.board_parts`), not from
every card: what `status` and `report sprint` show, bar `--full` JSON.

Like `context.py`, this reads the database; `board_parts` keeps the computing pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from tracker_bridge.model import Roadmap
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS, BoardSnapshot, found_ageing
from tracker_bridge.reports.board_parts import (
    BoardParts,
    ageing_head,
    clipped_snapshot,
    merge_parts,
    parts_of,
)
from tracker_bridge.reports.history import FlowLike
from tracker_bridge.reports.lines import CLIPPED_AT, CardLike
from tracker_bridge.store import Store

AGEING_MARGIN = timedelta(minutes=1)
"""The store hands over the cards that entered their stage up to this much after the
ageing threshold too: whether each ages is decided here, to the microsecond, as
`board_snapshot` decides it (no SQL date arithmetic to agree with Python's)."""


def store_board(
    store: Store,
    project: str,
    roadmap: Roadmap,
    now: datetime,
    ageing_days: float = DEFAULT_AGEING_DAYS,
    extra: Mapping[str, CardLike] | None = None,
    extra_flows: Mapping[str, FlowLike] | None = None,
) -> BoardSnapshot:
    """`board_snapshot` of the store's current items and `extra` (cards the store has not
    synced: a report's roadmap items; with their flow summaries), with every list clipped
    at `CLIPPED_AT`: the same output in every format but `--full` JSON."""
    limit = CLIPPED_AT
    counted, entered, whole, flows = store.board_parts(
        project, limit, now - timedelta(days=ageing_days) + AGEING_MARGIN)
    head, ageing_total = ageing_head(entered, now, ageing_days, limit)
    cards = store.cards(project, [item_id for item_id, _ in head])
    stored = BoardParts(
        limit, counted.counts, counted.heads, counted.blocked, counted.blocked_total,
        counted.born, counted.born_total,
        # A card gone since the count (a concurrent sync dropped it) is left out.
        [found_ageing(cards[item_id][0], in_stage, cards[item_id][1])
         for item_id, in_stage in head if item_id in cards],
        ageing_total,
    )
    # Rows the store could not count (no card columns), and the caller's own cards.
    own = parts_of({**whole, **(extra or {})}, {**flows, **(extra_flows or {})}, now,
                   ageing_days, limit)
    return clipped_snapshot(merge_parts(stored, own), roadmap, now, ageing_days)
