"""doctor: check each target's mapping against the live tracker project (reads only)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tracker_bridge.cli.app import app
from tracker_bridge.config import ProjectSettings
from tracker_bridge.errors import UserError
from tracker_bridge.people import assignee_checks
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.tracker import AdapterError, DoctorCheck
from tracker_bridge.workspace import Workspace, open_workspace

_STYLE = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}


@app.command()
def doctor(
    tracker: str | None = typer.Option(
        None, "--tracker", "-t", help="An adapter (jira, github) or a target id; default all."
    ),
    project: str | None = typer.Option(None, "--project", "-p", help="Project from the config."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
) -> None:
    """Check mappings against the trackers: types, statuses, fields, labels, boards, rights."""
    console = Console()
    failed = False
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        wanted = [
            t.tracker
            for t in settings.targets
            if tracker is None or tracker in (t.tracker, t.adapter)
        ]
        if not wanted:
            raise UserError(f"no target matches {tracker!r} in project {settings.name!r}")
        for tracker_id in wanted:
            checks = _checks(workspace, settings, tracker_id)
            table = Table(title=f"doctor — {tracker_id}", show_edge=False)
            for column in ("", "check", "detail", "fix"):
                table.add_column(column)
            for check in checks:
                table.add_row(_STYLE[check.status], check.subject, check.detail, check.fix)
                failed = failed or check.status == "fail"
            console.print(table)
    if failed:
        raise typer.Exit(1)


def _checks(workspace: Workspace, settings: ProjectSettings, tracker_id: str) -> list[DoctorCheck]:
    """One target's checks; a target that cannot be reached is a failed check, so a wrong
    token for one tracker does not hide what doctor finds on the others."""
    # A bad roadmap is its own error (FILE:LINE), not a connection problem.
    handles = {i.assignee for i in load_roadmap(settings.roadmap).roadmap.items if i.assignee}
    try:
        adapter = workspace.open_adapters(settings, [tracker_id])[tracker_id]
        # Every roadmap handle, through the target's `people`, against assignable users.
        return [*adapter.doctor(), *assignee_checks(adapter, handles)]
    except (UserError, AdapterError) as exc:
        return [DoctorCheck("connect", "fail", str(exc), "check the url, username and token")]
