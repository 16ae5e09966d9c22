"""The Typer application object that every command module attaches to."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="tracker-bridge",
    help="Keep an MLOps roadmap in step with Jira and GitHub Issues.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

state: dict[str, bool] = {"debug": False}


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    state["debug"] = debug
