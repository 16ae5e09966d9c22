"""`GET /metrics` in the Prometheus text format (prometheus_client).

The syncs this process runs (nightly, queued by a webhook, `serve --once`) record into one
process-wide `METRICS`: APScheduler calls jobs by reference with plain arguments, so they
cannot be handed an object. Each worker reports its own counters; the gauges describe the
board after the last sync this worker ran (primed from the store at start-up).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.exposition import generate_latest

from tracker_bridge.model import Stage, WorkItem
from tracker_bridge.reports.board import BoardSnapshot

PREFIX = "tracker_bridge"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The classic text format every Prometheus reads (our names are plain ASCII, so the output
is the same as version 1.0.0's)."""


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.syncs = Counter(
            f"{PREFIX}_syncs", "Syncs run, failed or not.", ["project"], registry=r
        )
        self.sync_failures = Counter(
            f"{PREFIX}_sync_failures",
            "Syncs that failed: bad input, an unreachable tracker, or writes that failed.",
            ["project"],
            registry=r,
        )
        self.syncs_skipped = Counter(
            f"{PREFIX}_syncs_skipped",
            "Syncs skipped because another worker held the project's lock.",
            ["project"],
            registry=r,
        )
        self.requests = Counter(
            f"{PREFIX}_tracker_requests",
            "HTTP requests sent to a tracker by syncs.",
            ["project", "tracker"],
            registry=r,
        )
        self.rate_limit_wait_seconds = Counter(
            f"{PREFIX}_rate_limit_wait_seconds",
            "Time syncs waited for a tracker's rate limits (Jira's and GitHub's Retry-After) "
            "and write pacing (GitHub).",
            ["project", "tracker"],
            registry=r,
        )
        self.rate_limit_waits = Counter(
            f"{PREFIX}_rate_limit_waits",
            "Times syncs waited for a tracker's rate limits or write pacing (one per sleep).",
            ["project", "tracker"],
            registry=r,
        )
        self.items = Gauge(
            f"{PREFIX}_items",
            "Items per stage after the last sync (epics included).",
            ["project", "stage"],
            registry=r,
        )
        self.wip_breaches = Gauge(
            f"{PREFIX}_wip_breaches",
            "WIP-limit breaches on the board after the last sync.",
            ["project"],
            registry=r,
        )
        self.last_success = Gauge(
            f"{PREFIX}_last_successful_sync_timestamp_seconds",
            "When the last sync without failures finished (Unix time).",
            ["project"],
            registry=r,
        )

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE

    def sync_skipped(self, project: str) -> None:
        self.syncs_skipped.labels(project).inc()

    def sync_failed(self, project: str) -> None:
        self.syncs.labels(project).inc()
        self.sync_failures.labels(project).inc()

    def sync_finished(
        self,
        project: str,
        *,
        ok: bool,
        finished: datetime,
        requests: Mapping[str, int],
        waits: Mapping[str, float],
        wait_counts: Mapping[str, int] | None = None,
    ) -> None:
        self.syncs.labels(project).inc()
        if ok:
            self.last_success.labels(project).set(finished.timestamp())
        else:
            self.sync_failures.labels(project).inc()
        for tracker, count in requests.items():
            self.requests.labels(project, tracker).inc(max(count, 0))
        for tracker, seconds in waits.items():
            self.rate_limit_wait_seconds.labels(project, tracker).inc(max(seconds, 0.0))
        for tracker, count in (wait_counts or {}).items():
            self.rate_limit_waits.labels(project, tracker).inc(max(count, 0))

    def board(self, project: str, board: BoardSnapshot) -> None:
        self.wip_breaches.labels(project).set(len(board.breaches))

    def items_per_stage(self, project: str, items: Iterable[WorkItem]) -> None:
        per_stage = Tally(item.stage for item in items)
        for stage in Stage:
            self.items.labels(project, stage.value).set(per_stage.get(stage, 0))

    def last_successful_sync(self, project: str, finished: datetime) -> None:
        self.last_success.labels(project).set(finished.timestamp())


METRICS = ServiceMetrics()
