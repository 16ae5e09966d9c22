"""Options every config-reading command shares, and how `-t` and a roadmap path resolve."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tracker_bridge.errors import UserError

if TYPE_CHECKING:  # imported where used: `validate FILE` needs no settings, store or adapters
    from tracker_bridge.config import ProjectSettings
    from tracker_bridge.workspace import Workspace

CONFIG_HELP = "Config file (default: $TB_CONFIG or ./tracker-bridge.toml)."
ConfigOption = typer.Option(None, "--config", "-c", help=CONFIG_HELP)
TargetOption = typer.Option(
    [], "--target", "-t",
    help="Only this target: jira:TREND, or jira/github when the project has one (repeatable).",
)
ProjectOption = typer.Option(None, "--project", "-p", help="Project name from the config.")
RoadmapArgument = typer.Argument(
    None, help="Roadmap YAML file (default: the configured project's roadmap).",
    show_default=False,
)


def resolve_targets(project: ProjectSettings, wanted: Sequence[str]) -> list[str]:
    """Target ids for `-t` values: a full id (`jira:TREND`), or an adapter name (`jira`) when
    the project has exactly one target of that adapter."""
    ids = [t.tracker for t in project.targets]
    resolved: list[str] = []
    for value in wanted:
        if value in ids:
            resolved.append(value)
            continue
        matching = [t.tracker for t in project.targets if t.adapter == value]
        if len(matching) == 1:
            resolved.append(matching[0])
        elif matching:
            raise UserError(
                f"--target {value}: project {project.name!r} has {len(matching)} {value} "
                f"targets ({', '.join(matching)}); name one"
            )
        else:
            known = ", ".join(ids) or "none configured"
            raise UserError(
                f"--target {value}: not a target of project {project.name!r} (targets: {known})"
            )
    return list(dict.fromkeys(resolved))


@dataclass(frozen=True)
class Chosen:
    """The project a roadmap command runs for and the roadmap file it reads."""

    project: ProjectSettings
    roadmap: Path
    explicit_project: bool


def choose_project(
    workspace: Workspace, roadmap: Path | None, project: str | None
) -> Chosen:
    """The roadmap defaults to the project's configured one. A roadmap file that is not that
    project's is refused unless the project was named with `--project` (a draft or an edited
    copy synced to that project on purpose)."""
    if project is not None:
        settings = workspace.project(project)
        return Chosen(settings, roadmap or settings.roadmap, True)
    if roadmap is None:
        settings = workspace.project(None)
        return Chosen(settings, settings.roadmap, False)
    owners = [p for p in workspace.settings.projects if _same_file(p.roadmap, roadmap)]
    if owners:
        return Chosen(owners[0], roadmap, False)
    configured = "; ".join(f"{p.name}: {p.roadmap}" for p in workspace.settings.projects)
    raise UserError(
        f"{roadmap} is not the roadmap of any configured project ({configured}); "
        "pass --project NAME to use it for that project's targets anyway"
    )


def configured_roadmap(config: Path | None, project: str | None) -> Path:
    """The roadmap of the configured project, for commands that need no store or tracker."""
    from tracker_bridge.config import load_settings
    from tracker_bridge.locations import config_path
    from tracker_bridge.workspace import NO_PROJECTS, no_config_found

    path = config_path(config)
    if path is None:
        raise no_config_found()
    projects = load_settings(path).projects
    if not projects:
        raise UserError(NO_PROJECTS)
    if project is not None:
        for candidate in projects:
            if candidate.name == project:
                return candidate.roadmap
        raise UserError(f"no project named {project!r} in the config")
    if len(projects) > 1:
        names = ", ".join(p.name for p in projects)
        raise UserError(f"several projects are configured ({names}): pass --project")
    return projects[0].roadmap


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def command_line(*parts: str | Path | None) -> str:
    """A command to paste: `tracker-bridge` and the parts (None left out), shell-quoted."""
    return shlex.join(["tracker-bridge", *(str(p) for p in parts if p is not None)])


def repeat_options(
    *,
    roadmap: Path | None,
    project: str | None,
    targets: Sequence[str],
    config: Path | None,
) -> list[str]:
    """The options a follow-up command needs to act on the same roadmap, project, targets."""
    out: list[str] = [str(roadmap)] if roadmap is not None else []
    if project is not None:
        out += ["--project", project]
    for target in targets:
        out += ["--target", target]
    if config is not None:
        out += ["--config", str(config)]
    return out
