"""`status` and `report sprint` on a large store: seconds, peak memory, and the event read.

    python benchmarks/report_store_scale.py [--items 100000] [--events 1000000] [--runs 3]

Builds a SQLite store holding N synced items and M events (bulk inserts, a few seconds) and
the matching roadmap file (`tracker_bridge.testing.roadmaps.generate_roadmap`, its sprints
moved so that today falls in sprint 16 of 24), then runs the real CLI in a subprocess, from
start-up to the rendered output, several times each:

- `status` and `report sprint` (plain text, as in a pipe or a cron mail), after one untimed
  run that fills the workspace's roadmap cache (`TB_CACHE_DIR=DIR/cache`);
- the median wall time and the peak RSS of each run (`wait4`'s max RSS: the whole process);
- the time to read, in this process, the rows that command needs from the store (the
  store method the command calls, with the same arguments: `report sprint` its events,
  `status` the board cards with the flow summaries of those in progress), and the ratio
  command / read;
- the wall time of a fresh process that makes only that read (`BARE_READS`: start-up, the
  imports the read needs, the store opened, the read), and the ratio command / that: what
  the command adds to the least any process answering from the store pays. `status`'s
  read (0.1 s) is a fraction of Python's and the libraries' start-up (0.3-0.4 s), which
  no command can be within 3x of.

Targets (issue 12): each command under 2 s and 500 MB, and within 3x its event read.
`--keep DIR` builds (or reuses) the workspace in DIR, to profile a command by hand.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from tracker_bridge.model import Kind, Stage, WorkItem, stored_json
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS
from tracker_bridge.reports.lines import CLIPPED_AT
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import Store
from tracker_bridge.store.cards import CARD_COLUMNS, card_columns
from tracker_bridge.store.item_flow import refresh_item_flow
from tracker_bridge.store.sprint_facts import SPRINT_KINDS, refresh_item_sprints
from tracker_bridge.store.stage_spans import refresh_span_cards, refresh_stage_spans
from tracker_bridge.testing.roadmaps import generate_roadmap

print = functools.partial(print, flush=True)  # progress shows while it runs

PROJECT = "bench"
SPRINT_DAYS = 14
CURRENT_SPRINT = 16  # of the generator's 24: 15 closed sprints of history behind it
STAGES = list(Stage)


def db_time(at: datetime) -> str:
    """How SQLAlchemy stores a UTC DateTime in SQLite: `2026-01-05 09:30:00.000000`."""
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def roadmap_text(items: int, today: date) -> str:
    first = today - timedelta(days=SPRINT_DAYS * (CURRENT_SPRINT - 1) + 5)
    return generate_roadmap(items, project=PROJECT).replace(
        "first_sprint_start: 2026-01-05", f"first_sprint_start: {first.isoformat()}"
    )


def _history(
    item: WorkItem, start: datetime, now: datetime, bounces: int
) -> Iterator[tuple[str, datetime, dict[str, str]]]:
    """A plausible history ending where the item is now: created, planned into its sprint,
    some back-and-forth in the backlog, then one move per stage up to its current one."""
    yield "created", start - timedelta(days=3), {}
    if item.sprint is not None:
        yield "sprint_added", start - timedelta(days=1), {"sprint": item.sprint}
    path = STAGES[: STAGES.index(item.stage) + 1]
    steps = 2 * bounces + len(path) - 1
    span = max(min(now, start + timedelta(days=SPRINT_DAYS)) - start, timedelta(hours=1))
    at = start
    for _ in range(bounces):
        for before, after in ((Stage.BACKLOG, Stage.SPRINT_BACKLOG),
                              (Stage.SPRINT_BACKLOG, Stage.BACKLOG)):
            at += span / (steps + 1)
            yield "stage_changed", at, {"from": before.value, "to": after.value}
    for before, after in pairwise(path):
        at += span / (steps + 1)
        yield "stage_changed", at, {"from": before.value, "to": after.value}


SHAPES = ("uniform", "team")
"""How the stored items are spread over the stages. `uniform`: the generator's, one stage in
six each whatever the sprint (50,000 cards in progress at 100k items: the worst case for
every per-card figure). `team`: as a team's tracker holds them, the closed sprints' items
done but one in twenty carried over, the current sprint's spread over the board, later
sprints' planned (sprint_backlog) and the rest in the backlog."""


def _team_stage(item: WorkItem, n: int, sprint_starts: dict[str, date], today: date) -> Stage:
    start = sprint_starts.get(item.sprint or "")
    if start is None:
        return Stage.BACKLOG
    if start > today:
        return Stage.SPRINT_BACKLOG
    if start + timedelta(days=SPRINT_DAYS) <= today:  # closed
        return Stage.IN_PROGRESS if n % 20 == 0 else Stage.DONE
    return item.stage


