"""`load_settings`: TOML file + environment -> `Settings`, with `FILE:LINE:COL` errors."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker_bridge.config.environ import using_environ
from tracker_bridge.config.secrets import SECRET_KEYS, token_like
from tracker_bridge.config.settings import Settings
from tracker_bridge.errors import Problem, UserError
from tracker_bridge.locations import DEFAULT_STORE_URL

Loc = tuple[str | int, ...]


def load_settings(
    path: Path | None = None, *, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from `path` (TOML) overlaid with `TB_*` variables. Without a file: defaults
    (SQLite at .tracker-bridge/state.sqlite under the current directory, no projects).
    Relative paths in the file (roadmap, mapping, a SQLite store) are relative to the file."""
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    text = ""
    if path is not None:
        try:
            # utf-8-sig: a byte-order mark (Notepad writes one) is not content.
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            problem = Problem(path, 1, 1, "", f"not a UTF-8 text file ({exc.reason})")
            raise UserError(f"{path} is not a config file", [problem]) from None
        except OSError as exc:
            raise UserError(f"cannot read the config file {path}: {exc.strerror}") from None
        data = _parse(path, text)
        _refuse_secrets(path, text, data)
        _resolve_paths(data, path.resolve().parent)
    try:
        with using_environ(env):
            settings = Settings(**data)
    except ValidationError as exc:
        problems = [_problem(path, text, env, err) for err in exc.errors(include_input=False)]
        where = path or "the environment"
        raise UserError(f"invalid settings in {where}", problems) from None
    settings._bind_environ(env)
    return settings


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (1, 1)
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc)) or "invalid TOML"
        raise UserError(
            f"{path} is not valid TOML", [Problem(path, line, col, "", f"{message} (TOML)")]
        ) from None


def _walk(value: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every (location, key) pair in the parsed TOML, through tables, arrays, inline tables."""
    found: list[tuple[Loc, str]] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            found.append((loc, key))
            found.extend(_walk(sub, (*loc, key)))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found.extend(_walk(sub, (*loc, index)))
    return found


def _refuse_secrets(path: Path, text: str, data: Mapping[str, Any]) -> None:
    index = KeyIndex(text)
    problems = []
    for loc, key in _walk(data, ()):
        if key.lower() in SECRET_KEYS or ("options" in loc and token_like(key)):
            instead = SECRET_KEYS.get(key.lower(), "token_env")
            line, col = index.find((*loc, key))
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    dotted((*loc, key)),
                    "secrets are not read from the config file; remove the value, set "
                    f'{instead} = "TB_..." and put the secret in that environment variable '
                    "(or a file of that name in $TB_SECRETS_DIR)",
                )
            )
    store_url = data.get("store", {}).get("url") if isinstance(data.get("store"), dict) else None
    if isinstance(store_url, str) and _has_password(store_url):
        line, col = index.find(("store", "url"))
        problems.append(
            Problem(
                path,
                line,
                col,
                "store.url",
                "the URL holds a password; leave it out and use PGPASSWORD or ~/.pgpass, "
                "or give the whole URL in TB_STORE__URL",
            )
        )
    if problems:
        raise UserError(f"secrets in {path}", problems)


def _has_password(url: str) -> bool:
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    def absolute(value: Any) -> Any:
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            return str(base / Path(value).expanduser())
        return value

    store = data.get("store")
    url = store.get("url") if isinstance(store, dict) else None
    if url is None:
        url = DEFAULT_STORE_URL
        data["store"] = {**(store if isinstance(store, dict) else {}), "url": url}
    if isinstance(url, str) and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        database = url.removeprefix("sqlite:///")
        if database and not database.startswith((":memory:", "file:")):
            data["store"]["url"] = "sqlite:///" + absolute(database)
    for project in data.get("projects") or []:
        if not isinstance(project, dict):
            continue
        project["roadmap"] = absolute(project.get("roadmap"))
        if project.get("roadmap") is None:
            del project["roadmap"]
        for target in project.get("targets") or []:
            if isinstance(target, dict) and "mapping" in target:
                target["mapping"] = absolute(target["mapping"])


def dotted(loc: Sequence[str | int]) -> str:
    """`projects[0].targets[1].token`"""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problem(path: Path | None, text: str, env: Mapping[str, str], err: Any) -> Problem:
    loc: Loc = tuple(err["loc"])
    field = dotted(loc)
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown key (check the spelling; see tracker-bridge.example.toml)"
    variable = _env_variable(loc, env)
    if variable is not None:
        return Problem(f"${variable}", 1, 1, field, message)
    if path is None:
        return Problem("<defaults>", 1, 1, field, message)
    line, col = KeyIndex(text).find(loc)
    return Problem(path, line, col, field, message)


def _env_variable(loc: Loc, env: Mapping[str, str]) -> str | None:
    """The TB_* variable a bad value came from, if it came from the environment."""
    names = {name.upper(): name for name in env}
    parts = [str(p).upper() for p in loc]
    for end in range(len(parts), 0, -1):
        if any(isinstance(p, int) for p in loc[:end]):
            continue
        candidate = "TB_" + "__".join(parts[:end])
        if candidate in names:
            return names[candidate]
    return None


_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")


class KeyIndex:
    """Where each key and table header sits in the TOML text, by its location path.

    A simple line scanner (no multi-line strings or dotted keys), enough to point a person at
    the right line; an unknown location falls back to its closest known parent."""

    def __init__(self, text: str) -> None:
        self.places: dict[Loc, tuple[int, int]] = {}
        arrays: dict[Loc, int] = {}
        table: Loc = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if match := _ARRAY_HEADER.match(line):
                array = self._resolve(match[1], arrays)
                arrays[array] = arrays.get(array, -1) + 1
                table = (*array, arrays[array])
                for place in (array, table):
                    self.places.setdefault(place, (number, line.index("[") + 1))
            elif match := _TABLE_HEADER.match(line):
                table = self._resolve(match[1], arrays)
                self.places.setdefault(table, (number, line.index("[") + 1))
            elif match := _KEY.match(line):
                self.places.setdefault((*table, match[2].strip("\"'")), (number, len(match[1]) + 1))

    @staticmethod
    def _resolve(name: str, arrays: Mapping[Loc, int]) -> Loc:
        loc: Loc = ()
        parts = [part.strip().strip("\"'") for part in name.split(".")]
        for position, part in enumerate(parts):
            loc = (*loc, part)
            if position < len(parts) - 1 and loc in arrays:
                loc = (*loc, arrays[loc])
        return loc

    def find(self, loc: Loc) -> tuple[int, int]:
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.places:
                return self.places[loc[:end]]
        return (1, 1)
