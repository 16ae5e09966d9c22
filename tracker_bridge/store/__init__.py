"""The state store: refs, base snapshots, the write journal, cursors, events and runs.

SQLite by default (a file, zero set-up), PostgreSQL by URL; the schema is migrated with
Alembic on first use.
"""

from __future__ import annotations

from tracker_bridge.store.locks import ProjectLock
from tracker_bridge.store.objectives import Measurement, PhaseReview
from tracker_bridge.store.origins import BornRecord, RemoteState
from tracker_bridge.store.records import (
    JournalEntry,
    LockBusy,
    QuietStamp,
    StoreEvent,
    SyncRun,
)
from tracker_bridge.store.store import Store

__all__ = [
    "BornRecord",
    "JournalEntry",
    "LockBusy",
    "Measurement",
    "PhaseReview",
    "ProjectLock",
    "QuietStamp",
    "RemoteState",
    "Store",
    "StoreEvent",
    "SyncRun",
]
