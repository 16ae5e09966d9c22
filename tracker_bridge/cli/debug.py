"""`--debug`, accepted after any command: read before anything heavy is imported (the quiet
fast path runs before Typer loads)."""

from __future__ import annotations

state: dict[str, bool] = {"debug": False}


def take_debug_flag(argv: list[str]) -> tuple[list[str], bool]:
    """`--debug` anywhere before `--` (every command accepts it): argv without it, and
    whether it was there. Errors tell people to add it, so it must work wherever they do."""
    end = argv.index("--") if "--" in argv else len(argv)
    kept = [arg for arg in argv[:end] if arg != "--debug"] + argv[end:]
    return kept, len(kept) != len(argv)
