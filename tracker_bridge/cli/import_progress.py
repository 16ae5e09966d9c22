"""`import`'s progress: a bar over its steps on a terminal, with the requests sent so far.

A read of a large project is a few long requests per step; the request count moves while
a step runs (rich redraws in its own thread), so a slow tracker never looks like a hang.
In a pipe or a log nothing is drawn: the command's last line says what was read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from tracker_bridge.tracker import Adapter

Step = Callable[[str], None]
"""Called as each step starts, with what it does (`reading issues`)."""

STEPS = 3
"""Sprints, issues, parents' names."""


class _Requests(ProgressColumn):
    def __init__(self, adapter: Adapter) -> None:
        super().__init__()
        self.adapter = adapter
        self.before = adapter.requests_sent

    def render(self, task: Task) -> Text:
        return Text(f"{self.adapter.requests_sent - self.before} request(s)")


@contextmanager
def import_progress(adapter: Adapter, console: Console) -> Iterator[Step]:
    if not console.is_terminal:
        yield lambda _what: None
        return
    bar = Progress(
        TextColumn(f"{adapter.tracker}: {{task.description}}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        _Requests(adapter),
        console=console,
        transient=True,
    )
    task = bar.add_task("starting", total=STEPS)
    started = False

    def step(what: str) -> None:
        nonlocal started
        bar.update(task, description=what, advance=1 if started else 0)
        bar.refresh()  # each step is drawn, however short
        started = True

    with bar:
        yield step
        bar.update(task, completed=STEPS)
