"""The scheduler: one cron job per project in the SQLite job store, run_sync, `serve --once`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tracker_bridge.config import load_settings
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.scheduler import configure, run_sync
from tracker_bridge.testing.sandbox import GITHUB_TOKEN_ENV, Sandbox

from .conftest import EXAMPLE, Cli

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)
SCHEDULES = {
    "trending-now": ("30 1 * * 1-5", "Europe/Amsterdam"),
    "second": ("0 4 * * *", "America/New_York"),
}


def _two_projects(sandbox: Sandbox) -> Path:
    """The sandbox's config with a schedule and zone per project, and a second project."""
    head, rest = sandbox.config_text().split("[[projects]]\n", 1)
    blocks = []
    for name, (cron, zone) in SCHEDULES.items():
        lines = f'name = "{name}"\nschedule = "{cron}"\ntimezone = "{zone}"'
        blocks.append("[[projects]]\n" + rest.replace(f'name = "{sandbox.project}"', lines))
    path = sandbox.directory / "scheduled.toml"
    path.write_text(head + "\n".join(blocks))
    return path


def _jobs(config: Path) -> dict[str, tuple[str, str, list[object]]]:
    scheduler = BackgroundScheduler()
    ids = configure(scheduler, load_settings(config), config)
    scheduler.start(paused=True)  # pending jobs go into the SQLAlchemy job store now
    try:
        jobs = scheduler.get_jobs()
        assert sorted(job.id for job in jobs) == sorted(ids)
        return {
            job.id: (
                _crontab(job.trigger.fields),
                str(job.trigger.timezone),
                list(job.args),
            )
            for job in jobs
        }
    finally:
        scheduler.shutdown(wait=False)


def _crontab(fields: list[Any]) -> str:
    """A CronTrigger's fields back in crontab order."""
    by_name = {f.name: str(f) for f in fields}
    return " ".join(by_name[name] for name in ("minute", "hour", "day", "month", "day_of_week"))


def test_configure_adds_one_job_per_project_with_its_cron_and_zone(sandbox: Sandbox) -> None:
    config = _two_projects(sandbox)
    jobs = _jobs(config)
    assert jobs == {
        f"sync:{name}": (cron, zone, [str(config), name])
        for name, (cron, zone) in SCHEDULES.items()
    }
    # Jobs persist in the store's database; configuring again replaces them, never doubles.
    assert _jobs(config) == jobs


def test_a_project_without_a_schedule_runs_nightly_in_utc(sandbox: Sandbox) -> None:
    jobs = _jobs(sandbox.config_path)
    assert jobs == {
        f"sync:{sandbox.project}": ("0 2 * * *", "UTC", [str(sandbox.config_path), sandbox.project])
    }


def test_run_sync_applies_and_returns_a_summary(sandbox: Sandbox) -> None:
    summary = run_sync(str(sandbox.config_path), sandbox.project)
    assert summary is not None
    assert summary["applied"] is True
    assert summary["created"] == 2 * ITEMS and summary["failures"] == []
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_run_sync_logs_failures_instead_of_raising(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tracker_bridge.scheduler")
    sandbox = cli.sandbox
    store = cli.store()
    try:
        with store.project_lock(sandbox.project):
            assert run_sync(cli.config, sandbox.project) is None
    finally:
        store.close()
    assert f"sync of {sandbox.project} skipped: project {sandbox.project!r} is being synced by" in (
        caplog.text
    )
    monkeypatch.setenv(GITHUB_TOKEN_ENV, "revoked")
    assert run_sync(cli.config, sandbox.project) is None
    assert "rejected the token" in caplog.text
    assert sandbox.github.token not in caplog.text
    assert "Traceback" not in caplog.text


def test_serve_once_syncs_every_project_and_exits_0(cli: Cli) -> None:
    result = cli("serve", "--once", "-c", cli.config)
    assert result.code == 0, result.err
    sandbox = cli.sandbox
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_serve_once_exits_2_when_a_token_is_rejected(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(GITHUB_TOKEN_ENV, "revoked")
    cli.secrets.add("revoked")
    assert cli("serve", "--once", "-c", cli.config).code == 2  # as `sync`: a person must act
