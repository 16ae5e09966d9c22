"""item_flow: per item, what `status` needs of its stage moves, kept as events are recorded.

`status` shows how long each card in progress has been in its stage and since it first
started. Both come from the item's `created` and `stage_changed` events; at 100k items that
meant reading ~460k events on every run. This table keeps, per item: its first `created`
time, its first move into a started stage (in_progress or beyond), its last stage move,
and its last move into each stage (the item's current stage, read from `items`, picks one).
Every one is a MIN or MAX over the item's events, so `Store.record_events` keeps it exact
by folding the events of the items it touched into their rows in the same transaction,
and this migration fills it from the stored events in one set-based statement.

On SQLite the table gets the quiet-night triggers (see 0007_quiet_stamp).

Revision ID: 0008_item_flow
Revises: 0007_quiet_stamp
Create Date: 2026-12-02
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision: str = "0008_item_flow"
down_revision: str | None = "0007_quiet_stamp"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255
STAGES = ("backlog", "sprint_backlog", "in_progress", "in_review", "ready_for_staging",
          "in_staging", "ready_for_prod", "done")
STARTED = STAGES[2:]
"""From in_progress on: a move into one of these starts the item's work item age."""


def _ts(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def _backfill_sql(dialect: str) -> str:
    moved_to = "json_extract(data, '$.to')" if dialect == "sqlite" else "data ->> 'to'"
    started = ", ".join(f"'{stage}'" for stage in STARTED)
    entered = "".join(
        f",\n  MAX(CASE WHEN move_to = '{stage}' THEN at END)" for stage in STAGES
    )
    columns = ", ".join(f"entered_{stage}" for stage in STAGES)
    return (
        "INSERT INTO item_flow (project, item_id, created_at, started_at, moved_at, "
        f"{columns})\n"
        "SELECT project, item_id,\n"
        "  MIN(CASE WHEN kind = 'created' THEN at END),\n"
        f"  MIN(CASE WHEN move_to IN ({started}) THEN at END),\n"
        f"  MAX(CASE WHEN kind = 'stage_changed' THEN at END){entered}\n"
        "FROM (SELECT project, item_id, kind, at,\n"
        f"        CASE WHEN kind = 'stage_changed' THEN {moved_to} END AS move_to\n"
        "      FROM events WHERE kind IN ('created', 'stage_changed')) AS moves\n"
        "GROUP BY project, item_id"
    )


def upgrade() -> None:
    op.create_table(
        "item_flow",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        _ts("created_at"),
        _ts("started_at"),
        _ts("moved_at"),
        *(_ts(f"entered_{stage}") for stage in STAGES),
        sa.PrimaryKeyConstraint("project", "item_id", name="pk_item_flow"),
    )
    bind = op.get_bind()
    op.execute(_backfill_sql(bind.dialect.name))
    if bind.dialect.name == "sqlite":
        quiet = importlib.import_module("tracker_bridge.store.migrations.versions.0007_quiet_stamp")
        for statement in quiet.quiet_triggers_sql("item_flow"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for op_name in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "quiet_stamp_item_flow_{op_name}"')
    op.drop_table("item_flow")
