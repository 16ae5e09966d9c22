"""`import`: write a roadmap from an existing tracker project (every item adopts its issue)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.errors import UserError
from tracker_bridge.model import born_id
from tracker_bridge.roadmap.export import ImportedIssue, roadmap_text
from tracker_bridge.tracker import Adapter, AdapterError, RemoteItem
from tracker_bridge.workspace import open_workspace


@app.command("import")
def import_(
    target: str = typer.Option(..., "--target", "-t", help="Tracker to import, e.g. jira:TREND."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Output file; default stdout."),
    project: str | None = typer.Option(None, "--project", "-p", help="Project from the config."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
) -> None:
    """Write a roadmap from the target's issues in scope; each epic and item adopts its issue."""
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        adapter = workspace.open_adapters(settings, [target])[target]
        try:
            issues = _issues(adapter)
        except AdapterError as exc:
            raise UserError(f"{target}: {exc}") from exc
    text = roadmap_text(
        settings.name, issues, today=datetime.now(UTC).date(), source=target
    )
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}: {len(issues)} issue(s) from {target}", err=True)


def _issues(adapter: Adapter) -> list[ImportedIssue]:
    """Every issue in scope, read twice: the second read names parents by the ids the first
    one gave (a marked issue keeps its marker's id; others get their tracker-born id)."""
    first = [item for item in adapter.pull(None).items if item.in_scope or item.item_id]
    ids = {item.ref.key: item.item_id or born_id(adapter.tracker, item.ref.key) for item in first}
    remember = getattr(adapter, "remember", None)
    if callable(remember):
        remember({ids[item.ref.key]: item.ref for item in first}, {})
        first = [i for i in adapter.pull(None).items if i.ref.key in ids]
    return [_imported(adapter.tracker, ids[item.ref.key], item) for item in first]


def _imported(tracker: str, item_id: str, item: RemoteItem) -> ImportedIssue:
    adapter_name, _, where = tracker.partition(":")
    claim = f"{tracker}#{item.ref.key}" if adapter_name == "github" else f"jira:{item.ref.key}"
    if adapter_name not in ("jira", "github"):
        claim = f"{adapter_name}:{where}#{item.ref.key}"
    return ImportedIssue(item_id, claim, {**item.fallback, **item.values})
