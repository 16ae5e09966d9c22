"""serve: run the scheduler in the foreground (the container's default command)."""

from __future__ import annotations

import signal
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import typer
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.schedulers.blocking import BlockingScheduler

from tracker_bridge.cli.app import app
from tracker_bridge.config import Settings, load_settings
from tracker_bridge.errors import UserError
from tracker_bridge.locations import config_path
from tracker_bridge.scheduler import configure, sync_project, worst_exit_code
from tracker_bridge.service.logs import LogFormat, logging_for_serve
from tracker_bridge.service.run import serving


@app.command()
def serve(
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
    once: bool = typer.Option(
        False, "--once", help="Sync every project now and exit (exit codes as `sync`)."
    ),
    webhooks: bool = typer.Option(
        False, "--webhooks", help="Also sync a project when its Jira/GitHub webhook arrives."
    ),
    host: str | None = typer.Option(
        None, "--host", help="Address for /healthz, /metrics, webhooks ([serve] host; 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, "--port", help="Port for them ([serve] port; 8088)."),
    webhook_port: int | None = typer.Option(
        None, "--webhook-port", hidden=True, help="The older name of --port."
    ),
    log_format: str | None = typer.Option(
        None, "--log-format", help="human (default) or json: one JSON object per line."
    ),
) -> None:
    """Run the nightly syncs on their schedules (APScheduler), until interrupted. Serves
    GET /healthz and GET /metrics (Prometheus) meanwhile."""
    path = config_path(config)
    settings = load_settings(path)
    with logging_for_serve(_log_format(log_format or settings.serve.log_format)):
        port = port if port is not None else webhook_port
        _serve(settings, path, once=once, webhooks=webhooks, host=host, port=port)


def _serve(
    settings: Settings,
    path: Path | None,
    *,
    once: bool,
    webhooks: bool,
    host: str | None,
    port: int | None,
) -> None:
    if not settings.projects:
        raise UserError("no projects configured: nothing to schedule")
    if once:
        config_arg = str(path) if path else None
        outcomes = [sync_project(config_arg, p.name) for p in settings.projects]
        code = worst_exit_code(outcomes)
        if code:
            raise typer.Exit(code)
        return
    # `docker stop` sends SIGTERM: stop as on Ctrl-C instead of dying mid-write; a sync that
    # is running finishes first (the executor's threads are joined at exit).
    scheduler = BlockingScheduler()

    def stop(signum: int, frame: FrameType | None) -> None:
        # Once the scheduler runs, ask it to stop: its loop ends after what it is doing (an
        # exception thrown into the middle of a job-store write could leave its SQLite
        # transaction open and the exit waiting on the lock). Before that, stop as Ctrl-C.
        if scheduler.state == STATE_RUNNING:
            scheduler.shutdown(wait=False)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with_webhooks = webhooks or settings.webhooks.enabled
    with ExitStack() as stack:  # the HTTP endpoint stops with the scheduler
        try:
            for job_id in configure(scheduler, settings, path):
                typer.echo(f"scheduled {job_id}")
            endpoint = stack.enter_context(
                serving(settings, path, scheduler, webhooks=with_webhooks, host=host, port=port)
            )
            if with_webhooks:
                typer.echo(f"receiving webhooks at {endpoint.url}/webhooks/{{github,jira}}")
            typer.echo(f"health at {endpoint.url}/healthz, metrics at {endpoint.url}/metrics")
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            if scheduler.running:  # a stop can come before start() got going
                scheduler.shutdown(wait=False)


def _log_format(name: str) -> LogFormat:
    if name == "human":
        return "human"
    if name == "json":
        return "json"
    raise UserError(f"--log-format {name!r}: use human or json")


