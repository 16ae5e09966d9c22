"""doctor checks every roadmap handle, through `people`, against the tracker's assignable
users: a handle that would leave issues unassigned is a failed check naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli


@pytest.fixture
def ghost_roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.yaml"
    path.write_text(EXAMPLE.read_text().replace("assignee: maria\n", "assignee: ghost\n", 1))
    return path


def test_doctor_names_each_handle_that_cannot_be_assigned(
    tmp_path: Path,
    ghost_roadmap: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        config = sandbox.config_path
        config.write_text(config.read_text().replace(str(EXAMPLE.resolve()), str(ghost_roadmap)))
        cli = Cli(sandbox, capsys)
        for target in (sandbox.jira_tracker, sandbox.github_tracker):
            result = cli("doctor", "-t", target, "-c", cli.config)
            assert result.code == 1, result.out
            lines = [" ".join(line.split()) for line in result.out.splitlines()]
            assert any(re.match(r"FAIL │ assignee ghost ", line) for line in lines), result.out
            assert any(re.match(r"ok │ assignee maria\b", line) for line in lines), result.out
