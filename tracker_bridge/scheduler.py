"""The built-in scheduler: nightly syncs and sprint summaries (APScheduler, SQLAlchemy job store).

Jobs are stored by reference (`tracker_bridge.scheduler:run_sync`) with plain arguments, so
they survive restarts and several workers can share the job store; the project lock in the
state store keeps two workers from syncing one project at once.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.errors import UserError
from tracker_bridge.reconcile import Reconciler
from tracker_bridge.reports.context import open_context
from tracker_bridge.reports.render_slack import render_slack
from tracker_bridge.reports.slack_post import SlackPostError, post_to_slack
from tracker_bridge.reports.summary import build_sprint_report
from tracker_bridge.roadmap import load_roadmap
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
            report = build_sprint_report(sprint, ctx.items(), ctx.events(), ctx.roadmap, ctx.now)
        post_to_slack(webhook, render_slack(report))
    except (UserError, SlackPostError) as exc:  # one line; the webhook URL is never logged
        log.error("summary of %s not posted: %s", project_name, exc)
        return False
    log.info("summary of %s posted to Slack (%s)", project_name, sprint.name)
    return True


def run_sync(config: str | None, project_name: str) -> dict[str, Any] | None:
    """One scheduled sync (apply mode). Errors are logged, never raised into the scheduler."""
    try:
        with open_workspace(Path(config) if config else None) as workspace:
            project = workspace.project(project_name)
            roadmap = load_roadmap(project.roadmap).roadmap
            adapters = workspace.open_adapters(project)
            options = workspace.sync_options(apply=True, kind="nightly", project=project)
            report = Reconciler(workspace.store, project.name, adapters).run(roadmap, options)
    except LockBusy:
        log.info("sync of %s skipped: another worker holds its lock", project_name)
        return None
    except (UserError, AdapterError) as exc:  # e.g. a revoked token: one line, no traceback
        log.error("sync of %s failed: %s", project_name, exc)
        return None
    summary = report.summary()
    log.info(
        "sync of %s: created %s, updated %s, moved %s, conflicts %s, failures %s",
        project_name,
        summary["created"],
        summary["updated"],
        summary["moved"],
        summary["conflicts"],
        len(summary["failures"]),
    )
    return summary


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
