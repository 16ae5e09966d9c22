"""`report sprint` and `spike check|start|extend|close`: sprint health and spike time-boxes."""

from __future__ import annotations

import io
import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import CONFIG_HELP, command_line
from tracker_bridge.cli.output import make_console
from tracker_bridge.errors import UserError
from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import SpikeOutcome, WorkItem
from tracker_bridge.reports.clock import parse_now
from tracker_bridge.reports.context import ReportContext, open_context
from tracker_bridge.reports.spikes import (
    SpikeStatus,
    SpikeViolation,
    check_spikes,
    spike_status,
)

if TYPE_CHECKING:  # the renderers and the Slack client load with `report sprint` only
    from tracker_bridge.reports.summary import SprintReport
from tracker_bridge.store import StoreEvent

report_app = typer.Typer(help="Sprint reports: terminal, Markdown, JSON, HTML, Slack.",
                         no_args_is_help=True)
spike_app = typer.Typer(help="Spike time-boxes: start, extend, close, check (for CI).",
                        no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(spike_app, name="spike")

Config = Annotated[Path | None, typer.Option("--config", "-c", help=CONFIG_HELP)]
Project = Annotated[str | None, typer.Option(
    "--project", "-p", help="Project (needed if several).")]
Now = Annotated[str | None, typer.Option(
    "--now", help="As of this UTC time (ISO 8601); default now.", hidden=True)]
SpikeId = Annotated[str, typer.Argument(metavar="ID", help="The spike's item id.")]
SyncNow = Annotated[bool, typer.Option(
    "--sync", help="Then sync the project now (as `sync --yes`), not at the next sync.")]


class Format(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"
    SLACK = "slack"


@report_app.command("sprint")
def report_sprint(
    sprint: Annotated[str | None, typer.Option(help="Sprint id; default the active one.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TERMINAL,
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    post: Annotated[bool, typer.Option(help="Also post the Slack summary.")] = False,
    full: Annotated[bool, typer.Option(
        "--full", help="JSON: every list whole (the whole board); default: 50 per list.")
    ] = False,
    project: Project = None,
    config: Config = None,
    now: Now = None,
) -> None:
    """Sprint health per track: commitment, burndown, scope change, velocity, spikes, WIP."""
    from tracker_bridge.reports.render_terminal import render_sprint

    with no_gc_pauses(), open_context(config, project, parse_now(now)) as ctx:
        # Every card listed only by `--full` JSON; the other outputs clip every list.
        report = ctx.sprint_report(ctx.sprint(sprint), one_shot=True,
                                   whole_board=full and fmt is Format.JSON)
        webhook = ctx.settings.slack.webhook_url() if post else None
    if post and webhook is None:
        raise UserError("--post: no Slack webhook configured; set [slack] webhook_env")
    console = make_console()
    if fmt is Format.TERMINAL and output is None and console.is_terminal:
        render_sprint(report, console)
    else:
        text = {
            Format.TERMINAL: lambda: _plain_terminal(report),  # also in a pipe: 100 columns
            Format.MARKDOWN: lambda: _markdown(report),
            Format.JSON: lambda: _json(report, full) + "\n",
            Format.HTML: lambda: _html(report),
            Format.SLACK: lambda: _slack_json(report),
        }[fmt]()
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {output}", err=True)
    if webhook is not None:
        from tracker_bridge.reports.render_slack import render_slack
        from tracker_bridge.reports.slack_post import post_to_slack

        post_to_slack(webhook, render_slack(report))
        typer.echo("posted the sprint summary to Slack", err=True)


# Each renderer loads with its format only (the Slack client and the HTML renderer cost
# 60 ms of start-up that a terminal or JSON report does not need).
def _markdown(report: SprintReport) -> str:
    from tracker_bridge.reports.render_markdown import render_markdown

    return render_markdown(report)


def _json(report: SprintReport, full: bool) -> str:
    from tracker_bridge.reports.render_json import to_json

    return to_json(report, full=full)


def _html(report: SprintReport) -> str:
    from tracker_bridge.reports.render_html import render_html

    return render_html(report)


def _plain_terminal(report: SprintReport) -> str:
    from tracker_bridge.reports.render_terminal import render_sprint

    console = Console(record=True, width=100, color_system=None, file=io.StringIO())
    render_sprint(report, console)
    return console.export_text()


def _slack_json(report: SprintReport) -> str:
    from tracker_bridge.reports.render_slack import render_slack

    return json.dumps(render_slack(report).to_dict(), indent=2, ensure_ascii=False) + "\n"


def _spike(ctx: ReportContext, item_id: str) -> tuple[WorkItem, SpikeStatus]:
    item = ctx.items().get(item_id)
    if item is None or item.timebox is None:
        what = "no item" if item is None else f"{item.kind.value}, not a spike:"
        raise UserError(f"{what} {item_id!r} in project {ctx.name!r}")
    return item, spike_status(item, ctx.item_history(item_id), ctx.now)


def _checked_spikes(
    project: str | None, config: Path | None, now: str | None
) -> tuple[str, datetime, int, list[SpikeViolation]]:
    """The project, the time, how many spikes it has, and their violations."""
    with open_context(config, project, parse_now(now)) as ctx:
        items = ctx.spike_items()
        read = ctx.spike_histories(items)
        found = check_spikes(items, (ev for events in read.values() for ev in events),
                             ctx.roadmap.board.spikes, ctx.now)
        spikes = sum(1 for i in items.values() if i.timebox is not None)
        return ctx.name, ctx.now, spikes, found


def _then_sync(sync_now: bool, project: str | None, config: Path | None) -> None:
    """`--sync`: write the record to every target now (the whole project's sync)."""
    if sync_now:
        from tracker_bridge.cli.sync_cmds import sync

        sync(project=project, target=[], yes=True, force=False, config=config, as_json=False)


def _config_args(config: Path | None, project: str | None) -> list[str]:
    return [*(["--project", project] if project else []), *(["--config", str(config)] if config
                                                           else [])]


@spike_app.command("check")
def spike_check(
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object on stdout (for CI); the exit code is the same.")
    ] = False,
    project: Project = None, config: Config = None, now: Now = None,
) -> None:
    """Exit 1 if any spike is over its time-box or breaks the spike policy (one line each)."""
    # As a report: nothing read is garbage, so no collection runs while it is read and
    # checked (0.23 s at 100,000 items); it is all let go inside the pause.
    with no_gc_pauses():
        name, at, spikes, found = _checked_spikes(project, config, now)
    if as_json:
        typer.echo(json.dumps({
            "schema_version": 1, "project": name, "at": at.isoformat(), "ok": not found,
            "spikes": spikes, "violation_count": len(found),
            "violations": [{"item_id": v.item_id, "rule": v.rule, "message": v.message,
                            "text": str(v)} for v in found],
        }, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        for violation in found:
            typer.echo(str(violation))
        if not found:
            typer.echo(f"{spikes} spike(s) within their time-box and policy")
    if found:
        raise typer.Exit(1)


@spike_app.command("start")
def spike_start(
    item_id: SpikeId,
    project: Project = None, config: Config = None, now: Now = None, sync_now: SyncNow = False,
) -> None:
    """Start the spike's clock now."""
    with open_context(config, project, parse_now(now)) as ctx:
        _, status = _spike(ctx, item_id)
        if status.started_at is not None:
            raise UserError(f"{item_id} started on {status.started_at:%Y-%m-%d %H:%M} UTC already")
        ctx.record([StoreEvent("spike_started", item_id, ctx.now)])
        _, status = _spike(ctx, item_id)
    typer.echo(f"{item_id}: started; time-box ends {status.deadline:%Y-%m-%d %H:%M} UTC")
    _then_sync(sync_now, project, config)


@spike_app.command("extend")
def spike_extend(
    item_id: SpikeId,
    days: Annotated[int, typer.Option(min=1, help="Extra days.")],
    reason: Annotated[str, typer.Option(help="Why the spike needs more time.")],
    project: Project = None, config: Config = None, now: Now = None, sync_now: SyncNow = False,
) -> None:
    """Extend a running spike's time-box, if the spike policy allows another extension."""
    if not reason.strip():
        raise UserError("--reason: say why the spike needs more time")
    with open_context(config, project, parse_now(now)) as ctx:
        _, status = _spike(ctx, item_id)
        allowed = ctx.roadmap.board.spikes.extensions_allowed
        if status.closed:
            raise UserError(f"{item_id} is closed; nothing to extend")
        if status.started_at is None:
            start = command_line("spike", "start", item_id, *_config_args(config, project))
            raise UserError(f"{item_id} has not started; run `{start}`")
        if len(status.extensions) >= allowed:
            raise UserError(
                f"{item_id} has {len(status.extensions)} extension(s); the spike policy allows "
                f"{allowed} (extensions_allowed). Close it with what was learned, or plan a "
                "new spike"
            )
        longest = ctx.roadmap.board.spikes.max_timebox_days
        if status.total_days + days > longest:
            raise UserError(
                f"{item_id}: a time-box of {status.total_days + days} days "
                f"({status.total_days} + {days}) is longer than the spike policy allows "
                f"(max_timebox_days: {longest}). Close it with what was learned, or plan a "
                "new spike"
            )
        event = StoreEvent("spike_extended", item_id, ctx.now,
                           data={"days": days, "reason": reason.strip()})
        ctx.record([event])
        _, status = _spike(ctx, item_id)
    typer.echo(f"{item_id}: extended by {days} day(s); time-box ends "
               f"{status.deadline:%Y-%m-%d %H:%M} UTC")
    _then_sync(sync_now, project, config)


@spike_app.command("close")
def spike_close(
    item_id: SpikeId,
    outcome: Annotated[SpikeOutcome, typer.Option(help="What the experiment showed.")],
    learning: Annotated[str, typer.Option(help="What the team learned.")],
    project: Project = None, config: Config = None, now: Now = None, sync_now: SyncNow = False,
) -> None:
    """Record a spike's outcome and learning (research delivers learning, not points)."""
    if not learning.strip():
        raise UserError("--learning: record what the spike taught us")
    with open_context(config, project, parse_now(now)) as ctx:
        _, status = _spike(ctx, item_id)
        if status.outcome is not None:
            raise UserError(f"{item_id} is closed already ({status.outcome.value})")
        ctx.record([StoreEvent("spike_closed", item_id, ctx.now,
                               data={"outcome": outcome.value, "learning": learning.strip()})])
    typer.echo(f"{item_id}: closed as {outcome.value}")
    _then_sync(sync_now, project, config)
