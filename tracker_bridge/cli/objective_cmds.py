"""`objective record|import|list|show` and `phase review|list`: KPI measurements and
go/no-go decisions, kept in the store and shown in the sprint report."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tracker_bridge.cli.app import app
from tracker_bridge.cli.output import make_console
from tracker_bridge.cli.report_cmds import Config, Now, Project
from tracker_bridge.errors import UserError
from tracker_bridge.model import Objective
from tracker_bridge.reports.clock import parse_now
from tracker_bridge.reports.context import ReportContext, open_context
from tracker_bridge.reports.measurement_file import (
    check_objective,
    parse_day,
    parse_value,
    read_measurements,
)
from tracker_bridge.reports.objectives import (
    OBJECTIVE_HEAD,
    objective_row,
    objective_status,
    objective_statuses,
    value_text,
)
from tracker_bridge.reports.phases import (
    DECISIONS,
    decision_text,
    latest_reviews,
    phase_id,
    phase_status,
    today_in,
)
from tracker_bridge.store import Measurement, PhaseReview

objective_app = typer.Typer(help="Objectives: record KPI measurements, see progress and risk.",
                            no_args_is_help=True)
phase_app = typer.Typer(help="Phases: record go/no-go reviews at the phase gates.",
                        no_args_is_help=True)
app.add_typer(objective_app, name="objective")
app.add_typer(phase_app, name="phase")

ObjectiveId = Annotated[str, typer.Argument(metavar="ID", help="The objective's id.")]


def _objective(ctx: ReportContext, objective_id: str) -> Objective:
    by_id = {o.id: o for o in ctx.roadmap.objectives}
    try:
        return by_id[check_objective(objective_id, by_id)]
    except ValueError as exc:
        raise UserError(str(exc)) from None


@objective_app.command("record")
def objective_record(
    objective_id: ObjectiveId,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The KPI's value, e.g. 0.82.")],
    at: Annotated[str | None, typer.Option(
        "--at", help="Day measured (YYYY-MM-DD); default today in the team's time zone.")
    ] = None,
    note: Annotated[str, typer.Option(help="Where the number comes from.")] = "",
    project: Project = None, config: Config = None, now: Now = None,
) -> None:
    """Store one measurement (the same objective and day again replaces it)."""
    with open_context(config, project, parse_now(now)) as ctx:
        objective = _objective(ctx, objective_id)
        today = today_in(ctx.roadmap, ctx.now)
        try:
            number = parse_value(value)
        except ValueError as exc:
            raise UserError(f"VALUE: {exc}") from None
        try:
            day = today if at is None else parse_day(at, today)
        except ValueError as exc:
            raise UserError(f"--at: {exc}") from None
        ctx.store.record_measurements(
            ctx.name, [Measurement(objective.id, day, number, note.strip())])
        status = objective_status(objective, ctx.store.measurements(ctx.name, objective.id),
                                  today)
    typer.echo(f"{objective.id}: {value_text(number, objective.unit)} on {day}; "
               f"{status.state.value}" + (f", {status.progress:g}% of the way to the target"
                                          if status.progress is not None else ""))


@objective_app.command("import")
def objective_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="JSON or CSV (id,value,at,note).")],
    project: Project = None, config: Config = None, now: Now = None,
) -> None:
    """Store many measurements at once; any bad line and nothing is stored."""
    with open_context(config, project, parse_now(now)) as ctx:
        found = read_measurements(file, [o.id for o in ctx.roadmap.objectives],
                                  today_in(ctx.roadmap, ctx.now))
        ctx.store.record_measurements(ctx.name, found)
    typer.echo(f"recorded {len(found)} measurement(s) from {file}")


@objective_app.command("list")
def objective_list(project: Project = None, config: Config = None, now: Now = None) -> None:
    """Every objective: baseline, latest value, target, due date, progress and status."""
    with open_context(config, project, parse_now(now)) as ctx:
        statuses = objective_statuses(ctx.roadmap.objectives, ctx.store.measurements(ctx.name),
                                      today_in(ctx.roadmap, ctx.now))
    if not statuses:
        typer.echo("the roadmap has no objectives")
        return
    table = Table(*OBJECTIVE_HEAD)
    for status in statuses:
        table.add_row(*objective_row(status))
    make_console().print(table)


@objective_app.command("show")
def objective_show(
    objective_id: ObjectiveId, project: Project = None, config: Config = None, now: Now = None,
) -> None:
    """One objective: its status, trend and every measurement."""
    with open_context(config, project, parse_now(now)) as ctx:
        objective = _objective(ctx, objective_id)
        history = ctx.store.measurements(ctx.name, objective.id)
        status = objective_status(objective, history, today_in(ctx.roadmap, ctx.now))
    row = dict(zip(OBJECTIVE_HEAD, objective_row(status), strict=True))
    for label, text in row.items():
        typer.echo(f"{label + ':':<11} {text}")
    if status.trend is not None:
        crossing = status.trend.reaches_target_on
        typer.echo(f"{'Trend:':<11} {status.trend.slope_per_day:+g} {objective.unit} per day "
                   f"(least squares); {value_text(status.trend.projected, objective.unit)} on "
                   f"{objective.due}" + (f"; reaches the target on {crossing}" if crossing
                                         else "; never reaches the target"))
    for m in history:
        typer.echo(f"  {m.on}  {value_text(m.value, objective.unit)}"
                   + (f"  {m.note}" if m.note else ""))


@phase_app.command("review")
def phase_review(
    phase: Annotated[str, typer.Argument(metavar="PHASE", help="The phase's id or name.")],
    decision: Annotated[str, typer.Option(metavar="[go|no-go]", help="go or no-go.")],
    note: Annotated[str, typer.Option(help="Why: the exit criteria met or missed.")],
    by: Annotated[str | None, typer.Option(help="Who decided; default $USER.")] = None,
    project: Project = None, config: Config = None, now: Now = None,
) -> None:
    """Record a go/no-go at the end of a phase; a no-go holds the next phase's sprints."""
    if decision not in DECISIONS:
        raise UserError(f"--decision: expected go or no-go, got {decision!r}")
    if not note.strip():
        raise UserError("--note: say why (which exit criteria are met or missed)")
    who = (by or os.environ.get("USER") or _login_name()).strip()
    if not who:
        raise UserError("--by: who decided? ($USER is not set)")
    with open_context(config, project, parse_now(now)) as ctx:
        ids = {phase_id(p): p for p in ctx.roadmap.phases}
        names = {p.name: phase_id(p) for p in ctx.roadmap.phases}
        wanted = phase if phase in ids else names.get(phase)
        if wanted is None:
            raise UserError(f"no phase {phase!r} in the roadmap (phases: {', '.join(ids)})")
        ctx.store.record_phase_review(
            ctx.name, PhaseReview(wanted, decision, note.strip(), who, ctx.now))
        order = list(ids)
        after = order[order.index(wanted) + 1] if order.index(wanted) + 1 < len(order) else None
    effect = ""
    if after is not None:
        effect = (f"; {after}'s sprints will not be started on the trackers until a go"
                  if decision == "no-go" else f"; {after} may start")
    typer.echo(f"{wanted}: {decision} recorded by {who} at {ctx.now:%Y-%m-%d %H:%M} UTC{effect}")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no $USER/$LOGNAME and no passwd entry (some containers)
        return ""


@phase_app.command("list")
def phase_list(project: Project = None, config: Config = None, now: Now = None) -> None:
    """Every phase with its maturity level, sprints and latest go/no-go."""
    with open_context(config, project, parse_now(now)) as ctx:
        reviews = ctx.store.phase_reviews(ctx.name)
        statuses = [phase_status(ctx.roadmap, phase_id(p), reviews) for p in ctx.roadmap.phases]
        latest = latest_reviews(reviews)
    table = Table("Phase", "Maturity", "Sprints", "Gate")
    for status in statuses:
        gate = decision_text(latest[status.id]) if status.id in latest else "-"
        if status.held_by:
            gate += f" (held: {status.held_by} is no-go)"
        table.add_row(f"{status.name} ({status.id})",
                      f"{status.maturity_level} {status.maturity}",
                      ", ".join(status.sprints), gate)
    make_console().print(table)


