"""`tracker-bridge fake jira --workflow NAME`: the presets from the command line."""

from __future__ import annotations

import re
import signal
import subprocess

import httpx
import pytest

from tests.processes import line_reader, next_line
from tracker_bridge.cli import main

from .test_subprocess import SCRIPT


@pytest.mark.slow
def test_fake_jira_serves_the_chosen_workflow() -> None:
    process = subprocess.Popen(
        [str(SCRIPT), "fake", "jira", "--workflow", "scrum"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = line_reader(process.stdout)
        line, credentials = next_line(lines), next_line(lines)
        assert "workflow scrum" in line
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        user, secret = re.findall(r"'([^']*)'", credentials)
        answer = httpx.get(
            f"{url.group(0)}/rest/api/2/project/TREND/statuses", auth=(user, secret), timeout=10
        )
        names = [s["name"] for s in answer.json()[0]["statuses"]]
        assert names == ["To Do", "In Progress", "In Review", "Done"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_an_unknown_workflow_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fake", "jira", "--workflow", "scrumm"]) == 2
    err = capsys.readouterr().err
    assert "unknown preset 'scrumm'" in err and "datacenter-strict" in err
    assert "Traceback" not in err
