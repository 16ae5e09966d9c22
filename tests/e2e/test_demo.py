"""`tracker-bridge demo`, the README's first command, runs the whole cycle on the fakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.cli import main

SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def test_demo_seeds_mirrors_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "creates planned: 0; issues now github:acme/trending-now: 36, jira:TREND: 36" in out
    # the team's three moves are mirrored, and the next night is quiet
    assert "Plan" in out and "move_stage 3; 0 conflict(s)" in out
    assert "No changes." in out
    assert "trending-now board" in out
    assert "overdue" in out  # the spike past its time-box is called out
    assert (tmp_path / "demo" / "state.sqlite").exists()
    # Outside a terminal nothing is folded: the next steps paste as whole commands. Its
    # rules are as wide as the report, not the 1,000 columns that keep those lines whole.
    rules = [line for line in out.splitlines()
             if "────" in line and not set(line) & set("└┘┌┐┏┓┗┛┡┩╭╮╰╯│┃")]  # not tables
    assert len(rules) >= 10 and max(map(len, rules)) <= 100
    assert "`tracker-bridge doctor`, `tracker-bridge plan` and `tracker-bridge seed --yes`" in out


@pytest.mark.slow
def test_demo_never_touches_the_configured_store(tmp_path: Path) -> None:
    """In the container image TB_STORE__URL points at the real state volume: the demo keeps
    its data in its own folder anyway, and says where."""
    real_store = tmp_path / "production" / "state.sqlite"
    real_store.parent.mkdir()
    env = {
        **os.environ,
        "TB_STORE__URL": f"sqlite:///{real_store}",
        "TB_CONFIG": str(tmp_path / "production" / "tracker-bridge.toml"),
    }
    demo_dir = tmp_path / "demo"
    done = subprocess.run(
        [SCRIPT, "demo", "--dir", str(demo_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert list(real_store.parent.iterdir()) == []
    assert (demo_dir / "state.sqlite").exists()
    said = "".join(done.stdout.split())  # rich wraps long paths anywhere
    assert f"Statekeptinsqlite:///{demo_dir / 'state.sqlite'}" in said
