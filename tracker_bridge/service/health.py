"""`GET /healthz`: ready only while the state store answers a query and the scheduler runs."""

from __future__ import annotations

import logging
from pathlib import Path

from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING, BaseScheduler
from sqlalchemy.exc import SQLAlchemyError

from tracker_bridge.errors import UserError
from tracker_bridge.service.http import Answer
from tracker_bridge.store import Store

log = logging.getLogger("tracker_bridge.serve")

SCHEDULER_STATES = {STATE_RUNNING: "running", STATE_PAUSED: "paused"}


def _sqlite_file_present(store: Store) -> bool:
    """A pooled SQLite connection keeps answering from a file that was deleted or whose
    volume went away; the path must still be there."""
    url = store.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        return True
    if url.database == ":memory:" or url.database.startswith("file:"):
        return True
    return Path(url.database).exists()


def probe(store: Store, scheduler: BaseScheduler) -> Answer:
    """200 `{"status": "ok", ...}`, else 503 naming what is wrong (never the store's URL)."""
    try:
        store.last_runs("", limit=1)  # a real query on a real table, not just a connect
        store_state = "ok" if _sqlite_file_present(store) else "unreachable (file gone)"
    except (SQLAlchemyError, UserError) as exc:
        log.warning("health check: the state store does not answer: %s", exc)
        store_state = f"unreachable ({type(exc).__name__})"
    scheduler_state = SCHEDULER_STATES.get(scheduler.state, "stopped")
    ready = store_state == "ok" and scheduler_state == "running"
    body = {
        "status": "ok" if ready else "unavailable",
        "store": store_state,
        "scheduler": scheduler_state,
    }
    return Answer(200 if ready else 503, body)
