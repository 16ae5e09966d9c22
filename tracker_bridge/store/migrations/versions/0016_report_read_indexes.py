"""Indexes for `report sprint`'s reads of the cards and their stage spans.

- item_stage_spans by (project, counted, track, stage, until) and by (project, counted,
  track, stage, since), in place of (project, counted, until, since, track, stage): the
  cumulative flow counts, per track and stage, the spans ending, and those beginning,
  between two of its times (`store/stage_spans.py`), each a range of one index, nothing
  sorted. The flow grouped the spans ended since its first time by (track, stage, time
  indexes) and sorted 140,000 of them at 100k items (0.2 s).
- ix_items_board with `points` last: each track's open points (the forecast) read from the
  index, not from every row (100k rows: 0.07 s).
- items without card columns (`kind` NULL: written before 0009, read in full), by project:
  three reads of a report asked for them by scanning the board index (0.01 s each); the
  index holds those rows only, none in a store written since.

And on SQLite, the spans of the items with a `created` or `stage_changed` event 999,500
microseconds or more past a second are rebuilt (as 0015 built them): the writer took the
next second for those times (SQLite's `strftime('%s')` rounds to milliseconds).

Revision ID: 0016_report_read_indexes
Revises: 0015_stage_spans
Create Date: 2026-12-03
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision: str = "0016_report_read_indexes"
down_revision: str | None = "0015_stage_spans"
branch_labels: str | None = None
depends_on: str | None = None

SPANS_BEFORE = ("ix_item_stage_spans_project_counted_until_since_track_stage",
                ["project", "counted", "until", "since", "track", "stage"])
SPANS = [("ix_item_stage_spans_project_counted_track_stage_until",
          ["project", "counted", "track", "stage", "until"]),
         ("ix_item_stage_spans_project_counted_track_stage_since",
          ["project", "counted", "track", "stage", "since"])]
BOARD_BEFORE = ["project", "stage", "track", "item_id", "kind", "ended", "blocked",
                "origin_tracker"]
BOARD = [*BOARD_BEFORE, "points"]
UNREAD = "ix_items_unread"
NO_CARD = sa.text("kind IS NULL")


def _rebuild_late_spans() -> None:
    """Rebuild, by 0015's rule, the spans of the items with an event of its kinds whose
    time the SQLite writer read a second late (a few in a store, if any)."""
    built = importlib.import_module("tracker_bridge.store.migrations.versions.0015_stage_spans")
    conn = op.get_bind()
    events, items, spans = built.EVENTS, built.ITEMS, built.SPANS
    late = conn.execute(sa.select(events.c.project, events.c.item_id).distinct().where(
        events.c.kind.in_(built.KINDS),
        sa.func.substr(sa.cast(events.c.at, sa.Text()), 21, 6) >= "999500")).all()
    for project, item_id in late:
        history = [tuple(row) for row in conn.execute(
            sa.select(events.c.kind, events.c.at, events.c.data)
            .where(events.c.project == project, events.c.item_id == item_id,
                   events.c.kind.in_(built.KINDS))
            .order_by(events.c.at, events.c.id))]
        card = conn.execute(sa.select(items.c.kind, items.c.track, items.c.stage, items.c.ended)
                            .where(items.c.project == project, items.c.item_id == item_id)
                            ).first()
        conn.execute(spans.delete().where(spans.c.project == project,
                                          spans.c.item_id == item_id))
        conn.execute(spans.insert(), built._span_rows(project, item_id, history, card))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_late_spans()
    op.drop_index(SPANS_BEFORE[0], table_name="item_stage_spans")
    for name, columns in SPANS:
        op.create_index(name, "item_stage_spans", columns)
    op.drop_index("ix_items_board", table_name="items")
    op.create_index("ix_items_board", "items", BOARD)
    op.create_index(UNREAD, "items", ["project", "kind", "item_id"],
                    sqlite_where=NO_CARD, postgresql_where=NO_CARD)


def downgrade() -> None:
    op.drop_index(UNREAD, table_name="items")
    op.drop_index("ix_items_board", table_name="items")
    op.create_index("ix_items_board", "items", BOARD_BEFORE)
    for name, _ in SPANS:
        op.drop_index(name, table_name="item_stage_spans")
    op.create_index(SPANS_BEFORE[0], "item_stage_spans", SPANS_BEFORE[1])
