"""demo: the README's first command — the whole cycle on the built-in fake trackers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.output import make_console


@app.command()
def demo(
    directory: Path | None = typer.Option(
        None,
        "--dir",
        help="Where to keep the demo's config and SQLite state (default: a new temporary folder).",
    ),
    roadmap: Path | None = typer.Option(
        None, "--roadmap", help="Roadmap to seed (default: the Trending Now example)."
    ),
) -> None:
    """Seed the example roadmap into a fake Jira and a fake GitHub, move work, sync, report."""
    from tracker_bridge.demo import Demo, example_roadmap

    where = directory or Path(tempfile.mkdtemp(prefix="tracker-bridge-demo-"))
    Demo(where, roadmap or example_roadmap(), make_console()).run()
