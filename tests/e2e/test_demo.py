"""`tracker-bridge demo`, the README's first command, runs the whole cycle on the fakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main


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
