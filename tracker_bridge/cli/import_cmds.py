"""`import`: write a roadmap from an existing tracker project (every item adopts its issue)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.import_progress import Step, import_progress
from tracker_bridge.cli.output import make_console
from tracker_bridge.errors import UserError
from tracker_bridge.model import born_id
from tracker_bridge.roadmap.export import ImportedIssue, roadmap_text
from tracker_bridge.roadmap.export_sprints import ImportedCadence, imported_cadence
from tracker_bridge.tracker import Adapter, AdapterError, RemoteItem, RemoteSprint
from tracker_bridge.workspace import open_workspace


@app.command("import")
def import_(
    target: str = typer.Option(..., "--target", "-t", help="Tracker to import, e.g. jira:TREND."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Output file; default stdout."),
    project: str | None = typer.Option(None, "--project", "-p", help="Project from the config."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
) -> None:
    """Write a roadmap from the target's issues in scope and its sprints; each epic, item and
    sprint adopts its counterpart on the tracker."""
    today = datetime.now(UTC).date()
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        adapter = workspace.open_adapters(settings, [target])[target]
        before = adapter.requests_sent
        try:
            with import_progress(adapter, make_console(stderr=True)) as step:
                cadence, issues = read_project(adapter, today, step)
        except AdapterError as exc:
            raise UserError(f"{target}: {exc}") from exc
        requests = adapter.requests_sent - before
    text = roadmap_text(settings.name, issues, today=today, source=target, cadence=cadence)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
    where = f"wrote {output}" if output is not None else "imported"
    typer.echo(
        f"{where}: {len(issues)} issue(s) and {len(cadence.sprints)} sprint(s) from {target} "
        f"in {requests} request(s)",
        err=True,
    )


def read_project(
    adapter: Adapter, today: date, step: Step = lambda _what: None
) -> tuple[ImportedCadence, list[ImportedIssue]]:
    """The target's sprints, then every issue in scope, read twice: the second read names
    parents by the ids the first one gave (a marked issue keeps its marker's id; others get
    their tracker-born id) and sprints by the roadmap's sprint ids."""
    step("listing sprints")
    lister = getattr(adapter, "list_sprints", None)
    remote: list[RemoteSprint] = list(lister()) if callable(lister) else []
    cadence = imported_cadence(adapter.tracker, remote, today)
    sprints = {sprint.sprint_id: sprint.remote_id for sprint in cadence.sprints}
    remember = getattr(adapter, "remember", None)
    if callable(remember):
        remember({}, sprints)
    step("reading issues")
    first = [item for item in adapter.pull(None).items if item.in_scope or item.item_id]
    ids = {item.ref.key: item.item_id or born_id(adapter.tracker, item.ref.key) for item in first}
    if callable(remember):
        step("naming parents")
        remember({ids[item.ref.key]: item.ref for item in first}, sprints)
        first = [i for i in adapter.pull(None).items if i.ref.key in ids]
    issues = [_imported(adapter.tracker, ids[item.ref.key], item) for item in first]
    return cadence, issues


def _imported(tracker: str, item_id: str, item: RemoteItem) -> ImportedIssue:
    adapter_name, _, where = tracker.partition(":")
    claim = f"{tracker}#{item.ref.key}" if adapter_name == "github" else f"jira:{item.ref.key}"
    if adapter_name not in ("jira", "github"):
        claim = f"{adapter_name}:{where}#{item.ref.key}"
    return ImportedIssue(item_id, claim, {**item.fallback, **item.values})
