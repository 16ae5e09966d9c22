"""The webhook routes, `POST /webhooks/github` and `POST /webhooks/jira`, on `serve`'s HTTP
endpoint (which also answers `GET /healthz` and `GET /metrics`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from tracker_bridge.service.http import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    Exposition,
    HealthProbe,
    HttpService,
    PostRoute,
)
from tracker_bridge.webhooks.dispatch import Dispatcher
from tracker_bridge.webhooks.routing import SOURCES


def webhook_routes(dispatcher: Dispatcher) -> Mapping[str, PostRoute]:
    return {f"/webhooks/{source}": partial(dispatcher.handle, source) for source in SOURCES}


class WebhookReceiver(HttpService):
    """The HTTP endpoint with the webhook routes of `dispatcher`."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        host: str = "127.0.0.1",
        port: int = 8088,
        max_body: int = DEFAULT_MAX_BODY,
        deadline: float = DEFAULT_DEADLINE,
        health: HealthProbe | None = None,
        metrics: Exposition | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        super().__init__(
            host=host,
            port=port,
            posts=webhook_routes(dispatcher),
            health=health,
            metrics=metrics,
            max_body=max_body,
            deadline=deadline,
            max_connections=max_connections,
        )
