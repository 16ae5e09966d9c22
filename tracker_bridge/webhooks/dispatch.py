"""One delivery -> one answer: route, verify the signature, de-duplicate, queue a sync.

Nothing here syncs: queueing is a callback (the scheduler's debounced job), so a delivery is
answered in milliseconds, well inside GitHub's 10 s.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker_bridge.service.http import Answer
from tracker_bridge.webhooks.routing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    Source,
    Target,
    candidates,
)
from tracker_bridge.webhooks.signatures import verify

log = logging.getLogger("tracker_bridge.webhooks")

QueueSync = Callable[[str], None]
"""Queue a (debounced) sync of the named project."""
RecordDelivery = Callable[[str, str], bool]
"""`store.record_delivery(source, delivery_id)`: True if new, False if seen before."""


@dataclass
class Dispatcher:
    targets: Sequence[Target]
    queue: QueueSync
    record: RecordDelivery

    def handle(self, source: Source, headers: Mapping[str, str], body: bytes) -> Answer:
        """`headers`: names in lower case."""
        delivery = headers.get(DELIVERY_HEADER[source].lower()) or ""
        event = _printable(headers.get(EVENT_HEADER.lower())) if source == "github" else None
        where = f"{source} delivery {_printable(delivery) or '(no id)'}"
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("%s refused: the body is not JSON", where)
            return Answer(400, {"error": "the body is not JSON"})
        if source == "jira" and isinstance(payload, dict):
            event = _printable(payload.get("webhookEvent"))
        found = candidates(source, payload, self.targets)
        if not found:
            log.warning("%s (%s) refused: no configured target matches it", where, event)
            return Answer(404, {"error": "no configured target for this delivery"})
        signed = [t for t in found if t.secret is not None]
        if not signed:
            for target in found:
                log.warning(
                    "%s for %s refused: no webhook secret configured; set "
                    'webhook_secret_env = "TB_..." on the target %s of project %s, put the '
                    "secret in that variable and the same secret in the webhook's settings",
                    where,
                    target.tracker,
                    target.tracker,
                    target.project,
                )
            return Answer(403, {"error": "no webhook secret is configured for this target"})
        signature = headers.get(SIGNATURE_HEADER[source].lower())
        matched = [
            t
            for t in signed
            if t.secret is not None
            and verify(t.secret.get_secret_value().encode(), body, signature)
        ]
        if not matched:
            why = "missing" if not signature else "invalid"
            log.warning("%s refused: %s signature", where, why)
            return Answer(401, {"error": f"{why} signature"})
        if event == "ping":  # GitHub's hello when a hook is created: nothing changed
            return Answer(200, {"status": "pong"})
        if delivery and not self.record(source, delivery):
            log.info("%s ignored: already received", where)
            return Answer(200, {"status": "duplicate"})
        projects = sorted({t.project for t in matched})
        for project in projects:
            self.queue(project)
        log.info("%s (%s): sync of %s queued", where, event, ", ".join(projects))
        return Answer(202, {"status": "queued", "project": projects[0], "projects": projects})


def _printable(value: Any) -> str | None:
    """A header or payload value safe for one log line (senders control it)."""
    if not isinstance(value, str) or not value:
        return None
    return "".join(c if c.isprintable() else "?" for c in value[:100])
