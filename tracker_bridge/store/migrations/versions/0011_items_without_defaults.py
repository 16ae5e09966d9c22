"""Items' JSON without default values: the stored documents rewritten as the store now
writes them (`model.stored_json`).

Reading every item back (`report sprint` at 100,000 items) parses each document; most of
their fields are defaults (an empty description, no labels, no checklist, no time-box),
half of the text. Documents that still hold them load the same (a missing key takes the
model's default, a present one its value), so this only makes old stores as quick as new
ones, once. The defaults are written out here, not taken from the model: a later change
to the model must not change what this revision did. A value is left out only when it is
the default exactly (same JSON type: `0` is no `false`).

No downgrade needed: every earlier revision's code reads documents without these keys
(their defaults are as old as the fields).

Revision ID: 0011_items_without_defaults
Revises: 0010_event_kind_index
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011_items_without_defaults"
down_revision: str | None = "0010_event_kind_index"
branch_labels: str | None = None
depends_on: str | None = None

ITEM_DEFAULTS: dict[str, Any] = {
    "description": "", "track": "engineering", "stage": "backlog", "parent": None,
    "points": None, "labels": [], "assignee": None, "sprint": None, "due": None,
    "blocked": False, "acceptance_criteria": [], "definition_of_done": [], "checked": [],
    "timebox": None, "phase": None, "origin": None, "adopt": [],
}
NESTED_DEFAULTS: dict[str, dict[str, Any]] = {
    "timebox": {"started_at": None, "outcome": None, "learning": None, "extensions": []},
    "origin": {"url": "", "ended": None, "ended_at": None},
}
ROWS_PER_BATCH = 5_000


def _without(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items()
            if not (key in defaults and type(value) is type(defaults[key])
                    and value == defaults[key])}


def without_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """The stored document without the keys whose values are the defaults."""
    kept = _without(data, ITEM_DEFAULTS)
    for key, defaults in NESTED_DEFAULTS.items():
        if isinstance(kept.get(key), dict):
            kept[key] = _without(kept[key], defaults)
    return kept


def upgrade() -> None:
    items = sa.table("items", sa.column("project", sa.String()),
                     sa.column("item_id", sa.String()),
                     sa.column("data", sa.JSON().with_variant(JSONB(), "postgresql")))
    conn = op.get_bind()
    update = (items.update()
              .where(items.c.project == sa.bindparam("p"), items.c.item_id == sa.bindparam("i"))
              .values(data=sa.bindparam("d")))
    key = sa.tuple_(items.c.project, items.c.item_id)
    last: tuple[str, str] | None = None
    while True:  # a batch at a time, in key order: 100,000 documents at once held 450 MB
        query = sa.select(items.c.project, items.c.item_id, items.c.data).order_by(
            items.c.project, items.c.item_id).limit(ROWS_PER_BATCH)
        if last is not None:
            query = query.where(key > sa.tuple_(*last))
        rows = conn.execute(query).all()
        if not rows:
            return
        last = (rows[-1][0], rows[-1][1])
        changed = [{"p": project, "i": item_id, "d": kept}
                   for project, item_id, data in rows
                   if isinstance(data, dict) and (kept := without_defaults(data)) != data]
        if changed:
            conn.execute(update, changed)


def downgrade() -> None:
    pass
