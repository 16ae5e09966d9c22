"""`tracker-bridge mapping init` for GitHub: a mapping for the repository and its board as
they are, and `doctor` recognising a board whose Status field has fewer options than stages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.adapters.github.mapping import load_mapping
from tracker_bridge.cli import main
from tracker_bridge.model import Stage
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

GITHUB_TOKEN = 'token_env = "TB_SANDBOX_GITHUB_TOKEN"'


@pytest.fixture
def default_board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """GitHub's default board (Todo, In Progress, Done), with a mapping written for the
    eight-option board a team would copy from the README."""
    mapping = tmp_path / "eight-options.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n")
    with Sandbox(
        tmp_path / "sandbox", EXAMPLE, github_mapping=mapping, github_project_status="default"
    ) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("COLUMNS", "300")
        yield sandbox


def use_mapping(sandbox: Sandbox, path: Path) -> None:
    text = sandbox.config_path.read_text()
    old = f"mapping = \"{sandbox.github_mapping}\""
    assert old in text
    sandbox.config_path.write_text(text.replace(old, f'mapping = "{path}"'))


def test_doctor_points_a_coarse_board_to_mapping_init_and_the_written_mapping_passes(
    default_board: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(default_board.config_path)
    assert main(["doctor", "-c", config, "-t", "github"]) == 1
    out = capsys.readouterr().out
    assert "a coarse board: 3 options (Todo, In Progress, Done)" in out
    assert "mapping init -t github:acme/trending-now" in out

    output = tmp_path / "github.yaml"
    assert main(["mapping", "init", "-t", "github", "-o", str(output), "-c", config]) == 0
    assert f"wrote {output}" in capsys.readouterr().out
    mapping = load_mapping(output)
    assert mapping.mode == "projects" and mapping.coarse
    options = mapping.project.status_options
    assert [options[s] for s in Stage] == ["Todo"] * 2 + ["In Progress"] * 5 + ["Done"]
    assert mapping.project.iteration_field == "Sprint"
    assert mapping.project.points_field == "Points"
    assert mapping.project.owner == "acme" and mapping.project.number == 1

    use_mapping(default_board, output)
    code = main(["doctor", "-c", config, "-t", "github"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "status 'In Progress' carries in_progress, in_review" in out


def test_init_reads_a_custom_status_field_and_prints_without_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["Inbox", "Dev", "Code review", "QA", "Deploy", "Shipped"]
    with Sandbox(tmp_path / "sandbox", EXAMPLE, github_project_status=options) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        config = str(sandbox.config_path)
        assert main(["mapping", "init", "-t", "github:acme/trending-now", "-c", config]) == 0
    printed = capsys.readouterr().out
    assert "mode: projects" in printed
    path = tmp_path / "printed.yaml"
    path.write_text(printed)
    mapping = load_mapping(path)
    found = {stage.value: mapping.project.status_options[stage] for stage in Stage}
    assert found == {
        "backlog": "Inbox", "sprint_backlog": "Inbox", "in_progress": "Dev",
        "in_review": "Code review", "ready_for_staging": "Code review", "in_staging": "QA",
        "ready_for_prod": "Deploy", "done": "Shipped",
    }  # fmt: skip
