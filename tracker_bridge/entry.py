"""The `tracker-bridge` command (and `python -m tracker_bridge`): a quiet night is answered
before Typer, SQLAlchemy, pydantic or any command module is imported; everything else is
the CLI's (`tracker_bridge.cli.main`)."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # A command's start-up allocates thousands of long-lived objects (modules, classes,
    # pydantic schemas): collecting them while they load is wasted work (a fifth of a quiet
    # `status`). `cli.main` freezes what the command loaded and turns the collector back on
    # before the command runs; a quiet night answered here turns it back on itself.
    gc.disable()
    args = sys.argv[1:] if argv is None else list(argv)
    end = args.index("--") if "--" in args else len(args)
    plain = [arg for arg in args[:end] if arg != "--debug"] + args[end:]
    if plain[:1] == ["sync"]:
        from tracker_bridge.quiet.replay import quiet_night

        answered = quiet_night(plain, debug=len(plain) != len(args))
        if answered is not None:
            gc.enable()
            return answered
    from tracker_bridge.cli import main as cli

    return cli(args, quiet_night=False)


if __name__ == "__main__":
    sys.exit(main())
