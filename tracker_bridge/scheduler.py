"""The built-in scheduler: nightly syncs and sprint summaries (APScheduler, SQLAlchemy job store).

Jobs are stored by reference (`tracker_bridge.scheduler:run_sync`) with plain arguments, so
they survive restarts and several workers can share the job store; the project lock in the
state store keeps two workers from syncing one project at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.errors import UserError
from tracker_bridge.reconcile import Reconciler
from tracker_bridge.reconcile.adoption import AdoptConflict
from tracker_bridge.reports.board import board_snapshot
from tracker_bridge.reports.context import open_context
from tracker_bridge.reports.render_slack import render_slack
from tracker_bridge.reports.slack_post import SlackPostError, post_to_slack
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.service.metrics import METRICS
from tracker_bridge.store import LockBusy
from tracker_bridge.tracker import AdapterError
from tracker_bridge.workspace import open_workspace

log = logging.getLogger("tracker_bridge.scheduler")

JOB_TABLE = "tb_scheduler_jobs"
DEFAULT_SCHEDULE = "0 2 * * *"
"""Nightly at 02:00 in the project's time zone when the config names no schedule."""
LOCK_WAIT_SECONDS = 600.0
"""How long a queued (webhook) sync waits for a running sync of its project to finish."""


def configure(scheduler: BaseScheduler, settings: Settings, config: Path | None) -> list[str]:
    """Add (or replace) one nightly sync job per configured project; their ids."""
    scheduler.add_jobstore(
        SQLAlchemyJobStore(url=settings.store.url, tablename=JOB_TABLE), "default"
    )
    ids = []
    for project in settings.projects:
        try:
            schedule = project.schedule or DEFAULT_SCHEDULE
            trigger = CronTrigger.from_crontab(schedule, timezone=project.timezone)
        except ValueError as exc:
            raise UserError(f"project {project.name}: schedule {schedule!r}: {exc}") from exc
        job_id = f"sync:{project.name}"
        scheduler.add_job(
            "tracker_bridge.scheduler:run_sync",
            trigger=trigger,
            args=[str(config) if config else None, project.name],
            id=job_id,
            name=f"nightly sync of {project.name}",
            replace_existing=True,
            coalesce=True,  # after downtime, one catch-up run, not one per missed night
            misfire_grace_time=3600,
            max_instances=1,
        )
        ids.append(job_id)
        if project.summary_schedule:
            ids.append(_add_summary_job(scheduler, project, config))
    return ids


def _add_summary_job(
    scheduler: BaseScheduler, project: ProjectSettings, config: Path | None
) -> str:
    job_id = f"summary:{project.name}"
    scheduler.add_job(
        "tracker_bridge.scheduler:post_summary",
        trigger=CronTrigger.from_crontab(project.summary_schedule, timezone=project.timezone),
        args=[str(config) if config else None, project.name],
        id=job_id,
        name=f"sprint summary of {project.name} to Slack",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=3600,
        max_instances=1,
    )
    return job_id


def post_summary(config: str | None, project_name: str, now: datetime | None = None) -> bool:
    """Post the active sprint's health (WIP, scope, burndown, spikes) to the Slack webhook."""
    when = now or datetime.now(UTC)
    try:
        with open_context(Path(config) if config else None, project_name, when) as ctx:
            webhook = ctx.settings.slack.webhook_url()
            if webhook is None:
                log.error(
                    "summary of %s: no Slack webhook configured ([slack] webhook_env)", project_name
                )
                return False
            sprint = ctx.sprint(None)
            report = ctx.sprint_report(sprint)
        post_to_slack(webhook, render_slack(report))
    except (UserError, SlackPostError) as exc:  # one line; the webhook URL is never logged
        log.error("summary of %s not posted: %s", project_name, exc)
        return False
    log.info("summary of %s posted to Slack (%s)", project_name, sprint.name)
    return True


@dataclass(frozen=True)
class SyncOutcome:
    """One scheduled sync, with the exit code `sync` would give for it."""

    project: str
    exit_code: int
    """0 clean, 1 some writes failed, 2 bad input or configuration, 75 lock held elsewhere."""
    summary: dict[str, Any] | None = None


def worst_exit_code(outcomes: Iterable[SyncOutcome]) -> int:
    """`serve --once` over several projects: what a person must fix first (2), then failed
    writes (1), then "try again later" (75)."""
    codes = {outcome.exit_code for outcome in outcomes}
    return next((code for code in (2, 1, LockBusy.exit_code) if code in codes), 0)


