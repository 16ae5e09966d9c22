"""plan, seed, apply, sync, relink and status: the reconciler from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from tracker_bridge.cli.app import app
from tracker_bridge.cli.options import (
    Chosen,
    ConfigOption,
    ProjectOption,
    RoadmapArgument,
    TargetOption,
    choose_project,
    command_line,
    repeat_options,
    resolve_targets,
)
from tracker_bridge.cli.output import make_console
from tracker_bridge.cli.progress import PipeProgress
from tracker_bridge.cli.sync_stamp import StampBuilder, stamp_builder
from tracker_bridge.config import ProjectSettings
from tracker_bridge.errors import UserError
from tracker_bridge.locations import config_path
from tracker_bridge.model import Roadmap
from tracker_bridge.quiet.conversation import recording
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.reconcile.adoption import AdoptConflict
from tracker_bridge.reconcile.planner import ROADMAP, field_owners
from tracker_bridge.reconcile.relinking import relinked_bases, unsettled_note
from tracker_bridge.reconcile.render import render_decisions, render_plan, render_summary
from tracker_bridge.reconcile.run_report import PlanChanged
from tracker_bridge.reconcile.spike_records import SPIKE_EVENTS, restore
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.roadmap.loaded import LoadedRoadmap
from tracker_bridge.tracker import Adapter, AdapterError
from tracker_bridge.workspace import Workspace, open_workspace

JsonOption = typer.Option(False, "--json", help="Machine-readable output.")
ForceOption = typer.Option(
    False, "--force", help="Apply even a plan that changes a large share of existing items."
)

console = make_console()


def _roadmap(path: Path) -> Roadmap:
    return load_roadmap_cached(path).roadmap


def _run(
    workspace: Workspace,
    loaded: LoadedRoadmap,
    project: ProjectSettings,
    targets: list[str],
    options: SyncOptions,
    quiet: bool,
    stamp: Callable[[Mapping[str, Adapter]], StampBuilder | None] | None = None,
) -> SyncReport:
    """`stamp`: makes the quiet-night stamp builder once the adapters are open (`sync`)."""
    adapters = workspace.open_adapters(project, resolve_targets(project, targets))
    options = workspace.sync_options(
        apply=options.apply,
        force=options.force,
        checksum=options.checksum,
        kind=options.kind,
        project=project,
    )
    with _progress(adapters, quiet or not options.apply) as tick:
        try:
            reconciler = Reconciler(
                workspace.store,
                project.name,
                adapters,
                quiet_stamp=stamp(adapters) if stamp is not None else None,
            )
            return reconciler.run(loaded.roadmap, options, tick)
        except AdoptConflict as exc:  # named at the `adopt:` line that claims the issue
            raise exc.pinned(loaded) from None
        except AdapterError as exc:
            # A person must fix it (token, mapping, project): one line like any UserError.
            raise UserError(str(exc)) from exc


@contextmanager
def _progress(adapters: Mapping[str, Adapter], quiet: bool) -> Iterator[Any]:
    if quiet:
        yield None
        return
    if not console.is_terminal:  # in a pipe or a log a bar is only a stray newline
        yield PipeProgress(adapters)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # a terminal's

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    tasks = {tracker: bar.add_task(tracker, total=None) for tracker in adapters}

    def tick(tracker: str, done: int) -> None:
        bar.update(tasks[tracker], completed=done)

    with bar:
        yield tick


def _print(report: SyncReport, as_json: bool, show_plan: bool, policy: str) -> None:
    if as_json:
        payload = {"plan": report.plan.to_json(), "summary": report.summary()}
        typer.echo(json.dumps(payload, indent=2, default=str))
        return
    if show_plan:
        render_plan(report.plan, console, policy=policy)
    if report.applied is not None:
        if not show_plan:  # what was decided on the way, as the plan would have shown it
            render_decisions(report.plan, console, policy=policy)
        render_summary(report, console, skips=False)  # listed with the plan or decisions


def _dry_run_hints(report: SyncReport, *commands: list[str]) -> None:
    """After a dry run: the commands that write it, ready to paste."""
    if report.applied is not None or report.plan.empty:
        return
    console.print("Dry run: nothing was written. To write it:", style="dim")
    for parts in commands:
        console.print(f"  {command_line(*parts)}", style="dim", markup=False)


def _apply_hint(report: SyncReport, repeat: list[str]) -> list[str]:
    return ["apply", *repeat, "--checksum", report.plan.checksum]


def _exit(report: SyncReport) -> None:
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def plan(
    roadmap: Path | None = RoadmapArgument,
    target: list[str] = TargetOption,
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """Show what seeding or syncing the roadmap would change. Writes nothing."""
    # A broken file is reported before anything else is opened.
    given = load_roadmap_cached(roadmap) if roadmap is not None else None
    with open_workspace(config) as workspace:
        chosen = choose_project(workspace, roadmap, project)
        report = _run(
            workspace,
            given or load_roadmap_cached(chosen.roadmap),
            chosen.project,
            target,
            SyncOptions(kind="plan"),
            as_json,
        )
        policy = workspace.settings.reconcile.conflict_policy
    _print(report, as_json, show_plan=True, policy=policy)
    if not as_json:
        _dry_run_hints(report, _apply_hint(report, _repeat(chosen, roadmap, target, config)))


def _repeat(
    chosen: Chosen, roadmap: Path | None, targets: list[str], config: Path | None
) -> list[str]:
    """Options that make a follow-up command act on what this one did."""
    return repeat_options(
        roadmap=roadmap,
        project=chosen.project.name if chosen.explicit_project else None,
        targets=targets,
        config=config,
    )


@app.command()
def seed(
    roadmap: Path | None = RoadmapArgument,
    target: list[str] = TargetOption,
    project: str | None = ProjectOption,
    yes: bool = typer.Option(False, "--yes", "-y", help="Write; without it this is a dry run."),
    force: bool = ForceOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """Seed the trackers' backlogs from a roadmap. Re-running never duplicates."""
    given = load_roadmap_cached(roadmap) if roadmap is not None else None
    options = SyncOptions(apply=yes, force=force, kind="seed")
    with open_workspace(config) as workspace:
        chosen = choose_project(workspace, roadmap, project)
        report = _run(
            workspace,
            given or load_roadmap_cached(chosen.roadmap),
            chosen.project,
            target,
            options,
            as_json,
        )
        policy = workspace.settings.reconcile.conflict_policy
    _print(report, as_json, show_plan=True, policy=policy)
    if not as_json:
        repeat = _repeat(chosen, roadmap, target, config)
        _dry_run_hints(report, _apply_hint(report, repeat), ["seed", *repeat, "--yes"])
    _exit(report)


