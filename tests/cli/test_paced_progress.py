"""A long paced seed in a pipe: an estimate first, then a progress line every few seconds."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.cli.progress import PipeProgress
from tracker_bridge.testing.sandbox import Sandbox

SCRIPT = Path(sys.executable).parent / "tracker-bridge"
TINY = """\
project: tiny
cadence:
  first_sprint_start: 2026-01-05
phases:
  - name: Only phase
    sprints: 1
    epics:
      - id: work
        title: The work
        items:
          - {id: work.a, title: First thing, stage: in_progress}
          - {id: work.b, title: Second thing, stage: in_review}
          - {id: work.c, title: Third thing}
"""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_estimate_then_a_line_every_few_seconds() -> None:
    class Paced:
        writes_per_minute = 60.0

    out, clock = io.StringIO(), Clock()
    progress = PipeProgress({"github:acme/app": Paced()}, out=out, clock=clock)  # type: ignore[dict-item]
    progress.planned("github:acme/app", 79)
    for done in range(1, 80):
        clock.now += 1.0  # one write a second
        progress("github:acme/app", done)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "github:acme/app: 79 change(s) to write at most 60 writes a minute: at least 1 min 19 s;"
        " a line every 5 s until done"
    )
    assert lines[1] == "github:acme/app: 5/79 write(s) done, 5 s so far"
    assert len(lines) == 1 + 79 // 5


def test_a_short_or_unpaced_run_prints_no_estimate() -> None:
    class Fast:
        writes_per_minute = 6000.0

    out = io.StringIO()
    progress = PipeProgress({"a:x": Fast(), "b:y": object()}, out=out, clock=Clock())  # type: ignore[dict-item]
    progress.planned("a:x", 79)
    progress.planned("b:y", 500)
    assert out.getvalue() == ""


@pytest.mark.slow
def test_a_paced_seed_in_a_pipe_says_how_long_and_how_far(tmp_path: Path) -> None:
    roadmap = tmp_path / "tiny.yaml"
    roadmap.write_text(TINY)
    with Sandbox(tmp_path / "sandbox", roadmap, github_options={"writes_per_minute": 30}) as sb:
        result = subprocess.run(
            [str(SCRIPT), "seed", "--yes", "-t", "github", "-c", str(sb.config_path)],
            capture_output=True, text=True, timeout=180,
            env={**os.environ, **sb.environ}, cwd=sb.directory,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{sb.github_tracker}: ") and "30 writes a minute" in lines[0]
    assert "at least" in lines[0]
    assert any("write(s) done" in line for line in lines[1:]), result.stderr
    assert "Sync summary" in result.stdout
