"""One worker per project: PostgreSQL advisory locks, or a lock row with an expiry on SQLite."""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, text, update

from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import insert_ignore, upsert
from tracker_bridge.store.records import LockBusy

DEFAULT_TTL = timedelta(hours=1)


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def advisory_key(project: str) -> int:
    """A stable signed 64-bit key per project (pg advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"tracker-bridge:{project}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ProjectLock:
    """Held while the `with` block runs. `refresh()` pushes a SQLite lock's expiry out, for
    runs longer than the time-to-live (PostgreSQL locks last as long as the session)."""

    def __init__(self, engine: Engine, project: str, owner: str, token: str, ttl: timedelta):
        self._engine = engine
        self.project = project
        self.owner = owner
        self._token = token
        self._ttl = ttl

    def refresh(self) -> None:
        t = s.project_locks
        with self._engine.begin() as conn:
            conn.execute(
                update(t)
                .where(t.c.project == self.project, t.c.token == self._token)
                .values(expires_at=datetime.now(UTC) + self._ttl)
            )

    def _release_row(self, conn: Connection) -> None:
        t = s.project_locks
        conn.execute(delete(t).where(t.c.project == self.project, t.c.token == self._token))


def _holder(conn: Connection, project: str) -> str | None:
    t = s.project_locks
    return conn.execute(select(t.c.owner).where(t.c.project == project)).scalar_one_or_none()


def _dead_here(owner: str) -> bool:
    """True if `owner` names a process on this host (`default_owner()`) that is gone."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: existence check only
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False


class Locks:
    _engine: Engine

    @contextmanager
    def project_lock(
        self, project: str, owner: str | None = None, *, ttl: timedelta = DEFAULT_TTL
    ) -> Iterator[ProjectLock]:
        """Raises `LockBusy(project, holder)` at once if another worker holds the project."""
        lock = ProjectLock(
            self._engine, project, owner or default_owner(), secrets.token_hex(16), ttl
        )
        if self._engine.dialect.name == "postgresql":
            with self._advisory(lock):
                yield lock
        else:
            with self._row_lock(lock):
                yield lock

    def _lock_row(self, lock: ProjectLock) -> dict[str, object]:
        now = datetime.now(UTC)
        return {
            "project": lock.project,
            "owner": lock.owner,
            "token": lock._token,
            "acquired_at": now,
            "expires_at": now + lock._ttl,
        }

    @contextmanager
    def _row_lock(self, lock: ProjectLock) -> Iterator[None]:
        t = s.project_locks
        row = self._lock_row(lock)
        with self._engine.begin() as conn:
            # A crashed worker's lock expires instead of blocking the project forever.
            conn.execute(
                delete(t).where(t.c.project == lock.project, t.c.expires_at < row["acquired_at"])
            )
            if conn.execute(insert_ignore(conn, t, ("project",)), [row]).rowcount != 1:
                holder = _holder(conn, lock.project)
                if holder is None or not _dead_here(holder):
                    raise LockBusy(lock.project, holder)
                # Its holder was killed (kill -9, OOM) on this host: waiting out the TTL
                # would block the project for an hour, so take the lock over now.
                conn.execute(delete(t).where(t.c.project == lock.project, t.c.owner == holder))
                if conn.execute(insert_ignore(conn, t, ("project",)), [row]).rowcount != 1:
                    raise LockBusy(lock.project, _holder(conn, lock.project))
        try:
            yield
        finally:
            with self._engine.begin() as conn:
                lock._release_row(conn)

    @contextmanager
    def _advisory(self, lock: ProjectLock) -> Iterator[None]:
        key = advisory_key(lock.project)
        # A dedicated connection: the lock lives as long as this session, and dies with it
        # if the worker crashes, so nothing ever needs to expire.
        with self._engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            conn.commit()
            if not got:
                raise LockBusy(lock.project, _holder(conn, lock.project))
            try:
                # The row only names the holder for the LockBusy message of others.
                conn.execute(
                    upsert(
                        conn,
                        s.project_locks,
                        ("project",),
                        ("owner", "token", "acquired_at", "expires_at"),
                    ),
                    [self._lock_row(lock)],
                )
                conn.commit()
                yield
            finally:
                lock._release_row(conn)
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
