"""Progress of a writing run where no progress bar can be drawn (a pipe, a log, CI).

A paced run (GitHub's secondary limit: 60 writes a minute by default) can take minutes; in
silence that looks like a hang. Before a tracker's writes this prints an estimate when the
run will be long, then one line every few seconds while it lasts. Lines go to stderr, so
stdout keeps only the plan and the summary.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from tracker_bridge.tracker import Adapter

LONG_RUN_SECONDS = 10.0
"""An estimate is printed when a tracker's writes will take at least this long."""
EVERY_SECONDS = 5.0
"""At most one progress line per this many seconds."""


def duration(seconds: float) -> str:
    """`45 s`, `2 min 10 s`."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


class PipeProgress:
    """A `PlannedProgress` that prints plain lines."""

    def __init__(
        self,
        adapters: Mapping[str, Adapter],
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        every: float = EVERY_SECONDS,
    ) -> None:
        self.adapters = adapters
        self.out = out
        self.clock = clock
        self.every = every
        self.totals: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.last_line = 0.0

    def planned(self, tracker: str, changes: int) -> None:
        self.totals[tracker] = changes
        self.started[tracker] = self.last_line = self.clock()
        pace = getattr(self.adapters.get(tracker), "writes_per_minute", None)
        if not isinstance(pace, int | float) or pace <= 0:
            return
        # Each change is at least one write; a create is often several.
        seconds = changes * 60.0 / pace
        if seconds >= LONG_RUN_SECONDS:
            self._print(
                f"{tracker}: {changes} change(s) to write at most {pace:g} writes a minute: "
                f"at least {duration(seconds)}; a line every {self.every:g} s until done"
            )

    def __call__(self, tracker: str, done: int) -> None:
        now = self.clock()
        if now - self.last_line < self.every:
            return
        self.last_line = now
        total = self.totals.get(tracker)
        elapsed = duration(now - self.started.get(tracker, now))
        of = f"/{total}" if total else ""
        self._print(f"{tracker}: {done}{of} write(s) done, {elapsed} so far")

    def _print(self, line: str) -> None:
        print(line, file=self.out or sys.stderr, flush=True)
