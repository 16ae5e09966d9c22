"""Which `sync` invocations the fast path may answer, and where their store and stamp are.

Only the nightly form: `sync --yes` with at most --json, --config and --project. Anything
else (a target, --force, --no-quiet, help, a typo) goes to the full command, which parses it
properly. The config is read as plain TOML for two things only: the store and the project
name; everything else the stamp proves by digest.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker_bridge.locations import DEFAULT_STORE_URL, config_path

OFF_SWITCH = "TB_NO_QUIET"
_VALUED = {"--config": "config", "-c": "config", "--project": "project", "-p": "project"}


class NotQuiet(Exception):
    """Why the fast path steps aside (shown with --debug only): the full sync runs."""


@dataclass(frozen=True)
class Ask:
    config: Path
    project: str
    store: Path
    as_json: bool


def _options(argv: list[str]) -> tuple[dict[str, str], set[str]]:
    if not argv or argv[0] != "sync":
        raise NotQuiet("not a sync")
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = iter(argv[1:])
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name in _VALUED and (not eq or name.startswith("--")):
            values[_VALUED[name]] = value if eq else next(rest, "")
        elif arg in ("--yes", "-y", "--json"):
            flags.add("--yes" if arg == "-y" else arg)
        else:
            raise NotQuiet(f"{arg} is for the full sync")
    if "--yes" not in flags:
        raise NotQuiet("a dry run shows the plan: the full sync")
    return values, flags


def ask_of(argv: list[str], environ: Mapping[str, str] | None = None) -> Ask:
    """The fast path's reading of the command line, or NotQuiet."""
    env = os.environ if environ is None else environ
    if env.get(OFF_SWITCH, "").strip().lower() not in ("", "0", "false", "no"):
        raise NotQuiet(f"{OFF_SWITCH} is set")
    if env.get("TB_STORE__URL"):
        raise NotQuiet("the store URL comes from the environment")
    values, flags = _options(argv)
    config = _config(values.get("config"), env)
    data = tomllib.loads(config.read_text(encoding="utf-8-sig"))
    store = data.get("store")
    url = str((store.get("url") if isinstance(store, dict) else None) or DEFAULT_STORE_URL)
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///file:"):
        raise NotQuiet("not a SQLite file store")
    database = Path(url.removeprefix("sqlite:///")).expanduser()
    if str(database) in ("", ".", ":memory:"):
        raise NotQuiet("an in-memory store")
    if not database.is_absolute():
        database = config.resolve().parent / database
    projects = [p.get("name") for p in data.get("projects") or [] if isinstance(p, dict)]
    project = values.get("project") or (projects[0] if len(projects) == 1 else None)
    if not isinstance(project, str) or not project:
        raise NotQuiet("no single project")
    return Ask(config, project, database.resolve(), "--json" in flags)


def _config(explicit: str | None, env: Mapping[str, str]) -> Path:
    found = config_path(Path(explicit) if explicit else None, env)
    if found is None:
        raise NotQuiet("no config file")
    return found
