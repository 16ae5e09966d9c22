"""Where a command finds its config file, its default store and its secrets.

Standard library only: the quiet-night fast path (`tracker_bridge.quiet`) reads these before
pydantic or SQLAlchemy is imported, and the full commands read them through `workspace` and
`config.secrets`; one definition serves both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_CONFIG = Path("tracker-bridge.toml")
CONFIG_ENV = "TB_CONFIG"
DEFAULT_STORE_URL = "sqlite:///.tracker-bridge/state.sqlite"
SECRETS_DIR_ENV = "TB_SECRETS_DIR"
DEFAULT_SECRETS_DIR = Path("/run/secrets")  # where Docker and Kubernetes mount them


def config_path(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """--config, else $TB_CONFIG, else ./tracker-bridge.toml when it exists."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def secret_file(name: str, environ: Mapping[str, str] | None = None) -> Path:
    """The file that holds secret `name` when its variable is unset: $TB_SECRETS_DIR/name."""
    env = os.environ if environ is None else environ
    folder = env.get(SECRETS_DIR_ENV)
    return (Path(folder) if folder else DEFAULT_SECRETS_DIR) / name


def secret_value(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of variable `name`, else the content of its secrets file; None if neither."""
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value:
        return value
    path = secret_file(name, env)
    content = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    return content or None
