"""Command-line entry point: `tracker-bridge`.

Command modules register themselves on `app` when imported; a module that is not there
yet (work in progress) is skipped so the rest of the CLI keeps working. A run imports only
the module of the command it names (a nightly `sync` need not load the server, the Slack
client or the report renderers); help, a typo or a command missing from
`MODULE_OF_COMMAND` loads them all. A `sync --yes` first tries the quiet-night fast path
(`tracker_bridge.quiet`); the installed command does that before even this module loads
(`tracker_bridge.entry`).
"""

from __future__ import annotations

import gc
import importlib
import sys

import typer
from typer.exceptions import TyperException

from tracker_bridge.cli.app import app, state, take_debug_flag, use_plain_commands
from tracker_bridge.errors import UserError

COMMAND_MODULES = (
    "tracker_bridge.cli.roadmap_cmds",  # validate, show, schema
    "tracker_bridge.cli.fake_cmds",  # fake jira|github
    "tracker_bridge.cli.doctor_cmds",  # doctor
    "tracker_bridge.cli.mapping_cmds",  # mapping init
    "tracker_bridge.cli.sync_cmds",  # plan, seed, apply, sync, relink
    "tracker_bridge.cli.status_cmd",  # status
    "tracker_bridge.cli.demo_cmds",  # demo
    "tracker_bridge.cli.report_cmds",  # report, spike
    "tracker_bridge.cli.serve_cmds",  # serve
    "tracker_bridge.cli.import_cmds",  # import
    "tracker_bridge.cli.objective_cmds",  # objective, phase
    "tracker_bridge.cli.delivery_cmds",  # delivered
)

_CLI = "tracker_bridge.cli."
MODULE_OF_COMMAND = {
    **dict.fromkeys(("validate", "show", "schema"), _CLI + "roadmap_cmds"),
    "fake": _CLI + "fake_cmds",
    "doctor": _CLI + "doctor_cmds",
    "mapping": _CLI + "mapping_cmds",
    **dict.fromkeys(("plan", "seed", "apply", "sync", "relink"), _CLI + "sync_cmds"),
    "status": _CLI + "status_cmd",
    "demo": _CLI + "demo_cmds",
    **dict.fromkeys(("report", "spike"), _CLI + "report_cmds"),
    "serve": _CLI + "serve_cmds",
    "import": _CLI + "import_cmds",
    **dict.fromkeys(("objective", "phase"), _CLI + "objective_cmds"),
    "delivered": _CLI + "delivery_cmds",
}


def _load_commands(argv: list[str] | None = None) -> None:
    """The named command's module, or every module (help, or a name not in the table)."""
    command = next((arg for arg in argv or () if not arg.startswith("-")), None)
    wanted = MODULE_OF_COMMAND.get(command or "")
    for name in (wanted,) if wanted else COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def main(argv: list[str] | None = None, *, quiet_night: bool = True) -> int:
    """`quiet_night=False`: the fast path was tried already (`tracker_bridge.entry`)."""
    argv, state["debug"] = take_debug_flag(sys.argv[1:] if argv is None else argv)
    if quiet_night and argv[:1] == ["sync"]:
        from tracker_bridge.quiet.replay import quiet_night as replay

        answered = replay(argv, debug=state["debug"])
        if answered is not None:
            return answered
    _load_commands(argv)
    if not gc.isenabled():  # off while the process started (`entry.main`): back on to run
        gc.freeze()
        gc.enable()
    use_plain_commands(app)
    try:
        result = app(args=argv, prog_name="tracker-bridge", standalone_mode=False)
    except UserError as exc:
        if state["debug"]:
            raise
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 1
    except TyperException as exc:  # usage errors: a bad option, a missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # the last line of defence: no traceback without --debug
        if state["debug"]:
            raise
        print(f"error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1
    # With standalone_mode=False click returns typer.Exit's code instead of exiting.
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
