"""items indexed by (project, stage, track, item_id) with the other card columns the board
counts by: `status` and `report sprint` count the current cards per stage and track
(`store/board_parts.py`) and read the first cards of each (stage, track) in id order. The
count then reads this index, not every row with its JSON document (100k rows: 0.25 s);
each list's first cards are found in order; and the cards that can be ageing are found by
stage before their flow summaries are looked up.

Revision ID: 0014_items_board_index
Revises: 0013_item_sprints
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision: str = "0014_items_board_index"
down_revision: str | None = "0013_item_sprints"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = ["project", "stage", "track", "item_id", "kind", "ended", "blocked", "origin_tracker"]


def upgrade() -> None:
    op.create_index("ix_items_board", "items", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_items_board", table_name="items")
