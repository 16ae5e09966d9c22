"""item_stage_spans: per item, the stage it was in over each stretch of time.

`report sprint`'s cumulative flow counted, per track, the cards in each stage at the end of
each of the sprint's days by replaying the later moves of every card moved since its first
day (112,000 moves at 100,000 items) and walking every item in Python. This table keeps,
per item, its `created` and `stage_changed` events reduced to spans: the stage it was in
from `since` (inclusive, NULL: always) until `until` (exclusive, NULL: still), visible from
its first creation; a NULL stage is the item's current one (no move on record). The flow is
then a GROUP BY in the database. `Store.record_events` rebuilds an item's spans from all of
its events in the write's transaction (`store/stage_spans.py`).

The backfill reads, a batch of items at a time, their events of those two kinds in (time,
row id) order and applies the replay's rule, written out here, not imported: a later change
to the writer must not change what this revision did.

Also the item's sprint as a column of `items`, filled from its JSON: a sprint report reads
its sprints' items whole, not every item.

On SQLite the table gets the quiet-night triggers (see 0007_quiet_stamp).

Revision ID: 0015_stage_spans
Revises: 0014_items_board_index
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0015_stage_spans"
down_revision: str | None = "0014_items_board_index"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255
KINDS = ("created", "stage_changed")
STAGES = ("backlog", "sprint_backlog", "in_progress", "in_review", "ready_for_staging",
          "in_staging", "ready_for_prod", "done")
ITEMS_PER_BATCH = 1_000


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(at: datetime | None) -> int | None:
    """Whole microseconds since 1970 UTC (SQLite gives naive UTC times)."""
    if at is None:
        return None
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return (aware - EPOCH) // timedelta(microseconds=1)


def _stage(value: Any) -> str | None:
    return value if isinstance(value, str) and value in STAGES else None


def _spans(history: list[tuple[str, Any, Any]]) -> list[tuple[str | None, Any, Any]]:
    """(stage, since, until) of one item's (kind, at, data) events in (at, id) order."""
    moves: list[tuple[Any, str]] = []
    created = began = None
    for kind, at, data in history:
        if kind == "stage_changed":
            to = _stage(data.get("to")) if isinstance(data, Mapping) else None
            if to is None:
                continue
            if not moves:
                began = _stage(data.get("from"))
            moves.append((at, to))
        elif kind == "created" and created is None:
            created = at
    if not moves:
        pieces: list[tuple[str | None, Any, Any]] = [(None, None, None)]
    else:
        ends = [at for at, _ in moves[1:]] + [None]
        pieces = [(began or "backlog", None, moves[0][0]),
                  *((stage, at, end) for (at, stage), end in zip(moves, ends, strict=True))]
    found: list[tuple[str | None, Any, Any]] = []
    for stage, since, until in pieces:
        if created is not None:
            if until is not None and until <= created:
                continue
            if since is None or since < created:
                since = created
        if since is not None and until is not None and until <= since:
            continue
        if found and found[-1][0] == stage and found[-1][2] == since:
            found[-1] = (stage, found[-1][1], until)
        else:
            found.append((stage, since, until))
    return found


def _card_of(row: Any) -> tuple[str | None, bool]:
    """(track, counted) of an `items` row's (kind, track, ended), or of no row (None)."""
    if row is None:
        return None, False
    kind, track, ended = row
    return track, kind is not None and kind != "epic" and not ended


# The tables as this migration reads and writes them (0016 too, for its repair).
EVENTS = sa.table("events", sa.column("id", sa.Integer()), sa.column("project", sa.String()),
                  sa.column("item_id", sa.String()), sa.column("kind", sa.String()),
                  sa.column("data", sa.JSON().with_variant(JSONB(), "postgresql")),
                  sa.column("at", sa.DateTime(timezone=True)))
ITEMS = sa.table("items", sa.column("project", sa.String()), sa.column("item_id", sa.String()),
                 sa.column("kind", sa.String()), sa.column("track", sa.String()),
                 sa.column("stage", sa.String()), sa.column("ended", sa.Boolean()))
