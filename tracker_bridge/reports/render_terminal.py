"""The terminal: rich tables and panels for `tracker-bridge status` and `report sprint`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.align import AlignMethod
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from tracker_bridge.model import Track
from tracker_bridge.reports.board import BoardSnapshot
from tracker_bridge.reports.fmt import (
    breach_text,
    clip,
    clip_each,
    counted,
    cycle_rows,
    item_text,
    learning_rows,
    pts,
    shows_burndown,
    spike_text,
    sprint_title,
    track_rows,
)

if TYPE_CHECKING:  # annotations only: `status` renders its board without the sprint reports
    from tracker_bridge.reports.lines import ItemLine
    from tracker_bridge.reports.outlook import Section
    from tracker_bridge.reports.sprint import TrackHealth
    from tracker_bridge.reports.summary import SprintReport

LIST_LIMIT = 15


def _red_list(title: str, texts: list[str], console: Console) -> None:
    """Breaches and violations: clipped like every list, with the full count in the title."""
    if not texts:
        return
    console.print(f"[bold red]{escape(counted(title, texts))}[/]")
    for text in clip(texts, LIST_LIMIT):
        console.print(f"  {escape(text)}", highlight=False)


def _item_list(title: str, lines: Sequence[ItemLine], style: str = "") -> Text | None:
    if not lines:
        return None
    body = "\n".join(f"  {t}" for t in clip_each(lines, LIST_LIMIT, item_text))
    return Text(f"{title}\n{body}", style=style)


def board_table(snapshot: BoardSnapshot) -> Table:
    table = Table(title=f"{snapshot.project} board", show_lines=False)
    table.add_column("Stage")
    table.add_column("Items", justify="right")
    for track in snapshot.per_track:
        table.add_column(track.value.capitalize(), justify="right")
    table.add_column("WIP limit", justify="right")
    breached = {(b.stage, b.track) for b in snapshot.breaches}
    for col in snapshot.columns:
        limit = pts(col.limit) if col.limit is not None else ""
        limits = ", ".join(f"{t.value} {n}" for t, n in col.track_limits.items())
        style = "bold red" if (col.stage, None) in breached else ""
        cells = [
            Text(str(n), style="bold red" if (col.stage, t) in breached else "")
            for t, n in col.per_track.items()
        ]
        table.add_row(
            Text(col.stage.value, style=style),
            Text(str(col.count), style=style),
            *cells,
            " / ".join(x for x in (limit, limits) if x),
        )
    return table


def render_board(snapshot: BoardSnapshot, console: Console) -> None:
    """What `tracker-bridge status` shows: the board, breaches, blocked and ageing items."""
    sprint = snapshot.active_sprint
    if sprint is not None:
        console.print(
            f"Active sprint: [bold]{escape(sprint.name)}[/] ({sprint.start} to {sprint.end})"
        )
    console.print(board_table(snapshot))
    part = _item_list("Tracker-born (not in the roadmap)", snapshot.tracker_born())
    if part is not None:
        console.print(part)
    _red_list("WIP-limit breaches", [breach_text(b) for b in snapshot.breaches], console)
    for part in (
        _item_list("Blocked", snapshot.blocked, "yellow"),
        _item_list(f"Ageing (> {snapshot.ageing_days:g} days in stage)", snapshot.ageing),
    ):
        if part is not None:
            console.print(part)


def _track_panel(track: TrackHealth, report: SprintReport) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    rows = track_rows(track)
    if track.track is Track.RESEARCH:  # judged by learning: that comes first
        rows = [*learning_rows(report.learning), *rows]
    for label, value in rows:
        table.add_row(label, value)
    parts: list[Table | Text] = [table]
    done = [p.remaining for p in track.burndown if p.remaining is not None]
    if done and shows_burndown(track, report.research_points_burndown):
        parts.append(Text("Burndown: " + " → ".join(pts(x) for x in done)
                          + f" (ideal reaches 0 at the end of {report.health.sprint.end:%d %b})"))
    for title, lines, style in (
        ("Blocked", track.blocked, "yellow"),
        ("Ageing", track.ageing, ""),
        ("Carry-over", track.carry_over, ""),
    ):
        part = _item_list(title, lines, style)
        if part is not None:
            parts.append(part)
    if track.spikes:
        parts.append(Text("Spikes\n" + "\n".join(
            f"  {t}" for t in clip([spike_text(s) for s in track.spikes], LIST_LIMIT))))
    return Panel(Group(*parts), title=track.track.value.capitalize(), expand=False)


RULE_WIDTH = 100
"""A rule outside a terminal (a pipe, a log, a cron mail) is as wide as the plain report,
not the console's 1,000 columns that keep long lines whole (`cli.output.PIPE_WIDTH`)."""


def print_rule(console: Console, title: str = "", *, align: AlignMethod = "center") -> None:
    width = console.width if console.is_terminal else min(console.width, RULE_WIDTH)
    console.print(Rule(title, align=align), width=width)


def render_sprint(report: SprintReport, console: Console) -> None:
    from tracker_bridge.reports.outlook import outlook_sections  # not needed by `status`

    health = report.health
    print_rule(console, sprint_title(health))
    if health.sprint.goal:
        console.print(f"Goal: {health.sprint.goal}", markup=False)
    for track in health.tracks:
        if not track.is_empty:
            console.print(_track_panel(track, report))
    console.print(_flow_table(report))
    _red_list("WIP-limit breaches", [breach_text(b) for b in report.board.breaches], console)
    _red_list("Spike policy violations", [str(v) for v in report.violations], console)
    for section in outlook_sections(report):
        console.print(_outlook(section))


def _outlook(section: Section) -> Table | Text:
    if not section.head:
        return Text(section.title + "\n" + "\n".join(f"  {x}" for x in section.lines))
    table = Table(title=section.title, title_justify="left")
    for head in section.head:
        table.add_column(head)
    for row in section.rows:
        table.add_row(*row)
    return table


def _flow_table(report: SprintReport) -> Table:
    times = report.cycle_time
    table = Table(title=f"Cycle and lead time, p50 / p85 / p95 (done {times.since:%d %b} to "
                        f"{times.until:%d %b})")
    for head in ("Track", "Kind", "Items", "Cycle time", "Lead time"):
        table.add_column(head)
    for row in cycle_rows(times):
        table.add_row(*row)
    weekly = " ".join(str(sum(w.counts.values())) for w in report.throughput[-6:])
    table.caption = f"Throughput, items done per week (last 6): {weekly}"
    return table
