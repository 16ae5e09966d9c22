"""Engines for SQLite and PostgreSQL, and schema migration on first use."""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event, func, text
from sqlalchemy.dialects import sqlite
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
    """Bring the schema to head, inside one transaction. A store already at head costs one
    query: Alembic (and its environment) is loaded only when there is work to do."""
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

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


_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def script_head() -> str | None:
    """The newest migration's revision id, read from the scripts' text without importing
    them or Alembic; None when the history is not one plain chain (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (files("tracker_bridge.store") / "migrations" / "versions").iterdir():
        if not script.name.endswith(".py") or script.name == "__init__.py":
            continue
        found = dict(_ASSIGNMENT.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            parent = ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not isinstance(parent, str | None):
            return None  # a merge point (a tuple) or something computed
        revisions.add(revision)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """True if the store's recorded revision is the scripts' head (a missing table, an
    unreachable database or anything unexpected: False, and `migrate` finds out)."""
    head = script_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False
    return [tuple(row) for row in rows] == [(head,)]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def upsert(conn: Connection, table: Table, keys: Sequence[str], updates: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET updates, for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql  # only a PostgreSQL store pays its import

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
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))


def upsert_earliest_latest(
    conn: Connection, table: Table, keys: Sequence[str], earliest: Sequence[str],
    latest: Sequence[str], rows: Any = None,
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO UPDATE keeping, per column, the earlier (`earliest`)
    or later (`latest`) of the row's time and the new one, NULL being no time: a MIN/MAX
    fold stays exact whatever order its rows arrive in, and whichever writer comes second.
    `rows`: a SELECT of the keys, `earliest` and `latest` columns, in that order, to insert
    from; else the values are given at execution."""
    insert: Any
    first: Any
    last: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        insert = postgresql.insert(table)
        first, last = func.least, func.greatest
    else:
        insert = sqlite.insert(table)
        first, last = func.min, func.max  # with two arguments: SQLite's scalar min and max

    def merged(column: str, pick: Any) -> Any:
        old, new = table.c[column], insert.excluded[column]
        return pick(func.coalesce(old, new), func.coalesce(new, old))

    statement = insert if rows is None else insert.from_select(
        [*keys, *earliest, *latest], rows)
    return statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={**{c: merged(c, first) for c in earliest}, **{c: merged(c, last) for c in latest}},
    )
