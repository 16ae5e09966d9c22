"""cycle facts: what the sprint report's cycle and lead times need, as columns of `item_flow`.

`report sprint` replayed every event of each item moved into done in its twelve-week
window (~7,000 items and ~90,000 events at 100k items) for a handful of facts per item.
These columns keep them (`CycleFacts`): the first `created` event born in a started stage
(in_progress up to, not including, done: `data.stage`) and the first born otherwise; the
first move into in_progress or later from an earlier or unknown stage and the first from
a started one; the first `spike_started` event; the last move into anything but done.
With the flow columns (first created, last move, last move into done) they give the
cycle time wherever no two of them tie. Every one is a MIN or MAX, kept by
`Store.record_events` as the others are; a `spike_started` event now refreshes the row
too (a spike started with no other flow event gets a row whose flow columns are NULL).

Filled here from the stored events, a batch of rows at a time (by key, as 0011), their
events read by range off the (project, item_id, at) index.

Revision ID: 0012_cycle_facts
Revises: 0011_items_without_defaults
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_cycle_facts"
down_revision: str | None = "0011_items_without_defaults"
branch_labels: str | None = None
depends_on: str | None = None

STARTED = ("in_progress", "in_review", "ready_for_staging", "in_staging", "ready_for_prod",
           "done")
BORN_STARTED = STARTED[:-1]
EARLIEST = ("born_started_at", "born_unstarted_at", "start_from_before_at",
            "start_from_started_at", "spike_started_at")
LATEST = ("moved_elsewhere_at",)
ITEMS_PER_BATCH = 5_000


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _backfill_sql(dialect: str) -> str:
    """The columns of the items of one project whose ids lie in [:low, :high], set on
    their rows (every one has a row by then)."""
    def text(key: str) -> str:
        return f"json_extract(data, '$.{key}')" if dialect == "sqlite" else f"data ->> '{key}'"

    started, born = _listed(STARTED), _listed(BORN_STARTED)
    columns = (*EARLIEST, *LATEST)
    return (
        f"INSERT INTO item_flow (project, item_id, {', '.join(columns)})\n"
        "SELECT project, item_id,\n"
        f"  MIN(CASE WHEN kind = 'created' AND born IN ({born}) THEN at END),\n"
        "  MIN(CASE WHEN kind = 'created' "
        f"AND (born IS NULL OR born NOT IN ({born})) THEN at END),\n"
        f"  MIN(CASE WHEN move_to IN ({started}) "
        f"AND (src IS NULL OR src NOT IN ({started})) THEN at END),\n"
        f"  MIN(CASE WHEN move_to IN ({started}) AND src IN ({started}) THEN at END),\n"
        "  MIN(CASE WHEN kind = 'spike_started' THEN at END),\n"
        "  MAX(CASE WHEN kind = 'stage_changed' "
        "AND (move_to IS NULL OR move_to <> 'done') THEN at END)\n"
        "FROM (SELECT project, item_id, kind, at,\n"
        f"        CASE WHEN kind = 'stage_changed' THEN {text('to')} END AS move_to,\n"
        f"        CASE WHEN kind = 'stage_changed' THEN {text('from')} END AS src,\n"
        f"        CASE WHEN kind = 'created' THEN {text('stage')} END AS born\n"
        "      FROM events WHERE project = :project AND item_id >= :low AND item_id <= :high\n"
        "        AND kind IN ('created', 'stage_changed', 'spike_started')) AS moves\n"
        "WHERE true GROUP BY project, item_id\n"  # SQLite: an upsert's SELECT needs a WHERE
        "ON CONFLICT (project, item_id) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in columns)
    )


def upgrade() -> None:
    for column in (*EARLIEST, *LATEST):
        op.add_column("item_flow", sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    # First a row for every spike started with no other flow event (a few: one pass over
    # the events), so that every item to fill has a row to walk below.
    op.execute(
        "INSERT INTO item_flow (project, item_id) SELECT project, item_id FROM events "
        "WHERE kind = 'spike_started' GROUP BY project, item_id "
        "ON CONFLICT (project, item_id) DO NOTHING"
    )
    conn = op.get_bind()
    fill = sa.text(_backfill_sql(conn.dialect.name))
    flow = sa.table("item_flow", sa.column("project", sa.String()),
                    sa.column("item_id", sa.String()))
    key = sa.tuple_(flow.c.project, flow.c.item_id)
    last: tuple[str, str] | None = None
    while True:  # the rows a batch at a time, in key order; their events read by range
        query = sa.select(flow.c.project, flow.c.item_id).order_by(
            flow.c.project, flow.c.item_id).limit(ITEMS_PER_BATCH)
        if last is not None:
            query = query.where(key > sa.tuple_(*last))
        batch = conn.execute(query).all()
        if not batch:
            return
        last = (batch[-1][0], batch[-1][1])
        by_project: dict[str, list[str]] = {}
        for project, item_id in batch:
            by_project.setdefault(project, []).append(item_id)
        for project, item_ids in by_project.items():
            conn.execute(fill, {"project": project, "low": item_ids[0], "high": item_ids[-1]})


def downgrade() -> None:
    # The rows of spikes with no other flow event first: before 0012 no row had none.
    op.execute("DELETE FROM item_flow WHERE created_at IS NULL AND moved_at IS NULL")
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop its triggers.
    for column in reversed((*EARLIEST, *LATEST)):
        op.execute(f'ALTER TABLE item_flow DROP COLUMN "{column}"')