@app.command("apply")
def apply_(
    roadmap: Path | None = RoadmapArgument,
    target: list[str] = TargetOption,
    project: str | None = ProjectOption,
    checksum: str | None = typer.Option(
        None, "--checksum", help="Apply only if the plan is still exactly this one (from `plan`)."
    ),
    force: bool = ForceOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
) -> None:
    """Apply the plan: create, update and move items on the trackers."""
    given = load_roadmap_cached(roadmap) if roadmap is not None else None
    options = SyncOptions(apply=True, force=force, checksum=checksum, kind="apply")
    with open_workspace(config) as workspace:
        chosen = choose_project(workspace, roadmap, project)
        try:
            report = _run(
                workspace,
                given or load_roadmap_cached(chosen.roadmap),
                chosen.project,
                target,
                options,
                as_json,
            )
        except PlanChanged as exc:
            repeat = _repeat(chosen, roadmap, target, config)
            raise UserError(
                f"{exc}: review it with `{command_line('plan', *repeat)}`, then apply it with "
                f"`{command_line('apply', *repeat, '--checksum', exc.current)}`"
            ) from None
        policy = workspace.settings.reconcile.conflict_policy
    _print(report, as_json, show_plan=True, policy=policy)
    _exit(report)


@app.command()
def sync(
    project: str | None = ProjectOption,
    target: list[str] = TargetOption,
    yes: bool = typer.Option(False, "--yes", "-y", help="Write; without it this is a dry run."),
    force: bool = ForceOption,
    config: Path | None = ConfigOption,
    as_json: bool = JsonOption,
    no_quiet: bool = typer.Option(
        False,
        "--no-quiet",
        help="Always run the full sync: do not replay the last quiet night's requests "
        "(also: TB_NO_QUIET=1).",
    ),
) -> None:
    """Pull every target, plan, and (with --yes) apply: the nightly job.

    After a completely quiet night, the next `sync --yes` first replays that night's
    requests; the same answers mean nothing changed, and it stops there (SQLite stores)."""
    del no_quiet  # read by the fast path before this command loads (tracker_bridge/quiet)
    stamping = yes and not target
    with recording() if stamping else nullcontext(), open_workspace(config) as workspace:
        settings = workspace.project(project)
        loaded = load_roadmap_cached(settings.roadmap)
        options = SyncOptions(apply=yes, force=force, kind="sync")
        found = config_path(config)

        def stamp(adapters: Mapping[str, Adapter]) -> StampBuilder | None:
            if found is None:
                return None
            return stamp_builder(found, workspace.settings, settings, loaded, adapters)

        report = _run(
            workspace, loaded, settings, target, options, as_json, stamp if stamping else None
        )
        policy = workspace.settings.reconcile.conflict_policy
    _print(report, as_json, show_plan=not yes, policy=policy)
    if not as_json:
        repeat = repeat_options(roadmap=None, project=project, targets=target, config=config)
        _dry_run_hints(report, ["sync", *repeat, "--yes"])
    _exit(report)


