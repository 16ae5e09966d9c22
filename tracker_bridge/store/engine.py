"""Engines for SQLite and PostgreSQL, and schema migration on first use."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from tracker_bridge.errors import UserError
from tracker_bridge.store.records import json_default

_MIGRATION_LOCK_KEY = 0x7472_6B62_6D69_6772  # "trkbmigr": serialises concurrent first opens


def display_url(url: str | URL) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable store URL>"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(
            f"store URL {display_url(url)!r} is not a database URL; use "
            "sqlite:///path/state.sqlite or postgresql+psycopg://user@host/db"
        ) from exc
    serializer = functools.partial(json.dumps, default=json_default)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, json_serializer=serializer, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        # One shared connection, or every checkout would see a different empty database.
        return _sqlite_pragmas(
            create_engine(
                parsed,
                json_serializer=serializer,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            ),
            wal=False,
        )
    if not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, json_serializer=serializer, connect_args={"timeout": 30})
    return _sqlite_pragmas(engine, wal=True)


def _sqlite_pragmas(engine: Engine, *, wal: bool) -> Engine:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")  # first: the WAL switch itself may wait
        # WAL lets one worker read while another writes (two Store instances on one file).
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to head, inside one transaction."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("tracker_bridge.store") / "migrations"))
    try:
        with engine.begin() as conn:
            # Serialise workers opening a fresh database at the same moment.
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": _signed(_MIGRATION_LOCK_KEY)}
                )
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite would begin lazily
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(
            f"cannot open the state store at {display_url(engine.url)}: {reason}"
        ) from exc


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def upsert(conn: Connection, table: Table, keys: Sequence[str], updates: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET updates, for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        pg = postgresql.insert(table)
        return pg.on_conflict_do_update(
            index_elements=list(keys), set_={c: pg.excluded[c] for c in updates}
        )
    lite = sqlite.insert(table)
    return lite.on_conflict_do_update(
        index_elements=list(keys), set_={c: lite.excluded[c] for c in updates}
    )


def insert_ignore(conn: Connection, table: Table, keys: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO NOTHING."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
