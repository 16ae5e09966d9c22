"""Reading a running subprocess's output in tests without ever hanging on it."""

from __future__ import annotations

import queue
import threading
from typing import IO


def line_reader(stream: IO[str] | None) -> queue.Queue[str]:
    """Its lines, read in a thread so a silent process can't hang the test ("" at the end)."""
    assert stream is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def next_line(lines: queue.Queue[str], timeout: float = 30) -> str:
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError("the process printed nothing in time") from None
    assert line, "the process closed its output"
    return line
