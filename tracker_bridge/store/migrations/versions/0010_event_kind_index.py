"""Events indexed by (project, kind, item_id, at): the sprint report reads every spike's own
events (`spike_started`, `spike_extended`, `spike_closed`: a few among a million) in place
of their whole histories; without this index that meant visiting each spike's every event
(170k rows at 100k items) to find them.

Revision ID: 0010_event_kind_index
Revises: 0009_item_cards
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision: str = "0010_event_kind_index"
down_revision: str | None = "0009_item_cards"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_events_project_kind_item_id_at", "events",
                    ["project", "kind", "item_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_events_project_kind_item_id_at", table_name="events")
