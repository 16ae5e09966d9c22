"""The rich Console the commands print with.

On a terminal it is rich's usual console. In a pipe, a log or CI, rich would assume 80
columns and fold every longer line mid-item (a plan line, doctor's URL): there the console
is wide and soft-wrapping, so each line stays one line for grep and for people. Automatic
highlighting is off everywhere: we print data (`github:acme/app`, dates, ids), which rich
would otherwise colour as IPv6 addresses and numbers.
"""

from __future__ import annotations

from rich.console import Console

# Wide enough that no table or line is cut; tables still take only the width they need.
PIPE_WIDTH = 1000


def make_console(*, stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=PIPE_WIDTH)
