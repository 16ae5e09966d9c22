"""The quiet-night stamp, the store generation, and (SQLite) the triggers that keep both.

A full sync whose run was completely quiet stores one stamp per project (see
`tracker_bridge/quiet/`). Any later write to the store may change what the next sync
would do, so on SQLite every table but the stamp's own, Alembic's, the lock rows, the
generation and the scheduler's jobs gets AFTER INSERT/UPDATE/DELETE triggers that delete the
stamps. A write made *during* a full sync (by a command that does not take the project lock:
`phase review`, `delivered`, webhooks under `serve`...) lands before that sync's stamp, so the
same triggers also count it in `store_generation`: the full sync reads the generation once
it holds the lock and stores its stamp only if it is unchanged at the end. The tables a
quiet full sync writes itself (`SYNC_OWN`) drop the stamp but do not count, or no full sync
could ever stamp; only locked runs write them, and the lock keeps other runs out.

A table a later migration adds needs the same triggers: `quiet_triggers_sql(table)` below,
and tests/store/test_quiet_stamp_triggers.py fails for a table without them. PostgreSQL gets
the tables only (the fast path is SQLite only, and no stamp is written there).

Revision ID: 0007_quiet_stamp
Revises: 0006_event_history_index
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_quiet_stamp"
down_revision: str | None = "0006_event_history_index"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255
UNTRIGGERED = ("quiet_stamp", "alembic_version", "project_locks", "store_generation",
               "tb_scheduler_jobs")
"""Tables whose writes do not change what a sync would do (the lock rows come and go with
every run, the fast path's included)."""
SYNC_OWN = ("inventory_marks", "sync_cursors", "sync_runs")
"""The tables a completely quiet full sync writes (its run record, its cursors and ETags, its
removal-check marks): they drop the stamp but leave the generation alone."""


def quiet_triggers_sql(table: str) -> list[str]:
    count = "" if table in SYNC_OWN else (
        " UPDATE store_generation SET generation = generation + 1 WHERE id = 1;"
    )
    return [
        f'CREATE TRIGGER IF NOT EXISTS "quiet_stamp_{table}_{op_name.lower()}" '
        f'AFTER {op_name} ON "{table}" BEGIN DELETE FROM quiet_stamp;{count} END'
        for op_name in ("INSERT", "UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "quiet_stamp",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_from", sa.String(10), nullable=False),
        sa.Column("valid_through", sa.String(10), nullable=False),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("project", name="pk_quiet_stamp"),
    )
    generation = op.create_table(
        "store_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_store_generation"),
    )
    op.bulk_insert(generation, [{"id": 1, "generation": 0}])
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    tables = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).scalars()
    for table in sorted(set(tables) - set(UNTRIGGERED)):
        for statement in quiet_triggers_sql(table):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        names = bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'quiet_stamp_%'"
        ).scalars()
        for name in list(names):
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    op.drop_table("store_generation")
    op.drop_table("quiet_stamp")
