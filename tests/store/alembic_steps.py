"""Alembic run by hand on a test store: to take it back to an older revision (a team's store
before an upgrade), or up to one, as `Store.open` would on its own; and what a migration's
test reads and writes around it (a summary table's rows, events recorded as before it)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, create_engine, insert, select

from tracker_bridge.store import StoreEvent
from tracker_bridge.store import schema as s


def alembic_config() -> Config:
    """The project's migration scripts, as the store's engine finds them."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("tracker_bridge.store") / "migrations"))
    return cfg


def migrate_to(url: str, revision: str, *, up: bool = False) -> None:
    """Downgrade (or with `up`, upgrade) the store at `url` to `revision`."""
    engine = create_engine(url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if up else command.downgrade)(cfg, revision)
    finally:
        engine.dispose()


def rows_of(url: str, table: Table, *order: str) -> list[tuple[Any, ...]]:
    """Every row of a table of the store at `url`, in this column order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(
                select(table).order_by(*(table.c[name] for name in order)))]
    finally:
        engine.dispose()


def record_as_before(url: str, project: str, events: Iterable[StoreEvent]) -> None:
    """Insert events straight into `events`, as a store recorded them before a summary
    table existed (no summary row kept), under `project`."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(s.events), [
                {"project": project, "kind": ev.kind, "item_id": ev.item_id, "at": ev.at,
                 "tracker": None, "data": dict(ev.data), "dedup_key": f"old-{n}",
                 "recorded_at": ev.at}
                for n, ev in enumerate(events)])
    finally:
        engine.dispose()
