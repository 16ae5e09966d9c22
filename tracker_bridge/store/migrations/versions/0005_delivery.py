"""Delivery facts (pull requests, deployments, releases) and the stage delivery last
reported per item.

Revision ID: 0005_delivery
Revises: 0004_objectives
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005_delivery"
down_revision: str | None = "0004_objectives"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255


def json_type() -> sa.types.TypeEngine[Any]:
    # As in 0001 (a migration does not follow later edits of schema.py).
    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "delivery_facts",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("fact_key", sa.String(NAME), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", json_type(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project", "fact_key", name="pk_delivery_facts"),
    )
    op.create_index(
        "ix_delivery_facts_project_happened_at", "delivery_facts", ["project", "happened_at"]
    )
    op.create_table(
        "delivery_stages",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("item_id", sa.String(NAME), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("project", "item_id", name="pk_delivery_stages"),
    )


def downgrade() -> None:
    op.drop_table("delivery_stages")
    op.drop_index("ix_delivery_facts_project_happened_at", table_name="delivery_facts")
    op.drop_table("delivery_facts")
