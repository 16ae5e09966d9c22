"""Plans and sync summaries for people: a readable diff and a short table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    Comment,
    Conflict,
    CreateItem,
    EnsureSprint,
    LinkParent,
    MoveStage,
    Plan,
    UpdateFields,
    WriteMarker,
)
from tracker_bridge.reconcile.apply import AT_CREATE
from tracker_bridge.reconcile.run_report import SyncReport

MAX_LINES_PER_TRACKER = 200
MAX_LISTED = 20
"""Failures and skips listed in a summary; the rest are counted and are all in --json."""


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


def render_plan(
    plan: Plan, console: Console, limit: int = MAX_LINES_PER_TRACKER, policy: str | None = None
) -> None:
    if plan.empty and not plan.conflicts and not plan.skips:
        console.print(f"[green]No changes.[/] Plan {plan.checksum} for {escape(plan.project)}.")
        return
    trackers = sorted({action.tracker for action in plan.actions})
    for tracker in trackers:
        actions = plan.for_tracker(tracker)
        console.print(f"[bold]{escape(tracker)}[/] — {len(actions)} change(s)")
        for action in actions[:limit]:
            console.print(Text("  ") + describe(action))
        if len(actions) > limit:
            console.print(f"  … and {len(actions) - limit} more (use --json)")
    render_decisions(plan, console, limit, policy)
    counts = ", ".join(f"{op} {n}" for op, n in sorted(plan.counts().items()))
    console.print(
        f"Plan [bold]{plan.checksum}[/]: {counts or 'nothing to do'}; "
        f"{len(plan.conflicts)} conflict(s), {len(plan.skips)} skipped."
    )


def render_decisions(
    plan: Plan, console: Console, limit: int = MAX_LINES_PER_TRACKER, policy: str | None = None
) -> None:
    """Each conflict (item, field, every side's value, who won and why) and each skip."""
    for conflict in plan.conflicts:
        console.print(Text.assemble(("! conflict ", "red"), describe_conflict(conflict, policy)))
    for skip in plan.skips[:limit]:
        console.print(skip_line(vars(skip)))
    if len(plan.skips) > limit:
        console.print(f"  … and {len(plan.skips) - limit} more skipped (use --json)")


def skip_line(skip: Mapping[str, Any]) -> Text:
    """One skip, worded the same wherever it is listed (with the plan or in the summary)."""
    return Text.assemble(
        ("- skipped ", "dim"), f"{skip['item_id']} on {skip['tracker']}: {skip['reason']}"
    )


def describe_conflict(conflict: Conflict, policy: str | None = None) -> str:
    """`api.auth.title: base=A; roadmap=B, jira:TREND=C → roadmap wins (why)`."""
    sides = ", ".join(f"{side}={_short(value)}" for side, value in conflict.values)
    if conflict.held:
        outcome = "held: nothing written; settle it on one side (conflict_policy = hold)"
    else:
        outcome = f"{conflict.winner} wins ({_why(conflict, policy)})"
    return f"{conflict.item_id}.{conflict.field}: base={_short(conflict.base)}; {sides} → {outcome}"


def _why(conflict: Conflict, policy: str | None) -> str:
    by_roadmap = conflict.resolution == "roadmap"
    if policy == "owner":
        owner = "the roadmap owns" if by_roadmap else "the trackers own"
        return f"{owner} {conflict.field}" + ("" if by_roadmap else "; the latest edit wins")
    if policy in ("prefer_roadmap", "prefer_tracker"):
        return f"conflict_policy = {policy}" + ("" if by_roadmap else "; the latest edit wins")
    return "the roadmap's value" if by_roadmap else "the latest tracker edit"


def render_summary(report: SyncReport, console: Console, *, skips: bool = True) -> None:
    """`skips=False` when the plan's own skips were printed just before (with the plan)."""
    summary = report.summary()
    table = Table(title=f"Sync summary — {escape(report.project)}", show_edge=False)
    for column in ("created", "updated", "moved", "conflicts", "failures"):
        table.add_column(column, justify="right")
    done = summary["done"]
    at_create = done.get(f"move_stage{AT_CREATE}", 0)
    table.add_row(
        str(summary["created"]),
        str(summary["updated"]),
        f"{summary['moved']} (+{at_create} set at create)" if at_create else str(summary["moved"]),
        str(summary["conflicts"]),
        str(len(summary["failures"])),
    )
    console.print(table)
    for tracker, used in sorted(report.requests.items()):
        pulled = report.pulled.get(tracker, 0)
        adopted = report.adopted.get(tracker, 0)
        console.print(
            f"  {tracker}: {used} request(s), {pulled} changed issue(s) pulled"
            + (f", {adopted} re-linked by marker" if adopted else ""),
            markup=False,
        )
    failures = summary["failures"]
    for failure in failures[:MAX_LISTED]:
        line = f"{failure['tracker']} {failure['item_id']} {failure['op']}: {failure['error']}"
        console.print(f"  [red]✗[/] {escape(line)}")
    _more(console, len(failures), "failure(s)")
    warnings = summary["warnings"]
    for warning in warnings[:MAX_LISTED]:
        line = f"{warning['tracker']} {warning['item_id']}: {warning['message']}"
        console.print(f"  [yellow]![/] {escape(line)}")
    _more(console, len(warnings), "warning(s)")
    for tracker, count in sorted(report.born.items()):
        console.print(f"  {tracker}: {count} tracker-born item(s) seen for the first time")
    applied_skips = report.applied.skips if report.applied else []
    skipped = summary["skipped"] if skips else [vars(s) for s in applied_skips]
    for skip in skipped[:MAX_LISTED]:
        console.print(skip_line(skip))
    _more(console, len(skipped), "skip(s)")
    if not report.cursors_moved and report.applied is not None:
        console.print("  [yellow]cursor kept: the next sync re-reads these changes[/]")


def _more(console: Console, total: int, what: str) -> None:
    if total > MAX_LISTED:
        console.print(f"  … and {total - MAX_LISTED} more {what}: `--json` lists them all")


def _short(value: object, width: int = 40) -> str:
    text = "-" if value is None else (", ".join(value) if isinstance(value, tuple) else str(value))
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
