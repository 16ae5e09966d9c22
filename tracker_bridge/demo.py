"""`tracker-bridge demo`: the whole cycle on the built-in fake trackers, no credentials needed.

Seeds the example roadmap into a fake Jira and a fake GitHub, lets "the team" move work in
both trackers' UIs, syncs (mirroring the moves, echoing nothing), and shows the board and the
sprint's health. Everything runs through the same config, registry, adapters and store as a
real installation; only the trackers are fakes on loopback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import as_file, files
from pathlib import Path

from rich.console import Console

from tracker_bridge.model import Roadmap, Stage
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.reconcile.render import render_plan, render_summary
from tracker_bridge.reports import build_sprint_report, render_sprint
from tracker_bridge.reports.board import active_sprint, board_snapshot
from tracker_bridge.reports.render_terminal import print_rule, render_board
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import Workspace, open_workspace

# What the team does between the seed and the nightly sync: (tracker, item, stage, who).
TEAM_MOVES = (
    ("jira", "ingestion.rotten-tomatoes", Stage.IN_REVIEW, "joao"),
    ("github", "infra.terraform-staging", Stage.READY_FOR_PROD, "maria"),
    ("jira", "infra.terraform-prod", Stage.IN_STAGING, "maria"),
)


def example_roadmap() -> Path:
    """The shipped example (also in the repository as examples/trending-now.yaml)."""
    with as_file(files("tracker_bridge") / "examples" / "trending-now.yaml") as path:
        return Path(path)


def as_of(roadmap: Roadmap) -> date:
    """The middle of the last sprint that has work in it: where the example's story stands."""
    used = {item.sprint for item in roadmap.items if item.sprint}
    sprints = [s for s in roadmap.sprints if s.id in used] or list(roadmap.sprints)
    last = max(sprints, key=lambda s: s.start)
    return last.start + (last.end - last.start) / 2


class Demo:
    def __init__(self, directory: Path, roadmap_path: Path, console: Console) -> None:
        self.console = console
        self.roadmap_path = roadmap_path
        self.today = as_of(load_roadmap(roadmap_path).roadmap)
        self.roadmap = load_roadmap(roadmap_path, today=self.today).roadmap
        self.sandbox = Sandbox(directory, roadmap_path, max_change_ratio=1.0)
        # The backlog is seeded on planning day, the eve of the current sprint; then the team
        # works for a few days.
        current = active_sprint(self.roadmap, datetime.combine(self.today, time(12), UTC))
        start = current.start if current else self.today
        self.now = datetime.combine(start - timedelta(days=1), time(9, 0), tzinfo=UTC)
        self.store_url = ""

    @property
    def environ(self) -> Mapping[str, str]:
        """The demo's own environment: no `TB_*` variable of the caller's reaches its settings
        (a `TB_STORE__URL` set for production, as in the container image, must never receive
        the demo's data), only the fake trackers' credentials."""
        kept = {k: v for k, v in os.environ.items() if not k.upper().startswith("TB_")}
        return {**kept, **self.sandbox.environ}

    def _workspace(self) -> AbstractContextManager[Workspace]:
        return open_workspace(self.sandbox.config_path, environ=self.environ)

    # -- the story --------------------------------------------------------------------------
    def run(self) -> None:
        with self.sandbox:
            self._tick(0)
            self._intro()
            self._step("1. Plan: what seeding both trackers would do (dry run)")
            render_plan(self._cycle(apply=False).plan, self.console, limit=6)
            self._step("2. Seed: create the backlog in Jira and GitHub")
            render_summary(self._cycle(), self.console)
            self._step("3. Seed again: re-running never duplicates")
            again = self._cycle()
            self.console.print(
                f"creates planned: {again.plan.counts().get('create', 0)}; "
                f"issues now {self._counts()}"
            )
            self._step("4. The team moves work along in the trackers' own UIs")
            self._team_moves()
            self._step("5. Nightly sync: each move is mirrored to the other tracker")
            mirrored = self._cycle()
            render_plan(mirrored.plan, self.console)
            render_summary(mirrored, self.console)
            self._step("6. Next night: nothing changed, nothing echoes back")
            quiet = self._cycle()
            render_plan(quiet.plan, self.console)
            self.console.print(
                "requests: " + ", ".join(f"{t} {n}" for t, n in sorted(quiet.requests.items()))
            )
            self._step("7. The board")
            self._board()
            self._step("8. Sprint health")
            self._sprint()
        print_rule(self.console)
        self.console.print(
            f"State kept in {self.store_url} (the demo's own store; a configured "
            "store is never touched). Next: copy config/tracker-bridge.example.toml to "
            "./tracker-bridge.toml, point it at your trackers, then run "
            "`tracker-bridge doctor`, `tracker-bridge plan` and `tracker-bridge seed --yes`."
        )

    def _intro(self) -> None:
        sandbox = self.sandbox
        print_rule(self.console, "tracker-bridge demo")
        self.console.print(
            f"Roadmap {self.roadmap_path.name} ({len(self.roadmap.items)} items) as of "
            f"{self.today}, on a fake Jira Cloud at {sandbox.jira.url} "
            f"({sandbox.jira_tracker}) and a fake GitHub at {sandbox.github.url} "
            f"({sandbox.github_tracker}).\nConfig {sandbox.config_path}; "
            "state in SQLite beside it; no credentials needed."
        )

    def _step(self, title: str) -> None:
        self.console.print()
        print_rule(self.console, title, align="left")

    def _tick(self, minutes: float) -> None:
        """Time passes on both trackers (and for the reconciler's events)."""
        self.now += timedelta(minutes=minutes)
        self.sandbox.jira.clock.freeze(self.now)
        self.sandbox.github.clock.freeze(self.now)

    def _cycle(self, apply: bool = True) -> SyncReport:
        self._tick(30)
        with self._workspace() as workspace:
            project = workspace.project(None)
            adapters = workspace.open_adapters(project)
            reconciler = Reconciler(workspace.store, project.name, adapters, now=self._clock())
            self.store_url = workspace.settings.store.model_dump()["url"]  # password hidden
            return reconciler.run(self.roadmap, SyncOptions(apply=apply, force=True))

    def _clock(self) -> Callable[[], datetime]:
        return lambda: self.now

    def _team_moves(self) -> None:
        titles = {item.id: item.title for item in self.roadmap.items}
        for tracker, item_id, stage, who in TEAM_MOVES:
            self._tick(24 * 60)  # a day's work
            if tracker == "jira":
                self.sandbox.jira_move(item_id, stage)
                where = f"Jira {self.sandbox.jira_key(item_id)}"
            else:
                self.sandbox.github_move(item_id, stage)
                where = f"GitHub #{self.sandbox.github_number(item_id)}"
            self.console.print(f"  {who} moves {where} “{titles[item_id]}” to {stage.value}")

    def _counts(self) -> str:
        return ", ".join(f"{t}: {n}" for t, n in sorted(self.sandbox.counts().items()))

    def _board(self) -> None:
        with self._workspace() as workspace:
            items = workspace.store.get_items(self.sandbox.project)
            events = workspace.store.events(self.sandbox.project)
        render_board(board_snapshot(items, self.roadmap, self.now, events=events), self.console)

    def _sprint(self) -> None:
        sprint = active_sprint(self.roadmap, self.now)
        if sprint is None:
            self.console.print("no active sprint")
            return
        with self._workspace() as workspace:
            items = workspace.store.get_items(self.sandbox.project)
            events = workspace.store.events(self.sandbox.project)
        report = build_sprint_report(sprint, items, events, self.roadmap, self.now)
        render_sprint(report, self.console)
