"""Copy a benchmark's SQLite store into an empty PostgreSQL database, table by table.

`report_store_scale.py --postgres URL` times the commands on PostgreSQL, the store of a
deployment with several workers, against the same rows as on SQLite: the schema is made by
our migrations (`Store.open`), then every table's rows go over with `COPY`, each value
turned from SQLite's storage into PostgreSQL's by its column's type (naive UTC text into
`timestamptz`, 0/1 into booleans, JSON text into `jsonb`); then `VACUUM ANALYZE`, as
autovacuum leaves a settled database. A million events take about half a minute.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Boolean, Table
from sqlalchemy.engine import make_url

from tracker_bridge.store import Store
from tracker_bridge.store import schema as s

ROWS_PER_BATCH = 50_000


def _converter(table: Table, name: str) -> Callable[[Any], Any]:
    column = table.c[name]
    if isinstance(column.type, s.UtcDateTime):
        return lambda v: None if v is None else f"{v}+00"  # SQLite's naive UTC text
    if isinstance(column.type, Boolean):
        return lambda v: None if v is None else bool(v)
    return lambda v: v  # text, numbers, JSON text (jsonb parses it)


def _rows(db: sqlite3.Connection, table: Table, names: list[str]) -> Iterator[list[Any]]:
    convert = [_converter(table, name) for name in names]
    cursor = db.execute(f"SELECT {_quoted(names)} FROM {table.name}")
    while batch := cursor.fetchmany(ROWS_PER_BATCH):
        for row in batch:
            yield [c(v) for c, v in zip(convert, row, strict=True)]


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)  # our column names, never user text


def has_copy(url: str, project: str) -> bool:
    """Whether the database holds the project's rows already (a copy made before)."""
    with Store.open(url) as store, store.engine.connect() as conn:
        return conn.execute(
            s.items.select().where(s.items.c.project == project).limit(1)).first() is not None


def copy_store(sqlite_path: Path, url: str) -> float:
    """Copy every table of the SQLite store into the database at `url` (its schema made by
    our migrations first; refused if it holds items or events, and the rows the migrations
    wrote are replaced). Returns the seconds taken."""
    started = time.perf_counter()
    with Store.open(url) as store, store.engine.connect() as conn:
        for table in (s.items, s.events):
            if conn.execute(table.select().limit(1)).first() is not None:
                raise SystemExit(f"{table.name} in {make_url(url).database} is not empty: "
                                 "give --postgres an empty database")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    db = sqlite3.connect(sqlite_path)
    try:
        with psycopg.connect(dsn) as pg, pg.cursor() as cur:
            for table in reversed(s.metadata.sorted_tables):  # what the migrations wrote
                cur.execute(f'DELETE FROM "{table.name}"')
            for table in s.metadata.sorted_tables:
                names = [c.name for c in table.columns]
                with cur.copy(f'COPY "{table.name}" ({_quoted(names)}) FROM STDIN') as copy:
                    for row in _rows(db, table, names):
                        copy.write_row(row)
            for table in s.metadata.sorted_tables:  # serial ids go on after the copied ones
                for column in table.primary_key.columns:
                    cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (table.name, column.name))
                    sequence = cur.fetchone()
                    if sequence is not None and sequence[0] is not None:
                        cur.execute(f'SELECT setval(%s, coalesce(max("{column.name}"), 1)) '
                                    f'FROM "{table.name}"', (sequence[0],))
            pg.commit()
            pg.autocommit = True
            # As autovacuum leaves a settled database: statistics, and the visibility map
            # without which an index-only scan (the flow's span counts) reads the table too.
            cur.execute("VACUUM ANALYZE")
    finally:
        db.close()
    return time.perf_counter() - started
