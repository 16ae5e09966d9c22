"""The fast path's few touches of the SQLite store, with the standard library's sqlite3.

The same protocol as `tracker_bridge/store/locks.py` (a lock row with an expiry, taken in
one write transaction) so a fast path and a full sync never both run for a project, and the
same row shapes as the SQLAlchemy tables (`sync_runs`, `quiet_stamp`). The run record goes
in one transaction with the stamp written back: its insert fires the trigger that deletes
the stamp, like any write; the stamp read at the start is put back only if it is still
there, unchanged, at that moment.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker_bridge.quiet.command import NotQuiet

LOCK_TTL = timedelta(hours=1)
StampRow = tuple[str, str, str, str, str]
"""project, stamped_at, valid_from, valid_through, stamp: the row as stored."""


def _stored(moment: datetime) -> str:
    """A moment as SQLAlchemy stores a naive UTC DateTime on SQLite (so they compare)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise NotQuiet("no store yet")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=30,
                           isolation_level=None)  # transactions are explicit below
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def read_stamp(conn: sqlite3.Connection, project: str) -> StampRow:
    try:
        row = conn.execute(
            "SELECT project, stamped_at, valid_from, valid_through, stamp FROM quiet_stamp "
            "WHERE project = ?", (project,)
        ).fetchone()
    except sqlite3.Error as exc:  # an older store without the table: the full sync migrates
        raise NotQuiet(f"no stamp table ({exc})") from None
    if row is None:
        raise NotQuiet("no stamp: the last full sync was not quiet, or the store changed since")
    return tuple(str(value) for value in row)  # type: ignore[return-value]


@contextmanager
def project_lock(conn: sqlite3.Connection, project: str) -> Iterator[str]:
    """The project's lock row, or NotQuiet if someone holds it (the full sync then says
    who). Yields the token the run record's transaction releases it with."""
    now = datetime.now(UTC)
    token = secrets.token_hex(16)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM project_locks WHERE project = ? AND expires_at < ?",
                     (project, _stored(now)))
        taken = conn.execute(
            "INSERT INTO project_locks (project, owner, token, acquired_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (project) DO NOTHING",
            (project, owner, token, _stored(now), _stored(now + LOCK_TTL)),
        ).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if taken != 1:
        raise NotQuiet("the project is locked by another run")
    try:
        yield token
    finally:  # a no-op after `record_run` released it
        with closing(conn.cursor()) as cursor:
            cursor.execute("DELETE FROM project_locks WHERE project = ? AND token = ?",
                           (project, token))


def record_run(
    conn: sqlite3.Connection,
    row: StampRow,
    started: datetime,
    summary: Mapping[str, Any],
    token: str,
) -> None:
    """The fast path's run record, the stamp kept, the lock released: one transaction."""
    project = row[0]
    conn.execute("BEGIN IMMEDIATE")
    try:
        if read_stamp(conn, project) != row:
            raise NotQuiet("the stamp changed during the replay")
        conn.execute(
            "INSERT INTO sync_runs (project, kind, status, started_at, finished_at, summary) "
            "VALUES (?, 'quiet', 'ok', ?, ?, ?)",
            (project, _stored(started), _stored(datetime.now(UTC)),
             json.dumps(summary, default=str)),
        )
        conn.execute(  # the insert's trigger dropped it: this run changed nothing
            "INSERT INTO quiet_stamp (project, stamped_at, valid_from, valid_through, stamp) "
            "VALUES (?, ?, ?, ?, ?)", row,
        )
        conn.execute("DELETE FROM project_locks WHERE project = ? AND token = ?",
                     (project, token))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
