"""Alembic: an empty database upgrades to head, and head matches the tables the code uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from tests.store.alembic_steps import alembic_config, migrate_to
from tracker_bridge.store import Store
from tracker_bridge.store.engine import at_head, script_head
from tracker_bridge.store.schema import metadata

TABLES = {
    "items",
    "remote_refs",
    "base_snapshots",
    "sprint_refs",
    "write_journal",
    "sync_cursors",
    "events",
    "sync_runs",
    "project_locks",
    "tracker_born",
    "remote_states",
    "inventory_marks",
    "objective_measurements",
    "phase_reviews",
    "item_flow",
    "item_sprints",
    "item_stage_spans",
}


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_empty_database_upgrades_to_head(store_url: str) -> None:
    Store.open(store_url).close()
    engine = create_engine(store_url)
    try:
        assert TABLES | {"alembic_version"} <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == _head()
            # Nothing left for autogenerate to add: migrations and schema.py agree.
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), metadata
            )
        assert diff == []
    finally:
        engine.dispose()


def test_unique_constraints_exist(store_url: str) -> None:
    Store.open(store_url).close()
    engine = create_engine(store_url)
    try:
        inspector = inspect(engine)
        refs = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("remote_refs")}
        assert ("tracker", "remote_id") in refs
        assert inspector.get_pk_constraint("remote_refs")["constrained_columns"] == [
            "project",
            "tracker",
            "item_id",
        ]
        events = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("events")}
        assert ("dedup_key",) in events
    finally:
        engine.dispose()


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    assert script_head() == _head()


def test_a_store_behind_head_is_brought_to_it(store_url: str) -> None:
    """A team upgrading tracker-bridge: their store is at an older revision."""
    Store.open(store_url).close()  # creates the database (and the SQLite file's folder)
    migrate_to(store_url, "0002")
    engine = create_engine(store_url)
    try:
        assert not at_head(engine)
        Store.open(store_url).close()
        assert at_head(engine)
        assert "tracker_born" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_opening_a_store_at_head_loads_no_alembic(tmp_path: Path) -> None:
    """The nightly run's fixed cost: a store at head is one query, not a migration run."""
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    Store.open(url).close()  # the first open creates the schema
    probe = (
        "import sys; from tracker_bridge.store import Store; "
        f"Store.open({url!r}).close(); print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False", done.stderr
