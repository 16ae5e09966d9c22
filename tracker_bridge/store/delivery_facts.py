"""Delivery facts seen (pull requests, deployments, releases; mixed into `Store`), and what
delivery last reported per item (so an old fact never moves an item twice, and a person's
move after it stands). Named apart from `deliveries.py`, which keeps webhook delivery ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Index, String, Table, select

from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import upsert

delivery_facts = Table(
    "delivery_facts",
    s.metadata,
    Column("project", String(s.NAME), primary_key=True),
    Column("fact_key", String(s.NAME), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("happened_at", s.UtcDateTime(), nullable=False),
    Column("data", s.json_type(), nullable=False),
    Column("updated_at", s.UtcDateTime(), nullable=False),
)
Index(
    "ix_delivery_facts_project_happened_at", delivery_facts.c.project, delivery_facts.c.happened_at
)

delivery_stages = Table(
    "delivery_stages",
    s.metadata,
    Column("project", String(s.NAME), primary_key=True),
    Column("item_id", String(s.NAME), primary_key=True),
    Column("stage", String(32), nullable=False),
    Column("updated_at", s.UtcDateTime(), nullable=False),
)


class DeliveryFacts:
    _engine: Engine

    def save_delivery_facts(
        self, project: str, facts: Iterable[tuple[str, str, datetime, Mapping[str, Any]]]
    ) -> int:
        """Upsert (fact key, kind, happened at, JSON data) rows; the caller merged them."""
        now = datetime.now(UTC)
        rows = [
            {
                "project": project,
                "fact_key": key[: s.NAME],
                "kind": kind,
                "happened_at": at,
                "data": dict(data),
                "updated_at": now,
            }
            for key, kind, at, data in facts
        ]
        if not rows:
            return 0
        with self._engine.begin() as conn:
            stmt = upsert(
                conn,
                delivery_facts,
                ("project", "fact_key"),
                ("kind", "happened_at", "data", "updated_at"),
            )
            conn.execute(stmt, rows)
        return len(rows)

    def delivery_facts(
        self, project: str, keys: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Stored facts (JSON), oldest first; only those `keys` when given."""
        t = delivery_facts
        query = select(t.c.data).where(t.c.project == project).order_by(t.c.happened_at)
        if keys is not None:
            query = query.where(t.c.fact_key.in_([k[: s.NAME] for k in keys]))
        with self._engine.connect() as conn:
            return [dict(row.data) for row in conn.execute(query)]

    def delivery_stages(self, project: str) -> dict[str, str]:
        t = delivery_stages
        with self._engine.connect() as conn:
            rows = conn.execute(select(t.c.item_id, t.c.stage).where(t.c.project == project))
            return {row.item_id: row.stage for row in rows}

    def save_delivery_stages(self, project: str, stages: Mapping[str, str]) -> None:
        if not stages:
            return
        now = datetime.now(UTC)
        rows = [
            {"project": project, "item_id": item, "stage": stage, "updated_at": now}
            for item, stage in stages.items()
        ]
        with self._engine.begin() as conn:
            stmt = upsert(conn, delivery_stages, ("project", "item_id"), ("stage", "updated_at"))
            conn.execute(stmt, rows)