@app.command()
def relink(
    target: str = typer.Option(
        ..., "--target", "-t", help="The target to rebuild refs for (jira:TREND, or jira)."
    ),
    project: str | None = ProjectOption,
    config: Path | None = ConfigOption,
) -> None:
    """Rebuild the store's refs from the markers on a tracker (after a lost database)."""
    with open_workspace(config) as workspace:
        settings = workspace.project(project)
        loaded = _roadmap(settings.roadmap)
        (target,) = resolve_targets(settings, [target])
        adapter = workspace.open_adapters(settings, [target])[target]
        store = workspace.store
        # Writes refs and bases like a sync does, so never at the same time as one.
        with store.project_lock(settings.name):
            try:
                found = adapter.find_by_marker({item.id for item in loaded.items})
            except AdapterError as exc:
                raise UserError(f"{target}: {exc}") from exc
            known = store.get_refs(settings.name, target)
            restored = {i for i, r in found.items()
                        if i not in known or known[i].remote_id != r.ref.remote_id}
            bases = relinked_bases(
                {item.id: item for item in loaded.items}, found, restored,
                store.get_base(settings.name, ROADMAP), field_owners([adapter]),
            )
            for item_id, remote in found.items():
                store.save_ref(settings.name, item_id, remote.ref)
            store.save_bases(settings.name, target, bases.tracker)
            store.save_bases(settings.name, ROADMAP, bases.roadmap)
            # Spike records live on the trackers too: started, extended and closed come back.
            records = {i: str(r.values["spike"]) for i, r in found.items() if r.values.get("spike")}
            spikes = store.events(settings.name, kinds=SPIKE_EVENTS)
            store.record_events(settings.name, restore(loaded, spikes, records, datetime.now(UTC)))
        new = len(set(found) - set(known))
        missing = len(loaded.items) - len(found)
    console.print(
        f"{target}: {len(found)} item(s) found by marker, {new} ref(s) restored, "
        f"{missing} roadmap item(s) not on the tracker (the next seed creates them)."
    )
    if bases.unsettled:
        console.print(unsettled_note(bases.unsettled))
