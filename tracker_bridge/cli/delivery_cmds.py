"""`delivered`: record a deployment made by any CI (GitLab, Jenkins, Argo CD, a script) and
move the items it delivers, through the same sync as the nightly job.

`--commit SHA`: the merged pull requests whose merge commit the deployed commit contains (the
repository's history is read from GitHub); `--items a,b`: the items themselves.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import ConfigOption, ProjectOption
from tracker_bridge.delivery.facts import Deployment
from tracker_bridge.delivery.record import record_facts
from tracker_bridge.errors import UserError
from tracker_bridge.reconcile import Reconciler
from tracker_bridge.reconcile.actions import MoveStage
from tracker_bridge.reconcile.delivery_step import delivery_sources
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.tracker import AdapterError
from tracker_bridge.workspace import open_workspace

_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")


def _when(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--at {text!r}: not an ISO 8601 time (2026-03-02T14:05:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def delivered(
    environment: str = typer.Option(
        ..., "--environment", "-e", help="Where it was deployed: an environment the mapping names."
    ),
    commit: str | None = typer.Option(None, "--commit", help="The deployed commit (sha)."),
    items: str | None = typer.Option(None, "--items", help="Item ids, comma-separated."),
    at: str | None = typer.Option(None, "--at", help="When (ISO 8601); default: now."),
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Record a deployment from any CI and move the items it delivers."""
    if (commit is None) == (items is None):
        raise UserError("give --commit SHA or --items id,id (one of them)")
    if commit is not None and not _SHA.match(commit):
        raise UserError(f"--commit {commit!r}: not a commit sha (7 to 40 hex digits)")
    named = [i.strip() for i in (items or "").split(",") if i.strip()]
    if items is not None and not named:
        raise UserError("--items: name at least one item id")
    when = _when(at)
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        roadmap = load_roadmap_cached(settings.roadmap).roadmap
        adapters = workspace.open_adapters(settings)
        sources = delivery_sources(adapters)
        if not sources:
            raise UserError(
                f"project {settings.name!r}: no target reads delivery (a GitHub target whose "
                "mapping has delivery.enabled: true)"
            )
        rules = next(iter(sources.values())).delivery_rules()
        if rules is None or rules.environment_stage(environment) is None:
            known = ", ".join(rules.environments) if rules else ""
            raise UserError(
                f"--environment {environment!r} is not in the mapping's delivery.environments "
                f"({known}): add it there with the stage it means"
            )
        known_ids = {i.id for i in roadmap.items} | set(workspace.store.born(settings.name))
        unknown = sorted(set(named) - known_ids)
        if unknown:
            raise UserError(f"--items: no item {', '.join(map(repr, unknown))} in {settings.name}")
        what = commit or ",".join(named)
        fact = Deployment(
            source="cli",
            id=f"{environment}@{what}@{when.isoformat()}",
            environment=environment,
            sha=commit or "",
            state="success",
            at=when,
            items=frozenset(named),
        )
        record_facts(workspace.store, settings.name, [fact])
        options = workspace.sync_options(apply=True, kind="delivered", project=settings)
        try:
            report = Reconciler(workspace.store, settings.name, adapters).run(roadmap, options)
        except AdapterError as exc:
            raise UserError(str(exc)) from exc
    moved = sorted(
        {(a.item_id, a.to_stage.value) for a in report.plan.actions if isinstance(a, MoveStage)}
    )
    if as_json:
        payload = {"environment": environment, "commit": commit, "items": named, "moved": moved}
        typer.echo(json.dumps({**payload, "summary": report.summary()}, indent=2, default=str))
    else:
        typer.echo(f"recorded: {what} deployed to {environment} at {when.isoformat()}")
        for item_id, stage in moved:
            typer.echo(f"  {item_id} -> {stage}")
        if not moved:
            typer.echo("  no item moved (nothing linked, or already further along)")
    if not report.ok:
        raise typer.Exit(1)
