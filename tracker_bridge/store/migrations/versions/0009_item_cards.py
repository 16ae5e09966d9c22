"""item cards: the fields the board shows, as columns of `items`.

`status` used to validate every item's JSON document into a WorkItem (about 1 s at 100k
items) to show a handful of fields per card. These columns hold them, kept by
`Store.save_items` from the same WorkItem it stores as JSON (`store/cards.py`), and filled
here from the stored JSON: the kind, title, track, stage, points, assignee and blocked
flag, where a tracker-born item was born (`origin_tracker`, `origin_key`), whether it has
ended (off the board), and its checklist (`acceptance_criteria`, `definition_of_done`,
`checked`: JSON arrays, NULL when empty).

A missing key takes the model's default (documents stored before a field existed).
All columns are nullable: a row whose `kind` is NULL is read in full.

Revision ID: 0009_item_cards
Revises: 0008_item_flow
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009_item_cards"
down_revision: str | None = "0008_item_flow"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS: tuple[tuple[str, Any], ...] = (
    ("kind", sa.String(32)),
    ("title", sa.Text()),
    ("track", sa.String(32)),
    ("stage", sa.String(32)),
    ("points", sa.Float()),
    ("assignee", sa.Text()),
    ("blocked", sa.Boolean()),
    ("ended", sa.Boolean()),
    ("origin_tracker", sa.Text()),
    ("origin_key", sa.Text()),
    ("acceptance_criteria", sa.JSON().with_variant(JSONB(), "postgresql")),
    ("definition_of_done", sa.JSON().with_variant(JSONB(), "postgresql")),
    ("checked", sa.JSON().with_variant(JSONB(), "postgresql")),
)
CHECKLIST = ("acceptance_criteria", "definition_of_done", "checked")


def _backfill_sql(dialect: str) -> str:
    if dialect == "sqlite":
        def text(path: str) -> str:
            return f"json_extract(data, '$.{path}')"

        def array(path: str) -> str:
            return (f"CASE WHEN json_type(data, '$.{path}') = 'array' "
                    f"AND json_array_length(data, '$.{path}') > 0 THEN {text(path)} END")

        points = text("points")
        blocked = f"COALESCE({text('blocked')}, 0)"
    else:
        def text(path: str) -> str:
            *parents, last = path.split(".")
            return "data" + "".join(f" -> '{p}'" for p in parents) + f" ->> '{last}'"

        def array(path: str) -> str:
            # No jsonb_array_length: it fails on a scalar, and an AND may run it first.
            return (f"CASE WHEN jsonb_typeof(data -> '{path}') = 'array' "
                    f"AND data -> '{path}' <> '[]'::jsonb THEN data -> '{path}' END")

        points = f"({text('points')})::double precision"
        blocked = f"COALESCE(({text('blocked')})::boolean, false)"
    return (
        "UPDATE items SET "
        f"kind = {text('kind')}, "
        f"title = {text('title')}, "
        f"track = COALESCE({text('track')}, 'engineering'), "
        f"stage = COALESCE({text('stage')}, 'backlog'), "
        f"points = {points}, "
        f"assignee = {text('assignee')}, "
        f"blocked = {blocked}, "
        f"ended = ({text('origin.ended')} IS NOT NULL), "
        f"origin_tracker = {text('origin.tracker')}, "
        f"origin_key = {text('origin.key')}, "
        + ", ".join(f"{name} = {array(name)}" for name in CHECKLIST)
    )


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("items", sa.Column(name, type_, nullable=True))
    op.execute(_backfill_sql(op.get_bind().dialect.name))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop its triggers.
    for name, _ in reversed(COLUMNS):
        op.execute(f'ALTER TABLE items DROP COLUMN "{name}"')
