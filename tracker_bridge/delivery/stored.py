"""Delivery facts in and out of the store (JSON rows keyed by fact)."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.delivery.facts import Fact, Facts, fact_time, from_json, to_json
from tracker_bridge.store import Store


def load_facts(store: Store, project: str, keys: Sequence[str] | None = None) -> Facts:
    facts = Facts()
    facts.extend(from_json(data) for data in store.delivery_facts(project, keys))
    return facts


def save_facts(store: Store, project: str, facts: Sequence[Fact]) -> None:
    rows = []
    for fact in facts:
        data = to_json(fact)
        rows.append((fact.key, str(data["kind"]), fact_time(fact), data))
    store.save_delivery_facts(project, rows)
