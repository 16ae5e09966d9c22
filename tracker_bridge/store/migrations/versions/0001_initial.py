"""Initial schema: items, refs, base snapshots, sprint refs, journal, cursors, events, runs, locks.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255


def _json() -> TypeEngine[Any]:
    return sa.JSON().with_variant(JSONB(), "postgresql")


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _name(name: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.String(NAME), **kw)


def upgrade() -> None:
    op.create_table(
        "items",
        _name("project", nullable=False),
        _name("item_id", nullable=False),
        sa.Column("data", _json(), nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("project", "item_id", name="pk_items"),
    )
    op.create_table(
        "remote_refs",
        _name("project", nullable=False),
        _name("tracker", nullable=False),
        _name("item_id", nullable=False),
        _name("remote_key", nullable=False),
        _name("remote_id", nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        _name("version", nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("project", "tracker", "item_id", name="pk_remote_refs"),
        sa.UniqueConstraint("tracker", "remote_id", name="uq_remote_refs_tracker_remote_id"),
    )
    op.create_table(
        "base_snapshots",
        _name("project", nullable=False),
        _name("side", nullable=False),
        _name("item_id", nullable=False),
        sa.Column("field_values", _json(), nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("project", "side", "item_id", name="pk_base_snapshots"),
    )
    op.create_table(
        "sprint_refs",
        _name("project", nullable=False),
        _name("tracker", nullable=False),
        _name("sprint_id", nullable=False),
        _name("remote_id", nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("project", "tracker", "sprint_id", name="pk_sprint_refs"),
    )
    op.create_table(
        "write_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        _name("project", nullable=False),
        _name("tracker", nullable=False),
        _name("item_id", nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("ref", _json(), nullable=True),
        sa.Column("result", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_write_journal"),
    )
    op.create_index("ix_write_journal_run_id", "write_journal", ["run_id"])
    op.create_index(
        "ix_write_journal_project_tracker_status", "write_journal", ["project", "tracker", "status"]
    )
    op.create_table(
        "sync_cursors",
        _name("project", nullable=False),
        _name("tracker", nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("project", "tracker", name="pk_sync_cursors"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _name("project", nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        _name("item_id", nullable=False),
        _name("tracker", nullable=True),
        _ts("at"),
        sa.Column("data", _json(), nullable=False),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        _ts("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("dedup_key", name="uq_events_dedup_key"),
    )
    op.create_index("ix_events_project_at", "events", ["project", "at"])
    op.create_index("ix_events_project_item_id", "events", ["project", "item_id"])
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _name("project", nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _ts("started_at"),
        _ts("finished_at", nullable=True),
        sa.Column("summary", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_runs"),
    )
    op.create_index("ix_sync_runs_project_started_at", "sync_runs", ["project", "started_at"])
    op.create_table(
        "project_locks",
        _name("project", nullable=False),
        _name("owner", nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        _ts("acquired_at"),
        _ts("expires_at"),
        sa.PrimaryKeyConstraint("project", name="pk_project_locks"),
    )


def downgrade() -> None:
    for table in (
        "project_locks",
        "sync_runs",
        "events",
        "sync_cursors",
        "write_journal",
        "sprint_refs",
        "base_snapshots",
        "remote_refs",
        "items",
    ):
        op.drop_table(table)
