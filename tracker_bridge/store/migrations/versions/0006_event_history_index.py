"""Events indexed by (project, item_id, at): a report reads each item's history in time
order straight off the index, with no sort (the (project, item_id) index it replaces is its
prefix, so every lookup by item still uses it).

Revision ID: 0006_event_history_index
Revises: 0005_delivery
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_event_history_index"
down_revision: str | None = "0005_delivery"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_events_project_item_id_at", "events", ["project", "item_id", "at"])
    op.drop_index("ix_events_project_item_id", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_project_item_id", "events", ["project", "item_id"])
    op.drop_index("ix_events_project_item_id_at", table_name="events")
