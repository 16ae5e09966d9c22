"""KPI measurements and phase reviews in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker_bridge.store import Measurement, PhaseReview, Store


def test_measurements_keep_one_value_per_objective_and_day(store: Store) -> None:
    store.record_measurements("trending", [
        Measurement("freshness", date(2026, 2, 2), 60.0, "grafana"),
        Measurement("freshness", date(2026, 1, 5), 70.0),
        Measurement("enrichment-cost", date(2026, 1, 5), 0.11),
    ])
    # Re-recording a day corrects it; another project's numbers are its own.
    store.record_measurements("trending", [Measurement("freshness", date(2026, 2, 2), 58.5)])
    store.record_measurements("other", [Measurement("freshness", date(2026, 2, 2), 1.0)])
    assert store.measurements("trending", "freshness") == [
        Measurement("freshness", date(2026, 1, 5), 70.0),
        Measurement("freshness", date(2026, 2, 2), 58.5),
    ]
    assert [m.objective_id for m in store.measurements("trending")] == [
        "enrichment-cost", "freshness", "freshness"]


def test_phase_reviews_are_kept_in_full_oldest_first(store: Store) -> None:
    first = PhaseReview("start-up", "no-go", "eval set not frozen", "aisha",
                        datetime(2026, 2, 13, 16, tzinfo=UTC))
    second = PhaseReview("start-up", "go", "frozen on 16 Feb", "joao",
                         datetime(2026, 2, 16, 9, tzinfo=UTC))
    store.record_phase_review("trending", second)
    store.record_phase_review("trending", first)
    assert store.phase_reviews("trending") == [first, second]
    assert store.phase_reviews("other") == []
