"""serve: run the scheduler in the foreground (the container's default command)."""

from __future__ import annotations

import logging
import signal
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import typer
from apscheduler.schedulers.blocking import BlockingScheduler

from tracker_bridge.cli.app import app
from tracker_bridge.config import load_settings
from tracker_bridge.errors import UserError
from tracker_bridge.scheduler import configure, run_sync
from tracker_bridge.webhooks.service import serving
from tracker_bridge.workspace import config_path


@app.command()
def serve(
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
    once: bool = typer.Option(False, "--once", help="Sync every project now and exit."),
    webhooks: bool = typer.Option(
        False, "--webhooks", help="Also sync a project when its Jira/GitHub webhook arrives."
    ),
    webhook_port: int | None = typer.Option(
        None, "--webhook-port", help="Port for --webhooks (default: [webhooks] port, 8088)."
    ),
) -> None:
    """Run the nightly syncs on their schedules (APScheduler), until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    path = config_path(config)
    settings = load_settings(path)
    if not settings.projects:
        raise UserError("no projects configured: nothing to schedule")
    if once:
        failed = [
            p.name
            for p in settings.projects
            if run_sync(str(path) if path else None, p.name) is None
        ]
        if failed:
            raise typer.Exit(1)
        return
    # `docker stop` sends SIGTERM: stop as on Ctrl-C instead of dying mid-write; a sync that
    # is running finishes first (the executor's threads are joined at exit).
    signal.signal(signal.SIGTERM, _interrupt)
    scheduler = BlockingScheduler()
    with ExitStack() as stack:  # the webhook receiver, if any, stops with the scheduler
        try:
            for job_id in configure(scheduler, settings, path):
                typer.echo(f"scheduled {job_id}")
            if webhooks or settings.webhooks.enabled:
                receiver = stack.enter_context(
                    serving(settings, path, scheduler, port=webhook_port)
                )
                typer.echo(f"receiving webhooks at {receiver.url}/webhooks/{{github,jira}}")
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            if scheduler.running:  # a stop can come before start() got going
                scheduler.shutdown(wait=False)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
