"""doctor: check each target's mapping against the live tracker project (reads only)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import ConfigOption, ProjectOption, resolve_targets
from tracker_bridge.cli.output import make_console
from tracker_bridge.config import ProjectSettings
from tracker_bridge.errors import UserError
from tracker_bridge.people import assignee_checks
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.tracker import AdapterError, DoctorCheck
from tracker_bridge.workspace import Workspace, open_workspace

_STYLE = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}


@app.command()
def doctor(
    target: list[str] = typer.Option(
        [], "--target", "-t",
        help="Only this target: jira:TREND, or jira/github for all of that adapter "
        "(repeatable); default all.",
    ),
    tracker: list[str] = typer.Option([], "--tracker", hidden=True),  # the old name of -t
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
) -> None:
    """Check mappings against the trackers: types, statuses, fields, labels, boards, rights."""
    console = make_console()
    failed = False
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        wanted = _wanted(settings, [*target, *tracker])
        for tracker_id in wanted:
            checks = _checks(workspace, settings, tracker_id)
            table = Table(title=f"doctor — {escape(tracker_id)}", show_edge=False)
            for column in ("", "check", "detail", "fix"):
                table.add_column(column)
            for check in checks:
                # Text, not markup: a detail like "[Done]" or a URL must print as it is.
                table.add_row(
                    _STYLE[check.status], Text(check.subject), Text(check.detail), Text(check.fix)
                )
                failed = failed or check.status == "fail"
            console.print(table)
    if failed:
        raise typer.Exit(1)


def _wanted(settings: ProjectSettings, values: list[str]) -> list[str]:
    """Target ids for -t values; for doctor an adapter name means all of its targets."""
    if not values:
        return [t.tracker for t in settings.targets]
    adapters = {t.adapter for t in settings.targets}
    by_adapter = [t.tracker for t in settings.targets if t.adapter in values]
    rest = [value for value in values if value not in adapters]
    return list(dict.fromkeys([*by_adapter, *resolve_targets(settings, rest)]))


def _checks(workspace: Workspace, settings: ProjectSettings, tracker_id: str) -> list[DoctorCheck]:
    """One target's checks; a target that cannot be reached is a failed check, so a wrong
    token for one tracker does not hide what doctor finds on the others."""
    # A bad roadmap is its own error (FILE:LINE), not a connection problem.
    handles = {i.assignee for i in load_roadmap(settings.roadmap).roadmap.items if i.assignee}
    try:
        adapter = workspace.open_adapters(settings, [tracker_id])[tracker_id]
        # Every roadmap handle, through the target's `people`, against assignable users.
        return [*adapter.doctor(), *assignee_checks(adapter, handles)]
    except UserError as exc:
        # A bad mapping or config: each problem names its file, line and field already.
        return [DoctorCheck("mapping / config", "fail", line) for line in exc.lines()]
    except AdapterError as exc:
        return [DoctorCheck("connect", "fail", str(exc), "check the url, username and token")]