def sync_project(config: str | None, project_name: str) -> SyncOutcome:
    """One sync (apply mode) of a project. Errors are logged, one line each, never raised."""
    where = {"project": project_name}
    try:
        with open_workspace(Path(config) if config else None) as workspace:
            project = workspace.project(project_name)
            loaded = load_roadmap_cached(project.roadmap)
            roadmap = loaded.roadmap
            adapters = workspace.open_adapters(project)
            options = workspace.sync_options(apply=True, kind="nightly", project=project)
            try:
                report = Reconciler(workspace.store, project.name, adapters).run(roadmap, options)
            except AdoptConflict as exc:
                raise exc.pinned(loaded) from None
            finished = datetime.now(UTC)
            items = workspace.store.get_items(project.name)
            waits = {
                tracker: float(seconds)
                for tracker, adapter in adapters.items()
                if (seconds := getattr(adapter, "rate_limit_wait_seconds", None)) is not None
            }
            wait_counts = {
                tracker: int(count)
                for tracker, adapter in adapters.items()
                if (count := getattr(adapter, "rate_limit_waits", None)) is not None
            }
    except LockBusy as exc:
        log.warning("sync of %s skipped: %s", project_name, exc, extra=where)
        METRICS.sync_skipped(project_name)
        return SyncOutcome(project_name, exc.exit_code)
    except (UserError, AdapterError) as exc:  # e.g. a revoked token: one line, no traceback
        lines = exc.lines() if isinstance(exc, UserError) else [str(exc)]
        log.error("sync of %s failed: %s", project_name, "; ".join(lines), extra=where)
        METRICS.sync_failed(project_name)
        return SyncOutcome(project_name, UserError.exit_code)
    summary = report.summary()
    METRICS.sync_finished(
        project_name, ok=report.ok, finished=finished, requests=report.requests, waits=waits,
        wait_counts=wait_counts,
    )
    METRICS.items_per_stage(project_name, items.values())
    METRICS.board(project_name, board_snapshot(items, roadmap, finished))
    failures = summary["failures"]
    counts = {
        key: summary[key] for key in ("created", "updated", "moved", "conflicts")
    } | {"failures": len(failures), "requests": sum(report.requests.values())}
    log.info(
        "sync of %s: created %s, updated %s, moved %s, conflicts %s, failures %s",
        project_name,
        counts["created"],
        counts["updated"],
        counts["moved"],
        counts["conflicts"],
        counts["failures"],
        extra={**where, "counts": counts},
    )
    for failure in failures:
        log.error(
            "sync of %s: %s of %s on %s failed: %s",
            project_name,
            failure["op"],
            failure["item_id"],
            failure["tracker"],
            failure["error"],
            extra={**where, "target": failure["tracker"], "item": failure["item_id"]},
        )
    return SyncOutcome(project_name, 0 if report.ok else 1, summary)


def run_sync(config: str | None, project_name: str) -> dict[str, Any] | None:
    """The nightly job (the job store names it): `sync_project`'s summary, None if the sync
    did not run to the end."""
    return sync_project(config, project_name).summary


def queue_sync(
    scheduler: BaseScheduler,
    config: str | None,
    project_name: str,
    *,
    debounce: float = 5.0,
    now: datetime | None = None,
) -> str:
    """Queue a sync of one project `debounce` seconds from now (webhooks). One job id per
    project, replaced on each call: a burst of deliveries becomes one sync after the last."""
    job_id = f"webhook-sync:{project_name}"
    scheduler.add_job(
        "tracker_bridge.scheduler:run_queued_sync",
        trigger="date",
        run_date=(now or datetime.now(UTC)) + timedelta(seconds=debounce),
        args=[config, project_name],
        id=job_id,
        name=f"sync of {project_name} (webhook)",
        replace_existing=True,
        misfire_grace_time=3600,
        # A delivery during a running sync must still get its own sync afterwards.
        max_instances=2,
    )
    return job_id


def run_queued_sync(
    config: str | None, project_name: str, lock_wait: float = LOCK_WAIT_SECONDS
) -> dict[str, Any] | None:
    """`run_sync`, after waiting for a sync of the project already running (nightly or an
    earlier webhook's) to finish: skipping would lose the change that queued this one."""
    deadline = time.monotonic() + lock_wait
    try:
        with open_workspace(Path(config) if config else None) as workspace:
            while True:
                try:
                    with workspace.store.project_lock(project_name):
                        break
                except LockBusy:
                    if time.monotonic() >= deadline:
                        break  # run_sync logs the skip
                    time.sleep(1.0)
    except UserError as exc:
        log.error("sync of %s failed: %s", project_name, exc)
        return None
    return run_sync(config, project_name)
