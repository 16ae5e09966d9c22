"""Where `serve` listens: the settings, overridden by the command line; bind errors for people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tracker_bridge.config import Settings
from tracker_bridge.errors import UserError


def listen_address(settings: Settings, host: str | None, port: int | None) -> tuple[str, int]:
    configured_host, configured_port = settings.listen_address
    return host or configured_host, configured_port if port is None else port


@contextmanager
def bind_errors(host: str, port: int) -> Iterator[None]:
    try:
        yield
    except OSError as exc:  # port taken, host not ours
        raise UserError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; set [serve] host/port "
            "(TB_SERVE__HOST, TB_SERVE__PORT) or pass --host/--port"
        ) from None