def build_workspace(
    folder: Path, items: int, events: int, now: datetime, shape: str = "uniform"
) -> int:
    """Writes roadmap.yaml, tracker-bridge.toml and state.sqlite; returns the events stored."""
    (folder / "roadmap.yaml").write_text(roadmap_text(items, now.date()), encoding="utf-8")
    (folder / "tracker-bridge.toml").write_text(
        '[store]\nurl = "sqlite:///state.sqlite"\n\n'
        f'[[projects]]\nname = "{PROJECT}"\nroadmap = "roadmap.yaml"\n',
        encoding="utf-8",
    )
    roadmap = load_roadmap(folder / "roadmap.yaml", today=now.date()).roadmap
    if shape == "team":
        sprint_starts = {s.id: s.start for s in roadmap.sprints}
        roadmap = roadmap.model_copy(update={"items": [
            i.model_copy(update={"stage": _team_stage(i, n, sprint_starts, now.date())})
            if i.kind is not Kind.EPIC else i
            for n, i in enumerate(roadmap.items)
        ]})
    Store.open(f"sqlite:///{folder / 'state.sqlite'}").close()  # schema via the migrations
    starts = {s.id: datetime.combine(s.start, datetime.min.time(), tzinfo=UTC)
              for s in roadmap.sprints}
    cards = [i for i in roadmap.items if i.kind is not Kind.EPIC]
    base = sum(2 + STAGES.index(i.stage) for i in cards)
    extra_pairs = max(0, events - base) // 2
    rng = random.Random(12)
    stamp = db_time(now)
    payloads: dict[str, str] = {}
    # Each item's JSON and its board card columns, as `Store.save_items` writes them.
    item_rows = [(PROJECT, i.id, json.dumps(stored_json(i)), stamp,
                  *(json.dumps(v) if isinstance(v, list) else v
                    for v in card_columns(i).values()), i.sprint) for i in roadmap.items]
    event_rows: list[tuple[str, str, str, str, str, str, str]] = []
    for n, item in enumerate(cards):
        start = starts.get(item.sprint or "", now - timedelta(days=20))
        if start > now - timedelta(days=1):  # planned ahead: its moves happened lately
            start = now - timedelta(days=rng.randrange(2, 20))
        bounces = extra_pairs // len(cards) + (n < extra_pairs % len(cards))
        for kind, at, data in _history(item, start, now - timedelta(hours=1), bounces):
            key = f"bench-{len(event_rows):x}"  # unique is all the store asks of it
            text = json.dumps(data)
            event_rows.append((PROJECT, kind, item.id, db_time(at),
                               payloads.setdefault(text, text), key, stamp))
    with sqlite3.connect(folder / "state.sqlite") as db:
        db.executemany(f"INSERT INTO items (project, item_id, data, updated_at, "
                       f"{', '.join(CARD_COLUMNS)}, sprint) "
                       f"VALUES ({', '.join('?' * (5 + len(CARD_COLUMNS)))})", item_rows)
        db.executemany("INSERT INTO events (project, kind, item_id, at, data, dedup_key, "
                       "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", event_rows)
    # The summaries `Store.record_events` and `save_items` keep, made by the same code
    # from those events and cards.
    with Store.open(f"sqlite:///{folder / 'state.sqlite'}") as store, \
            store.engine.begin() as conn:
        refresh_item_flow(conn, PROJECT, (i.id for i in cards))
        refresh_item_sprints(conn, PROJECT, (
            (item_id, kind, json.loads(data), datetime.fromisoformat(at).replace(tzinfo=UTC))
            for _, kind, item_id, at, data, _, _ in event_rows if kind in SPRINT_KINDS))
        refresh_stage_spans(conn, PROJECT, (i.id for i in cards))
        refresh_span_cards(conn, PROJECT, (i.id for i in roadmap.items))
    return len(event_rows)


def run_cli(folder: Path, args: list[str]) -> tuple[float, float, int, float]:
    """(seconds, peak RSS in MB, output bytes, CPU seconds) of one CLI run in a fresh
    process (CPU: user + system, steadier than wall time on a shared machine)."""
    env = {**os.environ, "TB_CONFIG": str(folder / "tracker-bridge.toml")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "tracker_bridge", *args],
                                cwd=folder, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(args)} failed: {err.read().decode()[-2000:]}")
        size = out.tell()
    return seconds, usage.ru_maxrss / 1024, size, usage.ru_utime + usage.ru_stime


