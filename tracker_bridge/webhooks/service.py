"""Wiring for `serve --webhooks`: targets (with their secrets, read now) from the settings."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler

from tracker_bridge.config import Settings
from tracker_bridge.errors import UserError
from tracker_bridge.scheduler import queue_sync
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
    port: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> WebhookReceiver:
    """A receiver bound to `[webhooks] host:port` (or `port`), not yet started."""
    store.prune_deliveries(datetime.now(UTC) - KEEP_DELIVERIES)
    dispatcher = Dispatcher(targets_from_settings(settings, environ), queue, store.record_delivery)
    hooks = settings.webhooks
    port = hooks.port if port is None else port
    try:
        return WebhookReceiver(
            dispatcher, host=hooks.host, port=port, max_body=hooks.max_body_bytes
        )
    except OSError as exc:  # port taken, host not ours
        raise UserError(
            f"cannot receive webhooks on {hooks.host}:{port}: {exc.strerror or exc}; "
            "set [webhooks] host/port or pass --webhook-port"
        ) from None


@contextmanager
def serving(
    settings: Settings, config: Path | None, scheduler: BaseScheduler, *, port: int | None = None
) -> Iterator[WebhookReceiver]:
    """`serve --webhooks`: a running receiver whose deliveries queue debounced syncs on
    `scheduler`, until the block exits."""
    debounce = settings.webhooks.debounce_seconds
    config_arg = str(config) if config else None
    with Store.open(settings.store.url) as store:

        def queue(project: str) -> None:
            queue_sync(scheduler, config_arg, project, debounce=debounce)

        with open_receiver(settings, store, queue, port=port) as receiver:
            yield receiver
