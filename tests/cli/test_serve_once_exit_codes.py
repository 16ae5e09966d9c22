"""`serve --once` (cron, CI) exits as `sync` does, as real processes, and logs one line per
failure: 1 when writes failed, 75 when another worker holds the lock, 2 for bad config."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.store import Store
from tracker_bridge.testing import FaultRule
from tracker_bridge.testing.sandbox import GITHUB_TOKEN_ENV, Sandbox

from .conftest import EXAMPLE

pytestmark = pytest.mark.slow
SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def _run(sandbox: Sandbox, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [SCRIPT, *args, "-c", str(sandbox.config_path)],
        capture_output=True,
        text=True,
        env={**os.environ, **sandbox.environ, **(env or {})},
        timeout=300,
    )
    for secret in sandbox.environ.values():
        assert secret not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as running:
        yield running


def test_failed_writes_exit_1_with_one_log_line_each(sandbox: Sandbox) -> None:
    # GitHub refuses every new issue (e.g. a required issue form field): each create fails.
    sandbox.github.faults.add(FaultRule("error", status=422, method="POST", path=r"/issues$"))
    code, log = _run(sandbox, "serve", "--once")
    assert code == 1, log
    failures = [line for line in log.splitlines() if "failed:" in line and " ERROR " in line]
    reported = re.search(r"conflicts \d+, failures (\d+)", log)
    assert reported is not None, log
    assert len(failures) == int(reported[1]) > 0  # one line per failure the summary counts
    assert all(sandbox.github_tracker in line for line in failures)
    creates = [line for line in failures if " create of " in line]
    assert len(creates) == sandbox.counts()[sandbox.jira_tracker]  # every item, named once
    assert _run(sandbox, "sync", "--yes")[0] == 1  # `sync` says the same


def test_a_held_lock_exits_75_like_sync(sandbox: Sandbox) -> None:
    with (
        Store.open(f"sqlite:///{sandbox.directory / 'state.sqlite'}") as store,
        store.project_lock(sandbox.project),
    ):
        code, log = _run(sandbox, "serve", "--once")
        assert code == 75, log
        assert f"sync of {sandbox.project} skipped" in log
        assert _run(sandbox, "sync", "--yes")[0] == 75
    assert sum(sandbox.counts().values()) == 0


def test_a_rejected_token_exits_2_like_sync(sandbox: Sandbox) -> None:
    revoked = {GITHUB_TOKEN_ENV: "revoked"}
    code, log = _run(sandbox, "serve", "--once", env=revoked)
    assert code == 2, log
    assert f"sync of {sandbox.project} failed:" in log and "rejected the token" in log
    assert _run(sandbox, "sync", "--yes", env=revoked)[0] == 2


def test_log_format_json_is_one_object_per_line_for_log_collectors(sandbox: Sandbox) -> None:
    sandbox.github.faults.add(
        FaultRule("error", status=422, method="POST", path=r"/issues$", count=1)
    )
    code, log = _run(sandbox, "serve", "--once", "--log-format", "json")
    assert code == 1
    lines = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "logger", "event"} <= line.keys() for line in lines)
    summary = next(line for line in lines if line["event"].startswith("sync of trending-now:"))
    assert summary["level"] == "info" and summary["project"] == sandbox.project
    assert summary["counts"]["failures"] >= 1 and summary["counts"]["created"] > 0
    failure = next(line for line in lines if line["level"] == "error")
    assert failure["target"] == sandbox.github_tracker and failure["item"]
    assert not any("Context impl" in line["event"] for line in lines)
    # The setting (here from the environment) does the same; the default stays human.
    code, again = _run(sandbox, "serve", "--once", env={"TB_SERVE__LOG_FORMAT": "json"})
    assert code == 0 and all(json.loads(line) for line in again.splitlines())
    code, human = _run(sandbox, "serve", "--once")
    assert code == 0 and " INFO sync of trending-now: created 0" in human
    assert "Context impl" not in human
