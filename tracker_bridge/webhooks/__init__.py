"""Jira and GitHub webhooks: a delivery for a configured target queues a sync of its project.

`signatures` (HMAC-SHA256, pure), `payload` (depth-limited JSON, after the signature),
`routing` (payload -> candidate targets, pure), `dispatch` (verify, parse, de-duplicate
through the store, queue), `receiver` (the routes on `serve`'s HTTP endpoint,
`tracker_bridge.service.http`), `service` (wiring from the settings).
"""

from __future__ import annotations

from tracker_bridge.service.http import Answer
from tracker_bridge.webhooks.dispatch import Dispatcher, QueueSync, RecordDelivery
from tracker_bridge.webhooks.receiver import WebhookReceiver
from tracker_bridge.webhooks.routing import Source, Target, candidates
from tracker_bridge.webhooks.service import open_receiver, targets_from_settings
from tracker_bridge.webhooks.signatures import sign, verify

__all__ = [
    "Answer",
    "Dispatcher",
    "QueueSync",
    "RecordDelivery",
    "Source",
    "Target",
    "WebhookReceiver",
    "candidates",
    "open_receiver",
    "sign",
    "targets_from_settings",
    "verify",
]
