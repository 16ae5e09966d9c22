"""Webhook delivery de-duplication: new once, seen after, per source, across store instances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tracker_bridge.store import Store


def test_a_delivery_is_new_once_then_seen(store: Store) -> None:
    assert store.record_delivery("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958") is True
    assert store.record_delivery("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958") is False


def test_the_same_id_from_another_source_is_another_delivery(store: Store) -> None:
    assert store.record_delivery("jira", "abc") is True
    assert store.record_delivery("github", "abc") is True
    assert store.record_delivery("jira", "abc") is False


def test_a_second_worker_on_the_same_database_sees_it(store: Store, store_url: str) -> None:
    assert store.record_delivery("jira", "d-1") is True
    other = Store.open(store_url)
    try:
        assert other.record_delivery("jira", "d-1") is False
    finally:
        other.close()


def test_an_overlong_id_is_kept_by_digest(store: Store) -> None:
    long_id = "x" * 1000
    assert store.record_delivery("jira", long_id) is True
    assert store.record_delivery("jira", long_id) is False
    assert store.record_delivery("jira", long_id + "y") is True


def test_pruning_forgets_old_deliveries_only(store: Store) -> None:
    store.record_delivery("github", "old")
    assert store.prune_deliveries(datetime.now(UTC) - timedelta(days=1)) == 0
    assert store.record_delivery("github", "old") is False
    assert store.prune_deliveries(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert store.record_delivery("github", "old") is True
