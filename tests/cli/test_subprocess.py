"""The installed console script, run as a real process: the fakes, and a plan on the sandbox."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.processes import line_reader, next_line
from tracker_bridge.testing.sandbox import JIRA_TOKEN_ENV, Sandbox

from .conftest import EXAMPLE

pytestmark = pytest.mark.slow
SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _lines(process: subprocess.Popen[str], count: int) -> list[str]:
    """Its first `count` lines of stdout."""
    lines = line_reader(process.stdout)
    return [next_line(lines) for _ in range(count)]


def _request(tracker: str, url: str, credentials: str) -> httpx.Response:
    """An authenticated read with the fake credentials the command printed."""
    if tracker == "jira":
        user, secret = re.findall(r"'([^']*)'", credentials)
        return httpx.get(f"{url}/rest/api/2/project/TREND", auth=(user, secret), timeout=10)
    (token,) = re.findall(r"'([^']*)'", credentials)
    headers = {"Authorization": f"token {token}"}
    return httpx.get(f"{url}/repos/acme/trending-now", headers=headers, timeout=10)


@pytest.mark.parametrize("tracker", ["jira", "github"])
def test_fake_starts_on_the_port_and_answers(tracker: str) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [str(SCRIPT), "fake", tracker, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line, credentials = _lines(process, 2)
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert found, line
        assert int(found.group(1)) == port
        answer = _request(tracker, found.group(0), credentials)
        assert answer.status_code == 200, answer.text
        assert answer.json()  # a project (Jira) or a repository (GitHub)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_sigterm_stops_a_fake_like_ctrl_c_and_saves_its_state(tmp_path: Path) -> None:
    state = tmp_path / "github.json"
    process = subprocess.Popen(
        [str(SCRIPT), "fake", "github", "--state-file", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line, credentials = _lines(process, 2)
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        (token,) = re.findall(r"'([^']*)'", credentials)
        created = httpx.post(
            f"{url.group(0)}/repos/acme/trending-now/issues",
            json={"title": "kept across restarts"},
            headers={"Authorization": f"token {token}"},
            timeout=10,
        )
        assert created.status_code == 201, created.text
    finally:
        process.terminate()  # SIGTERM, as `docker stop` sends
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "kept across restarts" in state.read_text()


def _run(sandbox: Sandbox, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(SCRIPT), *args, "-c", str(sandbox.config_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        cwd=sandbox.directory,
    )
    for secret in sandbox.environ.values():
        assert secret not in result.stdout and secret not in result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_console_script_plans_and_fails_cleanly(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        planned = _run(sandbox, "plan", str(EXAMPLE), "--json", env=sandbox.environ)
        assert planned.returncode == 0, planned.stderr
        assert json.loads(planned.stdout)["plan"]["checksum"]
        wrong = {**sandbox.environ, JIRA_TOKEN_ENV: "wrong-token"}
        refused = _run(sandbox, "sync", "--yes", env=wrong)
        assert refused.returncode == 2
        assert len(refused.stderr.splitlines()) == 1, refused.stderr
        assert "wrong-token" not in refused.stdout + refused.stderr


def test_serve_runs_until_sigterm_then_exits_0(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        process = subprocess.Popen(
            [str(SCRIPT), "serve", "-c", str(sandbox.config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **sandbox.environ},
        )
        log = line_reader(process.stderr)
        try:
            (line,) = _lines(process, 1)
            assert line.strip() == f"scheduled sync:{sandbox.project}"
            while "Scheduler started" not in next_line(log):  # stop it running, not starting
                pass
        finally:
            process.terminate()  # SIGTERM, as `docker stop` sends
            process.wait(timeout=10)
    err = "".join(iter(log.get, ""))  # the rest of its log, up to the end
    assert process.returncode == 0, err
    assert "Scheduler has been shut down" in err and "Traceback" not in err
    for secret in sandbox.environ.values():
        assert secret not in err
