"""Help that reads like a CLI's help, and output that survives a pipe and a colour terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

SCRIPT = Path(sys.executable).parent / "tracker-bridge"
COMMANDS = [
    ("plan",), ("seed",), ("apply",), ("sync",), ("relink",), ("status",), ("doctor",),
    ("validate",), ("show",), ("schema",), ("demo",), ("serve",), ("fake", "jira"),
    ("fake", "github"), ("report", "sprint"), ("spike", "check"), ("spike", "start"),
    ("spike", "extend"), ("spike", "close"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_metavars_not_python_types(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    shown = capsys.readouterr().out
    usage = shown.splitlines()[0]
    assert usage.startswith(f"Usage: tracker-bridge {' '.join(command)} [OPTIONS]"), usage
    assert "{" not in usage, usage
    for typed in ("<bool>", "<str>", "<path>", "<int>", "list[str]"):
        assert typed not in shown, (typed, shown)
    assert "--debug" in shown  # every command accepts it


def test_help_keeps_square_brackets_and_the_roadmap_is_optional(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--help"]) == 0
    assert "([serve] port; 8088)" in capsys.readouterr().out  # rich markup would eat "[serve]"
    assert main(["plan", "--help"]) == 0
    shown = capsys.readouterr().out
    assert shown.splitlines()[0] == "Usage: tracker-bridge plan [OPTIONS] [ROADMAP]"
    assert re.search(r"-c, --config CONFIG\s", shown)


def _run(sandbox: Sandbox, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args, "-c", str(sandbox.config_path)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, **sandbox.environ, **env}, cwd=sandbox.directory,
    )


@pytest.mark.slow
def test_a_piped_plan_keeps_each_line_whole_and_doctor_its_urls(tmp_path: Path) -> None:
    items = load_roadmap(EXAMPLE).roadmap.items
    longest = max(items, key=lambda item: len(item.title))
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        planned = _run(sandbox, "plan", COLUMNS="80")
        assert planned.returncode == 0, planned.stderr
        line = f"+ {longest.id} {longest.kind.value} “{longest.title}” [{longest.track.value}]"
        assert len(line) > 80
        assert f"  {line}\n" in planned.stdout
        hint = next(x for x in planned.stdout.splitlines() if "--checksum" in x)
        assert hint.rstrip().endswith(re.findall(r"Plan (\w+)", planned.stdout)[0])
        doctor = _run(sandbox, "doctor", COLUMNS="80")
        assert doctor.returncode == 0, doctor.stdout
        assert f"signed in to {sandbox.jira.url} (Cloud)" in doctor.stdout  # not folded at 80


@pytest.mark.slow
def test_in_colour_ids_are_printed_as_they_are_not_highlighted(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        # FORCE_COLOR makes rich style output as on a terminal.
        planned = _run(sandbox, "plan", FORCE_COLOR="1", COLUMNS="300")
        assert planned.returncode == 0, planned.stderr
        assert "\x1b[" in planned.stdout  # it is in colour
        assert sandbox.github_tracker in planned.stdout  # "b:ac" not coloured as IPv6
        doctor = _run(sandbox, "doctor", FORCE_COLOR="1", COLUMNS="300")
        assert sandbox.github_tracker in doctor.stdout and sandbox.jira_tracker in doctor.stdout


def test_a_piped_sprint_report_keeps_brackets_and_100_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roadmap = tmp_path / "roadmap.yaml"
    goal = "Reviews in S3 and a decision on the vibe score"
    roadmap.write_text(EXAMPLE.read_text().replace(goal, f'"[infra] {goal}"'))
    with Sandbox(tmp_path / "sandbox", roadmap) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        config = str(sandbox.config_path)
        assert main(["seed", "--yes", "-c", config, "-t", "github", "--json"]) == 0
        capsys.readouterr()
        assert main(["report", "sprint", "--sprint", "s3", "-c", config]) == 0
    out = capsys.readouterr().out
    assert f"Goal: [infra] {goal}" in out  # data, not rich markup
    assert max(len(line) for line in out.splitlines()) <= 100, out
