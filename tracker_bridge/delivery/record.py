"""Storing facts that arrive outside the sync: signed GitHub webhooks (`pull_request`,
`deployment_status`, `release`) and `tracker-bridge delivered`. The next sync (queued right
away by the webhook, or run by `delivered`) turns them into stage moves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker_bridge.delivery.facts import Fact
from tracker_bridge.delivery.github_json import webhook_facts
from tracker_bridge.delivery.stored import load_facts, save_facts
from tracker_bridge.store import Store

DELIVERY_EVENTS = frozenset({"pull_request", "deployment_status", "release"})


def record_facts(store: Store, project: str, facts: Sequence[Fact]) -> list[Fact]:
    """Merge with what is stored under the same keys, and store; the facts as now known."""
    if not facts:
        return []
    known = load_facts(store, project, [f.key for f in facts])
    merged = [known.add(fact) for fact in facts]
    save_facts(store, project, merged)
    return merged


def record_webhook(
    store: Store, project: str, tracker: str, event: str | None, payload: Any
) -> int:
    """The facts in one verified GitHub delivery for `tracker` of `project`; how many."""
    if event not in DELIVERY_EVENTS or not tracker.startswith("github:"):
        return 0
    return len(record_facts(store, project, webhook_facts(tracker, event, payload)))
