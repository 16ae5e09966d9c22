"""KPI measurements and phase go/no-go reviews (mixed into `Store`).

A measurement is one value of an objective's KPI on a day; recording the same objective and
day again replaces the value (a typo is corrected by recording again, and re-importing a
file changes nothing). Reviews are kept in full: the latest per phase is the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)

from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import upsert

objective_measurements = Table(
    "objective_measurements",
    s.metadata,
    Column("project", String(s.NAME), primary_key=True),
    Column("objective_id", String(s.NAME), primary_key=True),
    Column("measured_on", Date(), primary_key=True),
    Column("value", Float(), nullable=False),
    Column("note", Text(), nullable=False),
    Column("recorded_at", s.UtcDateTime(), nullable=False),
)

phase_reviews = Table(
    "phase_reviews",
    s.metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("project", String(s.NAME), nullable=False),
    Column("phase", String(s.NAME), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("note", Text(), nullable=False),
    Column("decided_by", String(s.NAME), nullable=False),
    Column("decided_at", s.UtcDateTime(), nullable=False),
    Index(None, "project", "phase"),
)


@dataclass(frozen=True)
class Measurement:
    objective_id: str
    on: date
    value: float
    note: str = ""


@dataclass(frozen=True)
class PhaseReview:
    phase: str
    decision: str
    """"go" or "no-go"."""
    note: str
    by: str
    at: datetime


class Objectives:
    _engine: Engine

    def record_measurements(self, project: str, measurements: Sequence[Measurement]) -> None:
        """All or nothing, in one transaction; same objective and day: the value is replaced."""
        if not measurements:
            return
        now = datetime.now(UTC)
        rows = {
            (m.objective_id, m.on): {
                "project": project, "objective_id": m.objective_id, "measured_on": m.on,
                "value": float(m.value), "note": m.note, "recorded_at": now,
            }
            for m in measurements  # a file naming one day twice: the later line wins
        }
        t = objective_measurements
        with self._engine.begin() as conn:
            stmt = upsert(conn, t, ("project", "objective_id", "measured_on"),
                          ("value", "note", "recorded_at"))
            conn.execute(stmt, list(rows.values()))

    def measurements(self, project: str, objective_id: str | None = None) -> list[Measurement]:
        """Oldest first."""
        t = objective_measurements
        query = select(t).where(t.c.project == project)
        if objective_id is not None:
            query = query.where(t.c.objective_id == objective_id)
        query = query.order_by(t.c.objective_id, t.c.measured_on)
        with self._engine.connect() as conn:
            return [Measurement(r.objective_id, r.measured_on, r.value, r.note)
                    for r in conn.execute(query)]

    def record_phase_review(self, project: str, review: PhaseReview) -> None:
        row = {"project": project, "phase": review.phase, "decision": review.decision,
               "note": review.note, "decided_by": review.by, "decided_at": review.at}
        with self._engine.begin() as conn:
            conn.execute(phase_reviews.insert(), [row])

    def phase_reviews(self, project: str) -> list[PhaseReview]:
        """Oldest first (ties in time by the order they were recorded)."""
        t = phase_reviews
        query = select(t).where(t.c.project == project).order_by(t.c.decided_at, t.c.id)
        with self._engine.connect() as conn:
            return [PhaseReview(r.phase, r.decision, r.note, r.decided_by, r.decided_at)
                    for r in conn.execute(query)]
