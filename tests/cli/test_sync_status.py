"""sync and status from the command line, and the project lock."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from tracker_bridge.model import Kind
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import LockBusy

from .conftest import EXAMPLE, Cli, writes

# The board shows the work, not the epics that group it.
CARDS = sum(item.kind != Kind.EPIC for item in load_roadmap(EXAMPLE).roadmap.items)


def test_status_before_any_sync_is_one_line(cli: Cli) -> None:
    result = cli("status", "-c", cli.config)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1, result.err
    assert "seed" in result.err and "sync" in result.err


def test_sync_is_a_dry_run_by_default_and_writes_with_yes(cli: Cli) -> None:
    dry = cli("sync", "-c", cli.config)
    assert dry.code == 0, dry.err
    assert "Dry run" in dry.out
    assert writes(cli.sandbox) == 0
    done = cli("sync", "-c", cli.config, "--yes", "--json")
    assert done.code == 0, done.err
    summary = json.loads(done.out)["summary"]
    assert summary["applied"] is True
    assert summary["created"] > 0 and summary["failures"] == []
    settled = cli("sync", "-c", cli.config, "--yes", "--json")
    assert json.loads(settled.out)["summary"]["created"] == 0


def test_status_renders_the_board(seeded: Cli) -> None:
    board = seeded("status", "-c", seeded.config)
    assert board.code == 0, board.err
    assert f"{seeded.sandbox.project} board" in board.out
    assert "in_progress" in board.out and "Blocked" in board.out
    assert "infra.secrets" in board.out
    as_json = seeded("status", "-c", seeded.config, "--json")
    assert as_json.code == 0, as_json.err
    payload = json.loads(as_json.out)
    assert payload["project"] == seeded.sandbox.project
    assert sum(column["count"] for column in payload["columns"]) == CARDS
    assert "infra.secrets" in {line["id"] for line in payload["blocked"]}
    assert payload["lists_clipped_at"] == 50  # short lists: whole, no `<key>_total`
    whole = seeded("status", "-c", seeded.config, "--json", "--full")
    assert whole.code == 0, whole.err
    unclipped = {k: v for k, v in json.loads(whole.out).items() if k != "at"}
    assert unclipped.pop("lists_clipped_at") is None
    assert unclipped == {k: v for k, v in payload.items() if k not in ("at", "lists_clipped_at")}


def test_status_gives_an_in_process_caller_its_garbage_collector_back(seeded: Cli) -> None:
    """`status` builds without collections, but a caller in the same process (a test, a
    service) keeps its collector: it was on before, it is on after."""
    assert gc.isenabled()
    assert seeded("status", "-c", seeded.config).code == 0
    assert gc.isenabled()


@pytest.mark.parametrize("command", [("sync", "--yes"), ("relink", "--target", "jira:TREND")])
def test_writers_wait_for_another_worker_holding_the_lock(
    cli: Cli, command: tuple[str, ...]
) -> None:
    store = cli.store()
    try:
        with store.project_lock(cli.sandbox.project, "test-worker"):
            result = cli(*command, "-c", cli.config)
    finally:
        store.close()
    assert result.code == LockBusy.exit_code
    assert result.out == ""
    assert len(result.err.splitlines()) == 1, result.err
    assert "test-worker" in result.err
    assert writes(cli.sandbox) == 0


def test_the_config_comes_from_tb_config(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TB_CONFIG", cli.config)
    result = cli("status")
    assert result.code == 2
    assert "nothing synced yet for 'trending-now'" in result.err


def test_no_config_is_one_line_and_leaves_nothing_behind(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    for command in (("sync", "--yes"), ("status",), ("doctor",), ("plan", str(EXAMPLE))):
        result = cli(*command)
        assert result.code == 2, command
        assert result.err.startswith("no config file found"), result.err
        assert "$TB_CONFIG" in result.err and str(empty / "tracker-bridge.toml") in result.err
        assert len(result.err.splitlines()) == 1
    assert list(empty.iterdir()) == []  # no state database in the working directory


def test_the_first_sync_after_seed_changes_nothing(seeded: Cli) -> None:
    result = seeded("sync", "-c", seeded.config, "--json")
    assert json.loads(result.out)["plan"]["actions"] == []
