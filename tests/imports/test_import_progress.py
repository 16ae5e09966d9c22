"""`import` draws a progress bar on a terminal (steps and the requests sent so far) and
nothing in a pipe, where only its last line says what was read."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

from rich.console import Console

from tests.born.conftest import Runner
from tracker_bridge.cli.import_cmds import read_project
from tracker_bridge.cli.import_progress import import_progress
from tracker_bridge.workspace import open_workspace


def _import_on(console: Console, run: Runner) -> int:
    sandbox = run.sandbox
    for n in range(3):
        sandbox.jira.human_create(sandbox.jira_project, f"Story {n}", "Story")
    with open_workspace(sandbox.config_path) as workspace:
        settings = workspace.project(None)
        adapter = workspace.open_adapters(settings, [sandbox.jira_tracker])[sandbox.jira_tracker]
        with import_progress(adapter, console) as step:
            _cadence, issues = read_project(adapter, datetime.now(UTC).date(), step)
    return len(issues)


def test_a_terminal_shows_the_steps_and_the_requests_sent(run: Runner) -> None:
    screen = StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    assert _import_on(console, run) == 3
    drawn = screen.getvalue()
    for step in ("listing sprints", "reading issues", "naming parents"):
        assert f"jira:TREND: {step}" in drawn
    assert "request(s)" in drawn


def test_a_pipe_gets_no_bar(run: Runner) -> None:
    piped = StringIO()
    assert _import_on(Console(file=piped, force_terminal=False), run) == 3
    assert piped.getvalue() == ""
