"""fake: run a fake Jira or GitHub on loopback, to try mappings and configs without a tracker."""

from __future__ import annotations

import signal
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer

from tracker_bridge.cli.app import app

if TYPE_CHECKING:
    from tracker_bridge.testing.server import FakeServer

fake_app = typer.Typer(
    help="Run a built-in fake tracker (real HTTP on 127.0.0.1).", no_args_is_help=True
)
app.add_typer(fake_app, name="fake")

PortOption = typer.Option(0, "--port", help="Port on 127.0.0.1 (0: any free port).")
SeedOption = typer.Option(0, "--seed", help="Seed for ids and injected faults.")
StateOption = typer.Option(None, "--state-file", help="Load state from and save it to this file.")
# The fake Jira's custom field types (kept here so `--help` needs no import of the fake).
JIRA_FIELD_TYPES = (
    "number", "text", "textarea", "url", "date", "datetime", "select", "multiselect", "labels",
    "user",
)  # fmt: skip
FIELD_HELP = (
    "A custom field NAME:TYPE, e.g. 'Story Points:number' or 'Team:select=Red,Blue' "
    f"(repeatable). Types: {', '.join(JIRA_FIELD_TYPES)}."
)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _serve(server: FakeServer, announce: Callable[[str], None]) -> None:
    """Serve until Ctrl-C or SIGTERM (`docker stop`, supervisors): both save --state-file."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()  # loads --state-file: a file this start cannot take is a usage error
    except ValueError as exc:
        signal.signal(signal.SIGTERM, previous)
        raise typer.BadParameter(str(exc), param_hint="--state-file") from None
    try:
        server.run_until_interrupted(announce)
    finally:
        signal.signal(signal.SIGTERM, previous)


class Flavour(StrEnum):
    CLOUD = "cloud"
    DATACENTER = "datacenter"


@fake_app.command("jira")
def fake_jira(
    port: int = PortOption,
    flavour: Flavour = typer.Option(Flavour.CLOUD, "--flavour", help="Cloud or Data Center."),
    project: list[str] = typer.Option(["TREND"], "--project", help="Project key (repeatable)."),
    user: list[str] = typer.Option(
        [], "--user", help="A user who can be assigned, besides alice, bob, carol (repeatable)."
    ),
    field: list[str] = typer.Option(
        [],
        "--field",
        help=FIELD_HELP,
    ),
    seed: int = SeedOption,
    state_file: Path | None = StateOption,
    workflow: str = typer.Option(
        "mlops",
        "--workflow",
        help="Workflow preset: mlops, team-managed, scrum, kanban, datacenter, "
        "datacenter-strict.",
    ),
) -> None:
    """Serve a fake Jira until Ctrl-C."""
    from tracker_bridge.errors import UserError
    from tracker_bridge.testing.fake_jira import FakeJira
    from tracker_bridge.testing.fake_jira.custom_fields import parse_spec
    from tracker_bridge.testing.fake_jira.workflows import PRESETS

    if workflow not in PRESETS:
        raise UserError(f"--workflow: unknown preset {workflow!r}; presets: {', '.join(PRESETS)}")
    server = FakeJira(
        flavour=flavour.value,
        projects=tuple(project),
        seed=seed,
        port=port,
        state_file=state_file,
        workflow=workflow,
    )
    fields: list[tuple[str, str]] = []
    try:
        for name in user:
            server.add_user(name)
        for spec in field:
            name, kind, options = parse_spec(spec)
            fields.append((name, server.add_custom_field(name, kind, options)))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None

    def announce(url: str) -> None:
        typer.echo(
            f"fake Jira ({flavour.value}, workflow {workflow}) at {url} — "
            f"projects {', '.join(project)}"
        )
        for key, value in server.client_kwargs().items():
            if key != "server":
                typer.echo(f"  {key}: {value!r} (fake credentials)")
        if server.flavour == "datacenter":
            typer.echo(f"  basic_auth: {server.basic_auth!r} (fake credentials)")
        if user:  # Cloud fields name people by account id: what a `people` map needs
            cloud = server.flavour == "cloud"
            shown = [f"{n} (accountId {server.account_id(n)})" if cloud else n for n in user]
            typer.echo(f"  users: {', '.join(shown)}")
        for name, field_id in fields:
            typer.echo(f"  field {name!r}: {field_id}")

    _serve(server, announce)


@fake_app.command("github")
def fake_github(
    port: int = PortOption,
    owner: str = typer.Option("acme", "--owner", help="Repository owner."),
    repo: list[str] = typer.Option(["trending-now"], "--repo", help="Repository (repeatable)."),
    secondary_limit: int | None = typer.Option(
        None, "--secondary-limit", help="Content-creating requests per minute."
    ),
    collaborator: list[str] = typer.Option(
        [],
        "--collaborator",
        help="A login who can be assigned, besides alice, bob, carol (repeatable).",
    ),
    status: str = typer.Option(
        "mlops",
        "--status",
        help="The boards' Status options: mlops (our 8 stages), default (GitHub's Todo, In "
        "Progress, Done), kanban (GitHub's template), or names separated by commas.",
    ),
    seed: int = SeedOption,
    state_file: Path | None = StateOption,
) -> None:
    """Serve a fake GitHub (REST + GraphQL Projects v2) until Ctrl-C."""
    from tracker_bridge.errors import UserError
    from tracker_bridge.testing.fake_github import FakeGitHub
    from tracker_bridge.testing.fake_github.projects import STATUS_PRESETS, status_options

    names = [n.strip() for n in status.split(",") if n.strip()]
    if not names or (len(names) == 1 and names[0] not in STATUS_PRESETS):
        presets = ", ".join(STATUS_PRESETS)
        raise UserError(f"--status: unknown preset {status!r}; presets: {presets}, or names "
                        "separated by commas")
    preset: str | list[str] = names[0] if len(names) == 1 else names
    server = FakeGitHub(
        owner=owner,
        repos=tuple(repo),
        seed=seed,
        port=port,
        secondary_limit_per_minute=secondary_limit,
        state_file=state_file,
        project_status=preset,
    )
    try:
        for login in collaborator:
            server.add_collaborator(login)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--collaborator") from None

    def announce(url: str) -> None:
        typer.echo(
            f"fake GitHub at {url} (GraphQL {server.graphql_url}) — "
            f"repos {', '.join(f'{owner}/{r}' for r in repo)}"
        )
        typer.echo(f"  token: {server.token!r} (fake credentials)")
        if collaborator:
            typer.echo(f"  collaborators: {', '.join(collaborator)}")
        typer.echo(f"  board Status options: {', '.join(status_options(preset))}")

    _serve(server, announce)