def store_url(folder: Path) -> str:
    """The store the commands read: PostgreSQL with `--postgres` (`TB_STORE__URL`, which the
    CLI reads too), else the workspace's SQLite file."""
    return os.environ.get("TB_STORE__URL", f"sqlite:///{folder / 'state.sqlite'}")


def read_seconds(folder: Path, command: str) -> tuple[float, int, float]:
    """The store read `command` makes, on its own: (seconds, rows read, CPU seconds).
    `status` reads no event: the board's counts, the first cards of each list and the cards
    that can be ageing grouped by when they entered their stage (`Store.board_parts`;
    rows: the cards counted). `report sprint` reads the
    events of the items it replays, with the summaries that choose them
    (`ReportContext.sprint_reads`, with the tens of thousands of items it reads as cards; rows: the
    events and those items)."""
    if command != "status":
        return _report_read_seconds(folder)
    with Store.open(store_url(folder)) as store:
        began, cpu = time.perf_counter(), time.process_time()
        now = datetime.now(UTC)
        # What `status` reads (`store_board`): rows are the cards counted.
        rows = sum(store.board_parts(PROJECT, CLIPPED_AT,
                                     now - timedelta(days=DEFAULT_AGEING_DAYS))[0].counts.values())
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return seconds, rows, cpu


BARE_READS = {
    "status": (
        "import sys; from datetime import UTC, datetime, timedelta;"
        "from tracker_bridge.store import Store;"
        "store = Store.open(sys.argv[1]);"
        "store.board_parts(sys.argv[2], int(sys.argv[3]),"
        " datetime.now(UTC) - timedelta(days=float(sys.argv[4])))"
    ),
    "report sprint": (
        "import sys; from datetime import UTC, datetime; from pathlib import Path;"
        "from tracker_bridge.reports.context import open_context\n"
        "with open_context(Path('tracker-bridge.toml'), None, datetime.now(UTC)) as ctx:\n"
        "    ctx.sprint_reads(ctx.sprint(None), board_flows=False)"
    ),
}
"""What a process that only makes the command's read runs: start-up, the imports the read
needs, the store opened, the read (`read_seconds`), nothing else."""


def bare_read_seconds(folder: Path, command: str) -> float:
    """Wall seconds of a fresh process that only makes `command`'s read (`BARE_READS`): the
    least any process answering from the store pays, start-up included."""
    args = [store_url(folder), PROJECT, str(CLIPPED_AT), str(DEFAULT_AGEING_DAYS)]
    env = {**os.environ, "TB_CONFIG": str(folder / "tracker-bridge.toml")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BARE_READS[command], *args], cwd=folder, env=env,
                   check=True)
    return time.perf_counter() - started


def _report_read_seconds(folder: Path) -> tuple[float, int, float]:
    from tracker_bridge.reports.context import open_context

    with open_context(folder / "tracker-bridge.toml", None, datetime.now(UTC)) as ctx:
        sprint = ctx.sprint(None)
        began, cpu = time.perf_counter(), time.process_time()
        # The events, the summaries and the items the figures read (as cards), on one thread.
        reads = ctx.sprint_reads(sprint, board_flows=False)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    rows = sum(map(len, reads.history.values())) + len(reads.items) + len(reads.ended)
    return seconds, rows + sum(len(s.events) for s in reads.spikes.values()), cpu


