"""status: the board from the store, as a person or a cron job reads it.

Apart from `sync_cmds` so that `status` loads the store and the report code only, not the
reconciler, the adapters or the client libraries.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import ConfigOption, ProjectOption, command_line, repeat_options
from tracker_bridge.cli.output import make_console
from tracker_bridge.errors import UserError
from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.roadmap.cache import load_plan_cached
from tracker_bridge.workspace import open_workspace

JsonOption = typer.Option(False, "--json", help="Machine-readable output.")
FullOption = typer.Option(
    False, "--full", help="JSON: every list whole (the whole board); default: 50 per list.")
NowOption = typer.Option(
    None, "--now", help="As of this UTC time (ISO 8601); default now.", hidden=True)

console = make_console()


@app.command()
def status(
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
    full: bool = FullOption,
    now: str | None = NowOption,
) -> None:
    """The board: items per stage and track against the WIP limits, blocked items, sprint."""
    # What status reads lives until it ends, and so does most of what the board makes (a
    # line per card): collections would find next to nothing to free, so none run (and an
    # in-process caller gets its collector back).
    with no_gc_pauses():
        _status(project, config, as_json, full, now)


def _status(
    project: str | None, config: Path | None, as_json: bool, full: bool, now: str | None
) -> None:
    from tracker_bridge.reports.board import BoardSnapshot, board_snapshot
    from tracker_bridge.reports.clock import parse_now
    from tracker_bridge.reports.store_board import store_board

    at = parse_now(now)
    snapshot: BoardSnapshot | None = None
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        store = workspace.store
        # The board is the store's items: the roadmap gives only the plan around them.
        loaded = load_plan_cached(settings.roadmap)
        if not (as_json and full):
            # Counts and the few cards each list shows, from the store's aggregates.
            if store.has_items(settings.name):
                snapshot = store_board(store, settings.name, loaded, at)
        else:
            # Every card listed: each item's card (a few columns, not its whole record),
            # and when the cards in progress entered their stage and first started
            # (their flow summaries, no event read), in one pass.
            items, flows = store.board_cards(settings.name)
            if items:
                snapshot = board_snapshot(items, loaded, at, flows=flows)
    if snapshot is None:
        repeat = repeat_options(roadmap=None, project=project, targets=(), config=config)
        raise UserError(
            f"nothing synced yet for {settings.name!r}: run "
            f"`{command_line('seed', *repeat, '--yes')}` or `{command_line('sync', *repeat)}` first"
        )
    if as_json:
        from tracker_bridge.reports.render_json import to_json

        typer.echo(to_json(snapshot, full=full))
        return
    from tracker_bridge.reports.render_terminal import render_board

    render_board(snapshot, console)
