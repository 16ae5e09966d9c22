"""Secrets come from the environment or a secrets file, never from the config file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from pydantic import SecretStr

from tracker_bridge.errors import UserError
from tracker_bridge.locations import SECRETS_DIR_ENV, secret_file, secret_value

SECRET_KEYS: Mapping[str, str] = {
    # key someone might write in the file -> the key that names a variable instead
    "token": "token_env",
    "api_token": "token_env",
    "api_key": "token_env",
    "password": "token_env",
    "secret": "token_env",
    "private_key": "token_env",
    "webhook_url": "webhook_env",
    "webhook_secret": "webhook_secret_env",
}
"""Keys whose values are secrets and are refused in the config file."""

_TOKEN_LIKE = re.compile(r"token|secret|passw(?:or)?d|api_?key|private_?key|credential|bearer")


def token_like(key: str) -> bool:
    """A key that names a secret (`access_token`, `client_secret`), not a variable
    (`token_env`): refused inside adapter `options`, where anything may be written."""
    lowered = key.lower()
    return _TOKEN_LIKE.search(lowered) is not None and not lowered.endswith("_env")


def read_secret(
    name: str, environ: Mapping[str, str] | None = None, *, what: str = ""
) -> SecretStr:
    """The value of variable `name`, else of the file `name` in $TB_SECRETS_DIR (or
    /run/secrets). The error names the variable, never a value."""
    env = os.environ if environ is None else environ
    value = secret_value(name, env)
    if value is not None:
        return SecretStr(value)
    path = secret_file(name, env)
    purpose = f" ({what})" if what else ""
    raise UserError(
        f"environment variable {name} is not set{purpose}: export {name}=... or put the value "
        f"in the file {path} (the directory comes from ${SECRETS_DIR_ENV})"
    )