def phases(folder: Path) -> None:
    """Where one in-process run of each command spends its time (no interpreter start-up
    or imports: the CLI's figure minus these is that)."""
    import io

    from rich.console import Console

    from tracker_bridge.reports.context import ReportContext
    from tracker_bridge.reports.render_terminal import render_board, render_sprint
    from tracker_bridge.reports.store_board import store_board
    from tracker_bridge.reports.summary import build_sprint_report
    from tracker_bridge.roadmap.cache import load_roadmap_cached
    from tracker_bridge.workspace import open_workspace

    now = datetime.now(UTC)
    marks: list[tuple[str, float, float]] = []

    def mark(name: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        marks.append((name, time.perf_counter(), peak))

    mark("start")
    with open_workspace(folder / "tracker-bridge.toml") as workspace:
        project = workspace.project(None)
        mark("open workspace + store")
        frame = load_roadmap_cached(project.roadmap, items=False).roadmap
        mark("status: roadmap (no items)")
        snapshot = store_board(workspace.store, PROJECT, frame, now)
        mark("status: board (counts)")
        render_board(snapshot, Console(width=100, color_system=None, file=io.StringIO()))
        mark("status: render")
        synced = workspace.store.current_ids(PROJECT)  # as `open_context` reads it
        loaded = load_roadmap_cached(project.roadmap, today=now, skip=synced)
        roadmap = loaded.roadmap
        mark("report: roadmap (unsynced)")
        ctx = ReportContext(workspace.settings, project, roadmap, workspace.store, now,
                            order=tuple(loaded.lines), _current=synced)
        sprint = ctx.sprint(None)
        reads = ctx.sprint_reads(sprint, board_flows=False)
        mark("report: read (items, events)")
        board = ctx.board()
        mark("report: board (counts)")
        report = build_sprint_report(sprint, reads.items, (), roadmap, now,
                                     ended=reads.ended, history=reads.history,
                                     named=reads.named, spikes=reads.spikes,
                                     done=reads.done, velocity=reads.velocity,
                                     stored_flow=reads.stored_flow, board=board,
                                     open_points=reads.open_points)
        mark("report: compute")
        render_sprint(report, Console(width=100, color_system=None, file=io.StringIO()))
        mark("report: render")
    for (_, before, _), (name, after, peak) in pairwise(marks):
        print(f"  {name:<26} {after - before:6.2f} s   peak RSS so far {peak:5.0f} MB")


COMMANDS = {
    "status": ["status"],
    "report sprint": ["report", "sprint"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the workspace here")
    parser.add_argument("--only", choices=sorted(COMMANDS), help="measure this command only")
    parser.add_argument("--shape", choices=SHAPES, default="uniform",
                        help="how the items spread over the stages (see SHAPES); a --keep "
                             "folder keeps the shape it was built with")
    parser.add_argument("--postgres", metavar="URL",
                        help="time the commands on this PostgreSQL database (empty, or "
                             "holding this workspace's copy), copied from the SQLite store "
                             "(benchmarks/pg_copy.py)")
    parser.add_argument("--phases", action="store_true",
                        help="also time each phase of one in-process run")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "state.sqlite").exists():
            started = time.perf_counter()
            # In a child of its own: the build holds a million rows, and a command forked
            # from this process afterwards would report that as its peak RSS (`wait4`).
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                stored = pool.apply(build_workspace,
                                    (folder, args.items, args.events, now, args.shape))
            print(f"built {args.items} items, {stored} events in "
                  f"{time.perf_counter() - started:.1f} s "
                  f"(store {(folder / 'state.sqlite').stat().st_size / 1e6:.0f} MB)")
        if args.postgres:
            from pg_copy import copy_store, has_copy

            if not has_copy(args.postgres, PROJECT):
                # In a child too: the copy's rows would count in every command's peak RSS.
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    took = pool.apply(copy_store, (folder / "state.sqlite", args.postgres))
                print(f"copied the store into PostgreSQL in {took:.1f} s")
            os.environ["TB_STORE__URL"] = args.postgres
        # The roadmap cache of this workspace, filled once as any earlier run fills it (an
        # entry serves every day): the timed runs measure a warm cache, as a nightly job sees.
        os.environ["TB_CACHE_DIR"] = str(folder / "cache")
        run_cli(folder, ["status"])
        ok = bare_ok = True
        for name, cli_args in COMMANDS.items():
            if args.only not in (None, name):
                continue
            runs = [run_cli(folder, cli_args) for _ in range(args.runs)]
            reads = [read_seconds(folder, name) for _ in range(args.runs)]
            bare = statistics.median(bare_read_seconds(folder, name) for _ in range(args.runs))
            seconds = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            peak = max(r[1] for r in runs)
            read = statistics.median(r[0] for r in reads)
            read_cpu = statistics.median(r[2] for r in reads)
            ratio = seconds / read if read else float("inf")
            print(f"{name:<14} {seconds:6.2f} s (median of {args.runs}; CPU {cpu:.2f} s)"
                  f"  peak RSS {peak:4.0f} MB  output {runs[0][2] / 1e3:.0f} kB")
            print(f"{'':<14} reads {reads[0][1]} rows in {read:.2f} s (CPU {read_cpu:.2f} s);"
                  f" command / read = {ratio:.1f}x (CPU {cpu / read_cpu:.1f}x)")
            print(f"{'':<14} a process making only that read takes {bare:.2f} s (start-up and"
                  f" the store's imports included); command / that = {seconds / bare:.1f}x")
            ok = ok and seconds < 2 and peak < 500 and ratio <= 3
            bare_ok = bare_ok and seconds < 2 and peak < 500 and seconds <= 3 * bare
        print("targets: < 2 s, < 500 MB, <= 3x the event read: " + ("met" if ok else "NOT met")
              + "; with a process making only that read as the read: "
              + ("met" if bare_ok else "NOT met"))
        if args.phases:  # last: a child forked from this process would inherit its peak RSS
            phases(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
