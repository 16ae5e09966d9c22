"""KPI measurements of the roadmap's objectives, and phase go/no-go reviews.

Revision ID: 0004_objectives
Revises: 0003_tracker_born
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_objectives"
down_revision: str | None = "0003_tracker_born"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 255


def upgrade() -> None:
    op.create_table(
        "objective_measurements",
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("objective_id", sa.String(NAME), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "project", "objective_id", "measured_on", name="pk_objective_measurements"
        ),
    )
    op.create_table(
        "phase_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project", sa.String(NAME), nullable=False),
        sa.Column("phase", sa.String(NAME), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(NAME), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_phase_reviews"),
    )
    op.create_index("ix_phase_reviews_project_phase", "phase_reviews", ["project", "phase"])


def downgrade() -> None:
    op.drop_index("ix_phase_reviews_project_phase", table_name="phase_reviews")
    op.drop_table("phase_reviews")
    op.drop_table("objective_measurements")
