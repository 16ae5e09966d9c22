"""item_sprints: the (sprint, item) pairs events name, with the item's moves in and out.

`report sprint` found the items a sprint can hold by reading every sprint move of the
project (200k rows at 100,000 items), and the velocity sprints' members' whole histories
to know who was in each at its end. This table keeps, per (project, sprint, item) named by
a `created`, `sprint_added` or `sprint_removed` event whose `data["sprint"]` is a string,
the first and last move of the item into the sprint (`sprint_added`, a `created` but the
first sync's `seed`) and out of it (`sprint_removed`): MIN/MAX of its events, which
`Store.record_events` keeps in the write's transaction (`store/sprint_facts.py`).

The backfill reads the events of those kinds a batch at a time in row id order, decoding
each payload in Python as the writer does (a `seed` is one the replay counts as true), and
merges each batch's pairs into the rows. The rule is written out here, not imported: a
later change to the writer must not change what this revision did.

On SQLite the table gets the quiet-night triggers (see 0007_quiet_stamp).

Revision ID: 0013_item_sprints
Revises: 0012_cycle_facts
Create Date: 2026-12-02
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0013_item_sprints"
down_revision: str | None = "0012_cycle_facts"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255
KINDS = ("created", "sprint_added", "sprint_removed")
MOVES = ("first_in", "last_in", "first_out", "last_out")
ROWS_PER_BATCH = 20_000


def _ts(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def _pairs(rows: list[Any]) -> dict[tuple[str, str, str], list[Any]]:
    """(project, sprint, item) -> its MOVES times, of (project, item, kind, data, at) rows."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    for project, item_id, kind, data, at in rows:
        sprint = data.get("sprint") if isinstance(data, Mapping) else None
        if not isinstance(sprint, str):
            continue
        times = found.setdefault((project, sprint, item_id), [None] * len(MOVES))
        if kind == "created" and data.get("seed"):
            continue  # named, not moved: the roadmap planned it there
        first = 2 if kind == "sprint_removed" else 0
        times[first] = at if times[first] is None else min(times[first], at)
        times[first + 1] = at if times[first + 1] is None else max(times[first + 1], at)
    return found


def upgrade() -> None:
    op.create_table(
        "item_sprints",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("sprint_id", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        *(_ts(column) for column in MOVES),
        sa.PrimaryKeyConstraint("project", "sprint_id", "item_id", name="pk_item_sprints"),
    )
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    events = sa.table("events", sa.column("id", sa.Integer()), sa.column("project", sa.String()),
                      sa.column("item_id", sa.String()), sa.column("kind", sa.String()),
                      sa.column("data", sa.JSON().with_variant(JSONB(), "postgresql")),
                      sa.column("at", sa.DateTime(timezone=True)))
    pairs = sa.table("item_sprints", sa.column("project", sa.String()),
                     sa.column("sprint_id", sa.String()), sa.column("item_id", sa.String()),
                     *(sa.column(column, sa.DateTime(timezone=True)) for column in MOVES))
    insert: Any
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert
        earliest: Any = sa.func.min  # with two arguments: SQLite's scalar min and max
        latest: Any = sa.func.max
    else:
        from sqlalchemy.dialects.postgresql import insert
        earliest, latest = sa.func.least, sa.func.greatest
    stmt = insert(pairs)
    merge = stmt.on_conflict_do_update(
        index_elements=["project", "sprint_id", "item_id"],
        set_={column: (earliest if column.startswith("first") else latest)(
            sa.func.coalesce(pairs.c[column], stmt.excluded[column]),
            sa.func.coalesce(stmt.excluded[column], pairs.c[column]))
            for column in MOVES},
    )
    last = 0
    while True:  # a batch at a time, in row id order: the pairs of a batch, then the next
        rows = conn.execute(
            sa.select(events.c.id, events.c.project, events.c.item_id, events.c.kind,
                      events.c.data, events.c.at)
            .where(events.c.id > last, events.c.kind.in_(KINDS))
            .order_by(events.c.id).limit(ROWS_PER_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        found = _pairs([row[1:] for row in rows])
        conn.execute(merge, [
            {"project": project, "sprint_id": sprint, "item_id": item_id,
             **dict(zip(MOVES, times, strict=True))}
            for (project, sprint, item_id), times in sorted(found.items())
        ])
    if sqlite:
        quiet = importlib.import_module("tracker_bridge.store.migrations.versions.0007_quiet_stamp")
        for statement in quiet.quiet_triggers_sql("item_sprints"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for op_name in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "quiet_stamp_item_sprints_{op_name}"')
    op.drop_table("item_sprints")
