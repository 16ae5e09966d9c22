"""Plans and sync summaries for people: a readable diff and a short table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    Comment,
    CreateItem,
    EnsureSprint,
    LinkParent,
    MoveStage,
    Plan,
    UpdateFields,
    WriteMarker,
)
from tracker_bridge.reconcile.sync import SyncReport

MAX_LINES_PER_TRACKER = 200


def describe(action: Action) -> Text:
    """One line per action, coloured like a diff: + create, ~ change, > move."""
    if isinstance(action, CreateItem):
        assert action.item is not None
        item = action.item
        return Text.assemble(
            ("+ ", "green bold"),
            (f"{action.item_id} ", "green"),
            f"{item.kind.value} “{item.title}” [{item.track.value}]",
        )
    if isinstance(action, UpdateFields):
        parts = [f"{name}: {_short(old)} → {_short(new)}" for name, old, new in action.changes]
        return Text.assemble(
            ("~ ", "yellow bold"), (f"{action.item_id} ", "yellow"), "; ".join(parts)
        )
    if isinstance(action, MoveStage):
        source = action.from_stage.value if action.from_stage else "(new)"
        return Text.assemble(
            ("> ", "cyan bold"),
            (f"{action.item_id} ", "cyan"),
            f"{source} → {action.to_stage.value}",
        )
    if isinstance(action, AssignSprint):
        return Text.assemble(
            ("> ", "cyan bold"),
            (f"{action.item_id} ", "cyan"),
            f"sprint {action.from_sprint or '-'} → {action.sprint_id or 'backlog'}",
        )
    if isinstance(action, LinkParent):
        return Text.assemble(
            ("~ ", "yellow bold"),
            (f"{action.item_id} ", "yellow"),
            f"parent → {action.parent_id or '-'}",
        )
    if isinstance(action, EnsureSprint):
        assert action.sprint is not None
        sprint = action.sprint
        verb = "update" if action.exists else "create"
        return Text.assemble(
            ("* ", "magenta bold"),
            (f"{sprint.id} ", "magenta"),
            f"{verb} sprint “{sprint.name}” {sprint.start} → {sprint.end} ({sprint.state.value})",
        )
    if isinstance(action, Comment):
        return Text.assemble(("# ", "blue bold"), f"{action.item_id} comment")
    if isinstance(action, WriteMarker):
        return Text.assemble(
            ("= ", "green bold"), (f"{action.item_id} ", "green"), f"adopts {action.key} (marker)"
        )
    return Text(f"{action.op} {action.item_id}")


def render_plan(plan: Plan, console: Console, limit: int = MAX_LINES_PER_TRACKER) -> None:
    if plan.empty and not plan.conflicts:
        console.print(f"[green]No changes.[/] Plan {plan.checksum} for {plan.project}.")
        _skips(plan, console, limit)
        return
    trackers = sorted({action.tracker for action in plan.actions})
    for tracker in trackers:
        actions = plan.for_tracker(tracker)
        console.print(f"[bold]{tracker}[/] — {len(actions)} change(s)")
        for action in actions[:limit]:
            console.print(Text("  ") + describe(action))
        if len(actions) > limit:
            console.print(f"  … and {len(actions) - limit} more (use --json)")
    for conflict in plan.conflicts:
        sides = ", ".join(f"{side}={_short(value)}" for side, value in conflict.values)
        outcome = "held" if conflict.winner is None else f"{conflict.winner} wins"
        console.print(
            f"[red]! conflict[/] {conflict.item_id}.{conflict.field}: "
            f"base={_short(conflict.base)}; {sides} → {outcome}"
        )
    _skips(plan, console, limit)
    counts = ", ".join(f"{op} {n}" for op, n in sorted(plan.counts().items()))
    console.print(
        f"Plan [bold]{plan.checksum}[/]: {counts or 'nothing to do'}; "
        f"{len(plan.conflicts)} conflict(s), {len(plan.skips)} skipped."
    )


def _skips(plan: Plan, console: Console, limit: int = MAX_LINES_PER_TRACKER) -> None:
    """What was not acted on, with why: once per run (deleted issues, unknown types...)."""
    for skip in plan.skips[:limit]:
        line = f"  [dim]skip[/] {skip.tracker} {skip.item_id}: {skip.reason}"
        console.print(line, highlight=False)
    if len(plan.skips) > limit:
        console.print(f"  … and {len(plan.skips) - limit} more skipped (use --json)")


def render_summary(report: SyncReport, console: Console, *, skips: bool = True) -> None:
    """`skips=False` when the plan, which lists them, was printed just before."""
    summary = report.summary()
    table = Table(title=f"Sync summary — {report.project}", show_edge=False)
    for column in ("created", "updated", "moved", "conflicts", "failures"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary["created"]),
        str(summary["updated"]),
        str(summary["moved"]),
        str(summary["conflicts"]),
        str(len(summary["failures"])),
    )
    console.print(table)
    for tracker, used in sorted(report.requests.items()):
        pulled = report.pulled.get(tracker, 0)
        adopted = report.adopted.get(tracker, 0)
        console.print(
            f"  {tracker}: {used} request(s), {pulled} changed issue(s) pulled"
            + (f", {adopted} re-linked by marker" if adopted else "")
        )
    for failure in summary["failures"][:20]:
        console.print(
            f"  [red]✗[/] {failure['tracker']} {failure['item_id']} "
            f"{failure['op']}: {failure['error']}"
        )
    for tracker, count in sorted(report.born.items()):
        console.print(f"  {tracker}: {count} tracker-born item(s) seen for the first time")
    if skips:
        _skips(report.plan, console)
    if not report.cursors_moved and report.applied is not None:
        console.print("  [yellow]cursor kept: the next sync re-reads these changes[/]")


def _short(value: object, width: int = 40) -> str:
    text = "-" if value is None else (", ".join(value) if isinstance(value, tuple) else str(value))
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
