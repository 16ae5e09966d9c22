"""`tracker-bridge mapping init`: a mapping for the live project, as it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.adapters.jira.mapping import load_mapping
from tracker_bridge.cli import main
from tracker_bridge.model import Stage
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE


@pytest.fixture
def datacenter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(
        tmp_path / "sandbox", EXAMPLE, jira_flavour="datacenter", jira_workflow="datacenter-strict"
    ) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("COLUMNS", "300")
        # A project in use: issues standing in each status show the screens on the way.
        for status in ("Open", "In Progress", "In Review"):
            key = sandbox.jira.human_create("TREND", f"in {status}", "Story")
            sandbox.jira.human_transition(key, status)
        yield sandbox


def test_init_writes_a_coarse_mapping_that_doctor_accepts(
    datacenter: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(datacenter.config_path)
    output = tmp_path / "jira-mapping.yaml"
    assert main(["mapping", "init", "-t", "jira", "-o", str(output), "-c", config]) == 0
    assert f"wrote {output}" in capsys.readouterr().out
    mapping = load_mapping(output)
    assert mapping.coarse
    assert mapping.stages[Stage.SPRINT_BACKLOG] == ("Open",)
    assert mapping.stages[Stage.IN_STAGING] == ("In Review",)
    assert mapping.fields.story_points == "Story Points"
    assert mapping.board_id == 1
    assert set(mapping.transition_fields) == {"resolution", "assignee", "worklog"}
    # The default mapping fails doctor on this workflow and points to `mapping init` ...
    assert main(["doctor", "-c", config, "-t", "jira"]) == 1
    assert "mapping init -t jira:TREND" in capsys.readouterr().out
    # ... and the written one passes.
    text = datacenter.config_path.read_text()
    marker = 'token_env = "TB_SANDBOX_JIRA_TOKEN"'
    datacenter.config_path.write_text(
        text.replace(marker, f'{marker}\nmapping = "{output}"', 1)
    )
    code = main(["doctor", "-c", config, "-t", "jira"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "coarse workflow" in out


def test_init_prints_to_stdout_and_never_overwrites_without_force(
    datacenter: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(datacenter.config_path)
    assert main(["mapping", "init", "-t", "jira:TREND", "-c", config]) == 0
    printed = capsys.readouterr().out
    assert "stages:\n  backlog: [Open, Reopened]\n  sprint_backlog: [Open]" in printed
    existing = tmp_path / "mine.yaml"
    existing.write_text("kept")
    assert main(["mapping", "init", "-t", "jira", "-o", str(existing), "-c", config]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert existing.read_text() == "kept"
