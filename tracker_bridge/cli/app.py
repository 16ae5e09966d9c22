"""The Typer application object that every command module attaches to, and how help reads.

Help is click's plain layout (`rich_markup_mode=None`): square brackets in help text stay
text instead of being eaten as rich markup, and nothing is drawn in boxes cut to 80 columns
in a pipe. `Command` gives every command conventional metavars (`--config CONFIG`,
`[ROADMAP]`) instead of Typer's `<bool>` and `{roadmap}`, and lists `--debug`, which `main`
accepts after any command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand
from typer.models import CommandFunctionType

state: dict[str, bool] = {"debug": False}


def take_debug_flag(argv: list[str]) -> tuple[list[str], bool]:
    """`--debug` anywhere before `--` (every command accepts it): argv without it, and
    whether it was there. Errors tell people to add it, so it must work wherever they do."""
    end = argv.index("--") if "--" in argv else len(argv)
    kept = [arg for arg in argv[:end] if arg != "--debug"] + argv[end:]
    return kept, len(kept) != len(argv)


class Command(TyperCommand):
    """A command with click-style metavars in its usage line and help (`--config CONFIG`,
    `[ROADMAP]`), instead of Typer's `<bool>` and `{roadmap}`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None and not getattr(param, "is_flag", False):
                param.metavar = _metavar(param)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(f"{name}..." if param.nargs != 1 else name)
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                text = param.help or ""
                arguments.append((param.metavar or "", f"{text}  [required]".strip()
                                  if param.required else text))
            elif (record := param.get_help_record(ctx)) is not None:
                options.append(record)
        # `main` takes --debug out of argv before parsing; listed here so people find it.
        options.insert(len(options) - 1, ("--debug", "Show tracebacks for errors."))
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        with formatter.section("Options"):
            formatter.write_dl(options)


def _metavar(param: Any) -> str:
    """`[cloud|datacenter]` for a choice, else the upper-case name: `--config CONFIG`."""
    described = getattr(param, "type_descriptor", None)
    if described is not None and described.is_choice and described.choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in described.choices) + "]"
    return str(param.name or "value").upper()


class App(typer.Typer):
    """A Typer whose commands are `Command`s, with plain help."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(**kwargs)

    def command(  # the same call with one default changed: `cls`
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


def use_plain_commands(typer_app: typer.Typer) -> None:
    """Give commands registered on plain `typer.Typer` sub-apps the same `Command` class."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):  # Typer fills in its own class when none is given
            info.cls = Command
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            group.typer_instance.rich_markup_mode = None
            use_plain_commands(group.typer_instance)


app = App(
    name="tracker-bridge",
    help="Keep an MLOps roadmap in step with Jira and GitHub Issues.",
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    state["debug"] = state["debug"] or debug
