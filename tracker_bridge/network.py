"""Time limits for tracker calls, and failures named the way a person can act on them.

A tracker that accepts the connection and never answers must not hold a command for
minutes: each call (one request and its retries) gets a connect timeout, a read timeout and
a total deadline. An interactive command therefore gives up within about ten seconds; a
long-running job may configure longer limits through the target's `options`
(`connect_timeout_seconds`, `timeout_seconds`, `deadline_seconds`).

A failure says which of refused, timed out, TLS, DNS it was (HTTP statuses are named by the
clients), with the URL, never credentials.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tracker_bridge.tracker import AdapterError


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 10.0
    deadline: float = 10.0
    """Seconds one call may take with its retries, when the tracker does not answer."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Timeouts:
        def seconds(key: str, default: float) -> float:
            value = options.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise AdapterError(f"option {key}: expected a positive number of seconds")
            return float(value)

        return cls(
            connect=seconds("connect_timeout_seconds", cls.connect),
            read=seconds("timeout_seconds", cls.read),
            deadline=seconds("deadline_seconds", cls.deadline),
        )


class CallDeadline:
    """The deadline of the call running on this thread; requests clamp their timeouts to it."""

    def __init__(self, timeouts: Timeouts) -> None:
        self.timeouts = timeouts
        self._local = threading.local()

    @contextmanager
    def call(self) -> Iterator[None]:
        outer = getattr(self._local, "until", None)
        if outer is None:  # nested calls share the outermost deadline
            self._local.until = time.monotonic() + self.timeouts.deadline
        try:
            yield
        finally:
            if outer is None:
                self._local.until = None

    def remaining(self) -> float:
        until: float | None = getattr(self._local, "until", None)
        if until is None:
            return self.timeouts.deadline
        return until - time.monotonic()

    def timeout(self) -> tuple[float, float]:
        """(connect, read) for the next request: never past the call's deadline."""
        left = max(0.05, self.remaining())
        return min(self.timeouts.connect, left), min(self.timeouts.read, left)

    def expired(self) -> bool:
        return self.remaining() <= 0


def failure_reason(exc: BaseException, timeouts: Timeouts | None = None) -> str:
    """`connection refused`, `timed out …`, `TLS …`, `DNS …` or `connection lost`."""
    chain = list(_chain(exc))
    names = " ".join(type(e).__name__ for e in chain)
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain) or "SSL" in names:
        return "TLS handshake failed (check the URL's scheme and the certificate)"
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolution" in names:
        return "DNS lookup failed (check the host name in the URL)"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused (nothing listens at that address)"
    if "ConnectTimeout" in names:
        seconds = f" within {timeouts.connect:g}s" if timeouts else ""
        return f"timed out connecting{seconds}"
    if "Timeout" in names or any(isinstance(e, TimeoutError) for e in chain):
        seconds = f" within {timeouts.read:g}s" if timeouts else ""
        return f"timed out: connected, but no answer{seconds}"
    return f"connection lost ({type(exc).__name__})"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)  # urllib3's MaxRetryError
        if isinstance(reason, BaseException):
            todo.append(reason)


def safe_url(url: str) -> str:
    """The URL without any user or password in it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
