"""One delivery -> one answer: route, verify the signature, de-duplicate, queue a sync.

Nothing here syncs: queueing is a callback (the scheduler's debounced job), so a delivery is
answered in milliseconds, well inside GitHub's 10 s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker_bridge.service.http import Answer
from tracker_bridge.webhooks.payload import PayloadError, parse_payload
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

REFUSED = Answer(401, {"error": "signature missing, invalid or not for a configured target"})

QueueSync = Callable[[str], None]
"""Queue a (debounced) sync of the named project."""
RecordDelivery = Callable[[str, str], bool]
"""`store.record_delivery(source, delivery_id)`: True if new, False if seen before."""
RecordFacts = Callable[[str, str, str | None, Any], int]
"""`(project, tracker, event, payload)`: keep the delivery facts a payload carries."""


@dataclass
class Dispatcher:
    targets: Sequence[Target]
    queue: QueueSync
    record: RecordDelivery
    facts: RecordFacts | None = None

    def handle(self, source: Source, headers: Mapping[str, str], body: bytes) -> Answer:
        """`headers`: names in lower case. The signature is checked on the raw bytes before
        anything is parsed; a delivery that is unsigned, wrongly signed, for a target without
        a secret, or for a repository or project that is not configured gets the same 401,
        so a sender learns nothing about the configuration."""
        delivery = headers.get(DELIVERY_HEADER[source].lower()) or ""
        event = _printable(headers.get(EVENT_HEADER.lower())) if source == "github" else None
        where = f"{source} delivery {_printable(delivery) or '(no id)'}"
        signature = headers.get(SIGNATURE_HEADER[source].lower())
        matched = [
            t
            for t in self.targets
            if t.adapter == source
            and t.secret is not None
            and verify(t.secret.get_secret_value().encode(), body, signature)
        ]
        if not matched:
            why = "no signature" if not signature else "no configured target's secret signs it"
            log.warning("%s refused: %s", where, why)
            return REFUSED
        try:
            payload = parse_payload(body)
        except PayloadError as exc:
            log.warning("%s refused: %s", where, exc)
            return Answer(400, {"error": str(exc)})
        if source == "jira" and isinstance(payload, dict):
            event = _printable(payload.get("webhookEvent"))
        found = candidates(source, payload, matched)
        if not found:
            log.warning(
                "%s (%s) refused: signed with the secret of %s but about another repository "
                "or project",
                where,
                event,
                ", ".join(sorted(t.tracker for t in matched)),
            )
            return REFUSED
        if event == "ping":  # GitHub's hello when a hook is created: nothing changed
            return Answer(200, {"status": "pong"})
        if delivery and not self.record(source, delivery):
            log.info("%s ignored: already received", where)
            return Answer(200, {"status": "duplicate"})
        if self.facts is not None:  # pull requests, deployments, releases: kept for the sync
            for target in found:
                try:
                    self.facts(target.project, target.tracker, event, payload)
                except Exception as exc:  # the sync is still queued; the nightly read catches up
                    log.warning("%s (%s): delivery facts not kept: %s", where, event, exc)
        projects = sorted({t.project for t in found})
        for project in projects:
            self.queue(project)
        log.info("%s (%s): sync of %s queued", where, event, ", ".join(projects))
        return Answer(202, {"status": "queued", "project": projects[0], "projects": projects})


def _printable(value: Any) -> str | None:
    """A header or payload value safe for one log line (senders control it)."""
    if not isinstance(value, str) or not value:
        return None
    return "".join(c if c.isprintable() else "?" for c in value[:100])
