"""mapping init: write a mapping for a target's live project, as it is (reads only)."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.errors import UserError
from tracker_bridge.registry import factory_for
from tracker_bridge.tracker import AdapterError
from tracker_bridge.workspace import open_workspace

mapping_app = typer.Typer(
    help="Mapping files: write one from a live project.", no_args_is_help=True
)
app.add_typer(mapping_app, name="mapping")


@mapping_app.command("init")
def mapping_init(
    target: str = typer.Option(
        ..., "--target", "-t", help="A target id (jira:TREND) or an adapter (jira)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here instead of printing."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --output file."),
    project: str | None = typer.Option(None, "--project", "-p", help="Project from the config."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Config file."),
) -> None:
    """Write a mapping for the live project: its issue types, its statuses grouped by
    category onto the 8 stages (sharing statuses, kept apart by labels, where there are
    fewer), the fields its transition screens require, story points and the board."""
    if output is not None and output.exists() and not force:
        raise UserError(f"{output}: already exists; pass --force to overwrite it")
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        matches = [t for t in settings.targets if target in (t.tracker, t.adapter)]
        if len(matches) != 1:
            found = "no target" if not matches else "several targets"
            raise UserError(f"--target: {found} match {target!r} in project {settings.name!r}")
        chosen = matches[0]
        factory = factory_for(chosen.tracker.split(":", 1)[0])
        try:
            # The shipped mapping, not the target's: the file to write may not exist yet.
            adapter = factory.open(chosen.tracker, settings=chosen.adapter_settings())
        except AdapterError as exc:
            raise UserError(f"{chosen.tracker}: {exc}") from exc
        try:
            init = getattr(adapter, "init_mapping", None)
            if init is None:
                raise UserError(f"{chosen.tracker}: mapping init is not available for this tracker")
            try:
                text = str(init())
            except AdapterError as exc:
                raise UserError(f"{chosen.tracker}: {exc}") from exc
        finally:
            adapter.close()
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(
        f"wrote {output}: review it, set `mapping = \"{output}\"` on {chosen.tracker}, "
        "then run `tracker-bridge doctor`"
    )
