"""A roadmap sprint's `adopt:` names a tracker's sprint; a malformed claim or one sprint
claimed twice is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main

ROADMAP = """\
project: trending-now
cadence: {{sprint_length_days: 14, first_sprint_start: 2026-11-02}}
phases:
  - name: Imported
    sprints: 2
sprints:
  - id: s1
    adopt: ["jira:TREND/sprint/41"]
  - id: s2
    adopt: ["{second}"]
"""


def _validate(tmp_path: Path, second: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "roadmap.yaml"
    path.write_text(ROADMAP.format(second=second))
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_sprints_adopt_a_jira_sprint_and_a_milestone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _validate(tmp_path, "github:acme/trending-now/milestone/3", capsys)
    assert code == 0, out


def test_a_malformed_sprint_claim_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _validate(tmp_path, "jira:TREND-42", capsys)
    assert code == 2
    assert "roadmap.yaml:10" in out and "jira:KEY/sprint/ID" in out
    assert "Traceback" not in out


def test_one_sprint_claimed_twice_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _validate(tmp_path, "jira:TREND/sprint/41", capsys)
    assert code == 2
    assert "roadmap.yaml:10" in out and "adopted by sprint s1 already" in out
