"""`validate`, `show` and `schema`: the roadmap file commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import ConfigOption, ProjectOption, configured_roadmap
from tracker_bridge.cli.output import make_console
from tracker_bridge.errors import UserError
from tracker_bridge.model import Kind
from tracker_bridge.roadmap import json_schema, load_roadmap
from tracker_bridge.roadmap.problems import suggest
from tracker_bridge.roadmap.render import render_roadmap

_FILE = typer.Argument(
    None, help="The roadmap YAML file (default: the configured project's roadmap).",
    show_default=False,
)
_TODAY = typer.Option(
    None, "--today", help="Date (YYYY-MM-DD) that sprint states are computed for; default today."
)


def _parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"--today: expected a date like 2026-01-31, got {value!r}") from None


@app.command()
def validate(
    file: Path | None = _FILE,
    today: str | None = _TODAY,
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
) -> None:
    """Check a roadmap file; print every problem as FILE:LINE:COL: field: message (exit 2)."""
    file = file or configured_roadmap(config, project)
    roadmap = load_roadmap(file, today=_parse_today(today)).roadmap
    kinds = [item.kind for item in roadmap.items]
    print(
        f"{file}: OK: {len(roadmap.items)} items ({kinds.count(Kind.EPIC)} epics, "
        f"{kinds.count(Kind.SPIKE)} spikes) in {len(roadmap.phases)} phases, "
        f"{len(roadmap.sprints)} sprints, {len(roadmap.objectives)} objectives, "
        f"{len(roadmap.risks)} risks"
    )


@app.command()
def show(
    file: Path | None = _FILE,
    today: str | None = _TODAY,
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
) -> None:
    """Show a roadmap: phases, sprints, epics and items as a tree; objectives and risks."""
    file = file or configured_roadmap(config, project)
    roadmap = load_roadmap(file, today=_parse_today(today)).roadmap
    make_console().print(render_roadmap(roadmap))


_SCHEMAS = {"roadmap": json_schema}
_SCHEMA_NAME = typer.Argument(..., help="Which file format: roadmap.", show_default=False)


@app.command()
def schema(name: str = _SCHEMA_NAME) -> None:
    """Print the JSON Schema of a file format (for editors), e.g. `schema roadmap`."""
    if name not in _SCHEMAS:
        raise UserError(f"unknown schema {name!r}{suggest(name, _SCHEMAS)} (known: roadmap)")
    print(json.dumps(_SCHEMAS[name](), indent=2))
