"""Wiring for `serve --webhooks`: targets (with their secrets, read now) from the settings, and
the endpoint with the webhook routes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from tracker_bridge.config import Settings
from tracker_bridge.delivery.record import record_webhook
from tracker_bridge.scheduler import queue_sync
from tracker_bridge.service.http import Exposition, HealthProbe
from tracker_bridge.service.listen import bind_errors, listen_address
from tracker_bridge.store import Store
from tracker_bridge.webhooks.dispatch import Dispatcher, QueueSync
from tracker_bridge.webhooks.receiver import WebhookReceiver
from tracker_bridge.webhooks.routing import Target

log = logging.getLogger("tracker_bridge.webhooks")

KEEP_DELIVERIES = timedelta(days=7)
"""Jira retries within hours, GitHub redelivers by hand within 3 days: a week is plenty."""


def targets_from_settings(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> list[Target]:
    """Every configured target. A named but unset secret is a `UserError` now, at start-up,
    not a 401 for every delivery later."""
    targets = []
    for project in settings.projects:
        for target in project.targets:
            board = target.options.get("board_id")
            targets.append(
                Target(
                    project=project.name,
                    tracker=target.tracker,
                    secret=target.webhook_secret(environ),
                    board_id=str(board) if board is not None else None,
                )
            )
    unsigned = [t.tracker for t in targets if t.secret is None]
    if unsigned:
        log.warning(
            "webhooks for %s will be refused: no webhook_secret_env configured",
            ", ".join(unsigned),
        )
    return targets


def open_receiver(
    settings: Settings,
    store: Store,
    queue: QueueSync,
    *,
    host: str | None = None,
    port: int | None = None,
    health: HealthProbe | None = None,
    metrics: Exposition | None = None,
    environ: Mapping[str, str] | None = None,
) -> WebhookReceiver:
    """`serve`'s endpoint with the webhook routes, bound to the configured address (or the
    `host`/`port` given), not yet started."""
    store.prune_deliveries(datetime.now(UTC) - KEEP_DELIVERIES)
    dispatcher = Dispatcher(
        targets_from_settings(settings, environ),
        queue,
        store.record_delivery,
        partial(record_webhook, store),
    )
    host, port = listen_address(settings, host, port)
    with bind_errors(host, port):
        return WebhookReceiver(
            dispatcher,
            host=host,
            port=port,
            max_body=settings.webhooks.max_body_bytes,
            deadline=settings.serve.request_deadline_seconds,
            max_connections=settings.serve.max_connections,
            health=health,
            metrics=metrics,
        )


def queue_on(scheduler: BaseScheduler, settings: Settings, config: Path | None) -> QueueSync:
    """Deliveries queue debounced syncs on `scheduler`."""
    debounce = settings.webhooks.debounce_seconds
    config_arg = str(config) if config else None

    def queue(project: str) -> None:
        queue_sync(scheduler, config_arg, project, debounce=debounce)

    return queue