SPANS = sa.table("item_stage_spans", sa.column("project", sa.String()),
                 sa.column("item_id", sa.String()), sa.column("seq", sa.Integer()),
                 sa.column("stage", sa.String()), sa.column("current", sa.Boolean()),
                 sa.column("since", sa.BigInteger()), sa.column("until", sa.BigInteger()),
                 sa.column("track", sa.String()), sa.column("counted", sa.Boolean()))


def _span_rows(
    project: str, item_id: str, history: list[tuple[str, Any, Any]], card: Any
) -> list[dict[str, Any]]:
    """One item's `item_stage_spans` rows, from its (kind, at, data) events in (at, id)
    order and its `items` row's (kind, track, stage, ended), or None without a row."""
    track, counted = _card_of(None if card is None else (card[0], card[1], card[3]))
    now = None if card is None else card[2]
    return [{"project": project, "item_id": item_id, "seq": seq,
             "stage": stage or now or "backlog", "current": stage is None,
             "since": _micros(since), "until": _micros(until), "track": track,
             "counted": counted}
            for seq, (stage, since, until) in enumerate(_spans(history))]


def upgrade() -> None:
    op.create_table(
        "item_stage_spans",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("since", sa.BigInteger(), nullable=True),
        sa.Column("until", sa.BigInteger(), nullable=True),
        sa.Column("track", sa.String(32), nullable=True),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("project", "item_id", "seq", name="pk_item_stage_spans"),
    )
    op.create_index("ix_item_stage_spans_project_counted_until_since_track_stage",
                    "item_stage_spans",
                    ["project", "counted", "until", "since", "track", "stage"])
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.add_column("items", sa.Column("sprint", sa.String(NAME), nullable=True))
    op.execute("UPDATE items SET sprint = json_extract(data, '$.sprint')" if sqlite
               else "UPDATE items SET sprint = data->>'sprint'")
    events, items, spans = EVENTS, ITEMS, SPANS
    keys = [*conn.execute(sa.select(events.c.project, events.c.item_id).distinct()
                          .where(events.c.kind.in_(KINDS))),
            *conn.execute(sa.select(items.c.project, items.c.item_id))]
    by_project: dict[str, set[str]] = {}
    for project, item_id in keys:
        by_project.setdefault(project, set()).add(item_id)
    for project, item_ids in sorted(by_project.items()):
        ordered = sorted(item_ids)
        for start in range(0, len(ordered), ITEMS_PER_BATCH):
            batch = ordered[start:start + ITEMS_PER_BATCH]
            rows = conn.execute(
                sa.select(events.c.item_id, events.c.kind, events.c.at, events.c.data)
                .where(events.c.project == project, events.c.item_id.in_(batch),
                       events.c.kind.in_(KINDS))
                .order_by(events.c.item_id, events.c.at, events.c.id)
            ).all()
            histories: dict[str, list[tuple[str, Any, Any]]] = {item_id: [] for item_id in batch}
            for item_id, kind, at, data in rows:
                histories[item_id].append((kind, at, data))
            cards = {row[0]: row[1:] for row in conn.execute(
                sa.select(items.c.item_id, items.c.kind, items.c.track, items.c.stage,
                          items.c.ended)
                .where(items.c.project == project, items.c.item_id.in_(batch)))}
            found: list[dict[str, Any]] = []
            for item_id, history in histories.items():
                found.extend(_span_rows(project, item_id, history, cards.get(item_id)))
            if found:
                conn.execute(spans.insert(), found)
    if sqlite:
        quiet = importlib.import_module("tracker_bridge.store.migrations.versions.0007_quiet_stamp")
        for statement in quiet.quiet_triggers_sql("item_stage_spans"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for op_name in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "quiet_stamp_item_stage_spans_{op_name}"')
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop its triggers.
    op.execute('ALTER TABLE items DROP COLUMN "sprint"')
    op.drop_table("item_stage_spans")
