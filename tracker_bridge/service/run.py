"""`serve`'s HTTP endpoint beside its scheduler: health, metrics and (optionally) webhooks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from tracker_bridge.config import Settings
from tracker_bridge.service.health import probe
from tracker_bridge.service.http import HttpService
from tracker_bridge.service.listen import bind_errors, listen_address
from tracker_bridge.service.metrics import METRICS
from tracker_bridge.store import Store
from tracker_bridge.webhooks.service import open_receiver, queue_on

log = logging.getLogger("tracker_bridge.serve")


@contextmanager
def serving(
    settings: Settings,
    config: Path | None,
    scheduler: BaseScheduler,
    *,
    webhooks: bool,
    host: str | None = None,
    port: int | None = None,
) -> Iterator[HttpService]:
    """A running endpoint (`/healthz`, `/metrics`, and the webhooks if asked) until the block
    exits. Health asks `scheduler` and the store."""
    with Store.open(settings.store.url) as store:
        prime_metrics(store, settings)
        health = partial(probe, store, scheduler)
        service: HttpService
        if webhooks:
            queue = queue_on(scheduler, settings, config)
            service = open_receiver(
                settings, store, queue, host=host, port=port, health=health,
                metrics=METRICS.exposition,
            )
        else:
            host, port = listen_address(settings, host, port)
            with bind_errors(host, port):
                service = HttpService(
                    host=host,
                    port=port,
                    health=health,
                    metrics=METRICS.exposition,
                    deadline=settings.serve.request_deadline_seconds,
                    max_connections=settings.serve.max_connections,
                )
        with service:
            yield service


def prime_metrics(store: Store, settings: Settings) -> None:
    """Items per stage and the last good sync from the store, before this worker's first
    sync (a nightly schedule would otherwise leave them empty for a day)."""
    for project in settings.projects:
        METRICS.items_per_stage(project.name, store.get_items(project.name).values())
        finished = [
            run.finished_at
            for run in store.last_runs(project.name, limit=50)
            if run.status == "ok" and run.summary.get("applied") and run.finished_at is not None
        ]
        if finished:
            METRICS.last_successful_sync(project.name, max(finished))
