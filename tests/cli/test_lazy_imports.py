"""A nightly run loads what it uses: not the server, the Slack client, the report renderers
or Alembic (a store at head). Each command runs in a fresh process, as cron starts it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLE, Cli

UNUSED_BY_A_QUIET_SYNC = (
    "alembic",  # the store is at head
    "apscheduler",  # `serve` only
    "prometheus_client",  # `serve` only
    "slack_sdk",  # `report --post` only
    "tracker_bridge.reports.render_html",
    "tracker_bridge.roadmap.fileformat",  # the roadmap comes from the cache
    "tracker_bridge.cli.report_cmds",
    "tracker_bridge.cli.serve_cmds",
)


def _loaded(*args: str) -> tuple[int, set[str], str]:
    """Run the CLI in a new process; its exit code, the modules it imported, and stderr."""
    probe = (
        "import json, sys; from tracker_bridge.cli import main; code = main(sys.argv[1:]); "
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    code, modules = __import__("json").loads(done.stdout.splitlines()[-1])
    return code, set(modules), done.stderr


@pytest.mark.slow
def test_a_quiet_nightly_sync_loads_only_what_it_uses(
    seeded: Cli, tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TB_CACHE_DIR", str(tmp_path))
    assert seeded("sync", "--yes", "-c", seeded.config).code == 0  # fills the roadmap cache
    code, modules, err = _loaded("sync", "--yes", "-c", seeded.config)
    assert code == 0, err
    assert "tracker_bridge.cli.sync_cmds" in modules and "github" in modules
    assert modules.isdisjoint(UNUSED_BY_A_QUIET_SYNC), modules & set(UNUSED_BY_A_QUIET_SYNC)


def test_validate_loads_no_tracker_client_and_no_database() -> None:
    code, modules, err = _loaded("validate", str(EXAMPLE))
    assert code == 0, err
    assert modules.isdisjoint({"jira", "github", "httpx", "sqlalchemy", "alembic"})


def test_help_still_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tracker_bridge", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("sync", "status", "spike", "report", "serve", "fake", "import", "doctor"):
        assert f" {command} " in done.stdout, command


@pytest.mark.slow
def test_status_and_spike_check_load_no_tracker_client_and_no_slack(seeded: Cli) -> None:
    for command in (["status"], ["spike", "check"]):
        code, modules, err = _loaded(*command, "-c", seeded.config)
        assert code in (0, 1), err  # spike check exits 1 when a spike is over its time-box
        unused = {"jira", "github", "httpx", "slack_sdk", "alembic", "apscheduler"}
        assert modules.isdisjoint(unused), (command, modules & unused)


def test_every_command_is_in_the_table_of_lazily_loaded_modules() -> None:
    """A command missing from `MODULE_OF_COMMAND` still works (everything loads), but loses
    the lazy start-up: each top-level command and group must be listed with its module."""
    import importlib

    import typer.main

    from tracker_bridge.cli import COMMAND_MODULES, MODULE_OF_COMMAND, app

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    group = typer.main.get_group(app)
    missing = {
        command: getattr(group.commands[command].callback, "__module__", "?")
        for command in group.commands
        if command not in MODULE_OF_COMMAND
    }
    assert missing == {}


@pytest.mark.slow
def test_status_loads_no_tracker_client_reconciler_or_postgresql_dialect(
    seeded: Cli, tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`status` reads the store (SQLite here) and renders: a cron job's board check should
    not pay for the sync machinery or for a database it does not use."""
    monkeypatch.setenv("TB_CACHE_DIR", str(tmp_path))
    code, modules, err = _loaded("status", "-c", seeded.config)
    assert code == 0, err
    assert "sqlalchemy" in modules  # it does read the store
    unused = {
        "jira",
        "github",
        "httpx",
        "tracker_bridge.reconcile",
        "tracker_bridge.cli.sync_cmds",
        "tracker_bridge.tracker",
        "sqlalchemy.dialects.postgresql",
        "tracker_bridge.reports.render_json",  # `--json` only
        # The sprint report's modules: `status` reads `--now` from `reports.clock`.
        "tracker_bridge.reports.context",
        "tracker_bridge.reports.summary",
        "tracker_bridge.reports.sprint",
    }
    assert modules.isdisjoint(unused), modules & unused
