"""status: the board from the store, as a person or a cron job reads it.

Apart from `sync_cmds` so that `status` loads the store and the report code only, not the
reconciler, the adapters or the client libraries.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import ConfigOption, ProjectOption, command_line, repeat_options
from tracker_bridge.cli.output import make_console
from tracker_bridge.errors import UserError
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.workspace import open_workspace

JsonOption = typer.Option(False, "--json", help="Machine-readable output.")

console = make_console()


@app.command()
def status(
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """The board: items per stage and track against the WIP limits, blocked items, sprint."""
    from tracker_bridge.reports.board import (
        BOARD_EVENT_KINDS,
        board_event_items,
        board_snapshot,
    )

    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        # The board is the store's items: the roadmap gives only the plan around them.
        loaded = load_roadmap_cached(settings.roadmap, items=False).roadmap
        items = workspace.store.get_items(settings.name)
        # Only what the board reads: the stage moves of the cards in progress.
        history = workspace.store.histories(
            settings.name, kinds=BOARD_EVENT_KINDS, item_ids=board_event_items(items)
        )
    if not items:
        repeat = repeat_options(roadmap=None, project=project, targets=(), config=config)
        raise UserError(
            f"nothing synced yet for {settings.name!r}: run "
            f"`{command_line('seed', *repeat, '--yes')}` or `{command_line('sync', *repeat)}` first"
        )
    gc.freeze()  # the items and events live until exit: collections need not walk them
    snapshot = board_snapshot(items, loaded, datetime.now(UTC), history=history)
    if as_json:
        from tracker_bridge.reports.render_json import to_json

        typer.echo(to_json(snapshot))
        return
    from tracker_bridge.reports.render_terminal import render_board

    render_board(snapshot, console)
