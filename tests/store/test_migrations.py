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


def test_the_report_read_indexes_are_undone_and_redone(store_url: str) -> None:
    """0016 replaces the flow's index of the spans by two, adds `points` to the board's
    and indexes the rows without card columns; its downgrade puts back what 0015 made."""
    Store.open(store_url).close()
    engine = create_engine(store_url)

    def indexes() -> dict[str, list[str | None]]:
        inspector = inspect(engine)
        return {ix["name"]: ix["column_names"] for table in ("items", "item_stage_spans")
                for ix in inspector.get_indexes(table) if ix["name"]}

    try:
        head = indexes()
        unread = next(ix for ix in inspect(engine).get_indexes("items")
                      if ix["name"] == "ix_items_unread")
        where = unread["dialect_options"][f"{engine.dialect.name}_where"]
        assert "kind is null" in str(where).lower()  # only the rows without card columns
        assert head["ix_items_board"][-1] == "points"
        assert head["ix_items_unread"] == ["project", "kind", "item_id"]
        assert head["ix_item_stage_spans_project_counted_track_stage_until"][2:] == [
            "track", "stage", "until"]
        assert head["ix_item_stage_spans_project_counted_track_stage_since"][2:] == [
            "track", "stage", "since"]
        migrate_to(store_url, "0015_stage_spans")
        before = indexes()
        assert before["ix_items_board"] == ["project", "stage", "track", "item_id", "kind",
                                            "ended", "blocked", "origin_tracker"]
        assert before["ix_item_stage_spans_project_counted_until_since_track_stage"] == [
            "project", "counted", "until", "since", "track", "stage"]
        assert set(head) - set(before) == {
            "ix_items_unread", "ix_item_stage_spans_project_counted_track_stage_until",
            "ix_item_stage_spans_project_counted_track_stage_since"}
        Store.open(store_url).close()  # back to head
        assert indexes() == head
    finally:
        engine.dispose()
