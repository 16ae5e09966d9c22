"""Pausing the cyclic garbage collector around bulk reads."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Building a million small objects (roadmap nodes, store rows) triggers a full garbage
    collection again and again, each walking every object made so far (over half the read
    time); none of them is garbage, so collection waits until the read is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
