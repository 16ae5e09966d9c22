"""Webhook delivery ids already seen (mixed into `Store`), so redeliveries queue nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine, delete

from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import insert_ignore


def _stored_id(delivery_id: str) -> str:
    # Ids are short GUIDs in practice; a longer one is kept as its digest, not refused.
    if len(delivery_id) <= s.NAME:
        return delivery_id
    return "sha256:" + hashlib.sha256(delivery_id.encode()).hexdigest()


class Deliveries:
    _engine: Engine

    def record_delivery(self, source: str, delivery_id: str) -> bool:
        """True the first time (`source`, `delivery_id`) is recorded, False when seen before.
        Atomic (INSERT ... ON CONFLICT DO NOTHING), so two workers never both get True."""
        t = s.webhook_deliveries
        row = {
            "source": source,
            "delivery_id": _stored_id(delivery_id),
            "received_at": datetime.now(UTC),
        }
        with self._engine.begin() as conn:
            # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT here.
            stmt = insert_ignore(conn, t, ("source", "delivery_id")).returning(t.c.source)
            return conn.execute(stmt, row).first() is not None

    def prune_deliveries(self, before: datetime) -> int:
        """Forget deliveries received before `before` (senders stop retrying within days)."""
        t = s.webhook_deliveries
        with self._engine.begin() as conn:
            return conn.execute(delete(t).where(t.c.received_at < before)).rowcount
