"""Tracker-born items, the life cycle of remote issues (deleted, moved, out of scope), and
each target's fingerprint at its last removal check.

Revision ID: 0003_tracker_born
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_tracker_born"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255


def upgrade() -> None:
    op.create_table(
        "tracker_born",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        sa.Column("tracker", sa.String(NAME), nullable=False),
        sa.Column("remote_key", sa.String(NAME), nullable=False),
        sa.Column("remote_id", sa.String(NAME), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("born_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project", "item_id", name="pk_tracker_born"),
    )
    op.create_table(
        "remote_states",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("tracker", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("remote_key", sa.String(NAME), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project", "tracker", "item_id", name="pk_remote_states"),
    )
    op.create_table(
        "inventory_marks",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("tracker", sa.String(NAME), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project", "tracker", name="pk_inventory_marks"),
    )


def downgrade() -> None:
    op.drop_table("inventory_marks")
    op.drop_table("remote_states")
    op.drop_table("tracker_born")
