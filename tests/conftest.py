"""Suite-wide: the roadmap cache of every command a test runs (in-process or a subprocess,
which inherits the environment) goes to a folder of this run, never to the user's home."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _roadmap_cache_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get("TB_CACHE_DIR")
    os.environ["TB_CACHE_DIR"] = str(tmp_path_factory.mktemp("roadmap-cache"))
    yield
    if before is None:
        os.environ.pop("TB_CACHE_DIR", None)
    else:
        os.environ["TB_CACHE_DIR"] = before
