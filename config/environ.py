"""Which environment `load_settings` reads: os.environ, or a mapping a caller (a test) gave."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("tb_environ", default=None)


def current_environ() -> Mapping[str, str] | None:
    return _ENVIRON.get()


@contextmanager
def using_environ(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)
