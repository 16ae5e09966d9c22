"""Every write to a SQLite store drops the quiet-night stamp: each table has the triggers.

A table added by a later migration without them would let a write slip past the stamp (the
fast path would then answer a night whose store changed): this test names such a table.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from tracker_bridge.store import QuietStamp, Store, StoreEvent

UNTRIGGERED = {"quiet_stamp", "alembic_version", "project_locks", "tb_scheduler_jobs"}


def _store(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "state.sqlite"
    return Store.open(f"sqlite:///{path}"), path


def _stamped(store: Store) -> None:
    run = store.start_run("p", "sync")
    store.finish_run(run, "ok", {}, QuietStamp("p", "2026-12-02", "2026-12-08", "{}"))
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
