"""Items stored without their default values (`model.stored_json`, migration 0011).

What a user sees must not change: the items read back are the items saved, old stores
(full documents, or documents older than some fields) read the same before and after the
migration rewrites them, and the board cards stay as they were.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import create_engine, select

from tests.store.alembic_steps import migrate_to
from tests.store.test_item_cards import T0, _card_rows, _insert_raw, _varied
from tracker_bridge.model import Extension, Kind, Origin, Timebox, WorkItem, stored_json
from tracker_bridge.store import Store
from tracker_bridge.store import schema as s


def _documents(url: str) -> dict[str, dict[str, Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            t = s.items
            rows = conn.execute(select(t.c.item_id, t.c.data).where(t.c.project == "p"))
            return {item_id: data for item_id, data in rows}
    finally:
        engine.dispose()


def _work() -> list[WorkItem]:
    """The varied items, and a spike with everything its time-box can hold."""
    spike = WorkItem(
        id="spike-full", kind=Kind.SPIKE, title="Try it", description="Why", points=0,
        labels=("ml",), timebox=Timebox(length_days=3, hypothesis="h", started_at=T0,
                                        learning="l", extensions=(
                                            Extension(days=2, reason="r",
                                                      granted_on=date(2026, 10, 2)),)),
        origin=Origin(tracker="github:acme/repo", key="7"), adopt=("jira:TREND-1",),
    )
    return [*_varied(), spike]


def test_saved_items_read_back_the_same_without_their_defaults(store_url: str) -> None:
    work = _work()
    with Store.open(store_url) as store:
        store.save_items("p", work)
        current, ended = store.current_and_ended_items("p")
    assert {**current, **ended} == {item.id: item for item in work}
    documents = _documents(store_url)
    assert documents == {item.id: stored_json(item) for item in work}
    plain = documents["i000"]
    assert "description" not in plain and "labels" not in plain and "origin" not in plain
    spike = documents["spike-full"]
    assert spike["points"] == 0  # a value equal to nothing's default is kept
    assert spike["origin"] == {"tracker": "github:acme/repo", "key": "7"}
    # Every item read back counts every field as given, in one shared set (its memory).
    first, *others = current.values()
    assert first.model_fields_set == set(WorkItem.model_fields)
    assert all(item.model_fields_set is first.model_fields_set for item in others)


def test_the_migration_rewrites_full_documents_as_the_store_now_writes(
    store_url: str,
) -> None:
    """A store written before 0011 (every field in every document, and a document from
    before some fields existed): the same items and cards after the upgrade, the documents
    as `save_items` writes them now."""
    work = _work()
    with Store.open(store_url) as store:
        store.save_items("p", work)
    cards = _card_rows(store_url)
    migrate_to(store_url, "0010_event_kind_index")
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            t = s.items
            for item in work:  # as the code before 0011 wrote them
                conn.execute(t.update().where(t.c.item_id == item.id)
                             .values(data=item.model_dump(mode="json")))
        # More rows than the migration rewrites at a time (5,000).
        bulk = [WorkItem(id=f"bulk-{n:05d}", kind=Kind.TASK, title=f"Bulk {n}")
                for n in range(5_100)]
        with engine.begin() as conn:
            conn.execute(s.items.insert(), [
                {"project": "p", "item_id": item.id, "data": item.model_dump(mode="json"),
                 "updated_at": T0} for item in bulk])
    finally:
        engine.dispose()
    old = {"id": "old", "kind": "bug", "title": "Old", "blocked": False, "points": 3}
    _insert_raw(store_url, "old", old)
    with Store.open(store_url) as store:  # brought to head
        current, ended = store.current_and_ended_items("p")
    expected = {**{item.id: item for item in [*work, *bulk]},
                "old": WorkItem.model_validate(old)}
    assert {**current, **ended} == expected
    assert _documents(store_url) == {i: stored_json(item) for i, item in expected.items()}
    after = _card_rows(store_url)
    assert {i: after[i] for i in cards} == cards


def test_old_full_documents_read_the_same_as_new_ones(store_url: str) -> None:
    """A row holding every field (the roadmap cache of an older version, a row written by
    other means) reads as the item it says."""
    work = _work()
    with Store.open(store_url) as store:
        store.save_items("p", work[:1])
    for item in work[1:]:
        _insert_raw(store_url, item.id, item.model_dump(mode="json"))
    with Store.open(store_url) as store:
        current, ended = store.current_and_ended_items("p")
    assert {**current, **ended} == {item.id: item for item in work}
