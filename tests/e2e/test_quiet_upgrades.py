"""After `pip install -U requests` (or jira, PyGithub, httpx, urllib3), the first nightly
sync is a full one, as cron runs it: the replay would re-send requests the old versions
composed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_quiet_nights import NIGHT, Nights, _sandbox

PROBE = ("import sys; from tracker_bridge.entry import main; sys.exit(main(sys.argv[1:]))")


@pytest.fixture
def nights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nights]:
    yield from _sandbox(tmp_path, monkeypatch)


def nightly(nights: Nights, site: Path | None) -> str:
    """`tracker-bridge sync --yes` in a new process; `site` goes first on its path (where
    pip would have put the upgrade). The kind of run it recorded."""
    nights.sandbox.jira.clock.advance(NIGHT)
    nights.sandbox.github.clock.advance(NIGHT)
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", PROBE, "sync", "--yes", "--json",
                           "-c", nights.config], capture_output=True, text=True, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["plan"]["actions"] == []
    return nights.last_kind()


@pytest.mark.parametrize("library", ["requests", "PyGithub", "httpx"])
def test_an_upgraded_client_library_takes_the_full_path_once(
    nights: Nights, tmp_path: Path, library: str
) -> None:
    assert nightly(nights, None) == "quiet"
    site = tmp_path / "upgraded"
    (site / f"{library}-99.0.0.dist-info").mkdir(parents=True)
    assert nightly(nights, site) == "sync"  # and it stamps with the new version
    assert nightly(nights, site) == "quiet"
