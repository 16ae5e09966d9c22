"""Every write to a SQLite store drops the quiet-night stamp: each table has the triggers.

A table added by a later migration without them would let a write slip past the stamp (the
fast path would then answer a night whose store changed): this test names such a table. The
same triggers count every write but a quiet full sync's own in `store_generation`, so a
write made while a full sync runs keeps that sync from stamping.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from tracker_bridge.store import QuietStamp, Store, StoreEvent
from tracker_bridge.store.objectives import PhaseReview

UNTRIGGERED = {"quiet_stamp", "alembic_version", "project_locks", "store_generation",
               "tb_scheduler_jobs"}
SYNC_OWN = {"inventory_marks", "sync_cursors", "sync_runs"}
"""What a completely quiet full sync writes: no other command writes these tables."""
BUMP = "UPDATE store_generation SET generation = generation + 1"


def _store(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "state.sqlite"
    return Store.open(f"sqlite:///{path}"), path


def _stamped(store: Store) -> None:
    run = store.start_run("p", "sync")
    stamp = QuietStamp("p", "2026-12-02", "2026-12-08", "{}")
    assert store.finish_run(run, "ok", {}, stamp, generation=store.generation())
    assert store.quiet_stamp("p") is not None


def test_every_table_but_the_stamps_own_drops_the_stamp_on_every_write(tmp_path: Path) -> None:
    store, path = _store(tmp_path)
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        tables = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        triggers = {(table, sql) for table, sql in conn.execute(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")}
    assert tables > {"items", "events", "sync_runs", "phase_reviews", "quiet_stamp"}
    for table in sorted(tables - UNTRIGGERED):
        for op in ("INSERT", "UPDATE", "DELETE"):
            assert any(
                t == table and f"AFTER {op} ON" in sql and "DELETE FROM quiet_stamp" in sql
                for t, sql in triggers
            ), f"table {table} has no AFTER {op} trigger dropping the quiet stamp"
            counted = any(t == table and f"AFTER {op} ON" in sql and BUMP in sql
                          for t, sql in triggers)
            # Only a quiet sync's own tables may be left out of the generation.
            assert counted is (table not in SYNC_OWN), (
                f"table {table}: its AFTER {op} trigger must {'not ' * counted}count the write"
            )


def test_a_write_drops_the_stamp_and_a_lock_does_not(tmp_path: Path) -> None:
    store, _path = _store(tmp_path)
    with store:
        _stamped(store)
        with store.project_lock("p"):  # every run takes it, the fast path's included
            pass
        assert store.quiet_stamp("p") is not None
        store.record_events("p", [StoreEvent("created", "a.b", datetime.now(UTC))])
        assert store.quiet_stamp("p") is None


def test_a_stamp_is_stored_after_its_own_runs_record(tmp_path: Path) -> None:
    """finish_run's update fires the trigger too: the stamp goes in after it, not before."""
    store, _path = _store(tmp_path)
    with store:
        _stamped(store)
        run = store.start_run("p", "sync")  # the next run starts: the stamp is gone
        assert store.quiet_stamp("p") is None
        store.finish_run(run, "ok", {})
        assert store.quiet_stamp("p") is None


def test_a_write_while_a_full_sync_runs_keeps_it_from_stamping(tmp_path: Path) -> None:
    """The sync read the generation when it took the lock; `phase review` (no lock) writes
    before the sync stores its stamp: the stamp is not stored, the run's record is."""
    store, _path = _store(tmp_path)
    with store:
        run = store.start_run("p", "sync")
        since = store.generation()
        store.set_cursor("p", "jira:T", "2026-12-02T00:00")  # the sync's own writes count not
        store.save_inventory_mark("p", "github:a/b", "42", datetime.now(UTC))
        assert store.generation() == since
        store.record_phase_review(
            "p", PhaseReview("start-up", "no-go", "not yet", "eva", datetime.now(UTC))
        )
        assert store.generation() == since + 1
        stamp = QuietStamp("p", "2026-12-02", "2026-12-08", "{}")
        assert not store.finish_run(run, "ok", {"quiet": True}, stamp, generation=since)
        assert store.quiet_stamp("p") is None
        assert store.last_runs("p")[0].status == "ok"


def test_the_generation_exists_and_stays_put_without_triggers(store_url: str) -> None:
    """PostgreSQL has the row too (the schema is the same), it just never counts."""
    with Store.open(store_url) as store:
        assert store.generation() == 0
