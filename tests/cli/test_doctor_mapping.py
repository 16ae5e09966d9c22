"""doctor shows a bad mapping as a mapping error at its line, not as a connection problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE


def test_a_bad_jira_mapping_is_a_mapping_error_with_its_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "jira.yaml"
    mapping.write_text("tracks:\n  research: shared\n  engineering: shared\n")
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line
    with Sandbox(tmp_path / "sandbox", EXAMPLE, jira_mapping=mapping) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        code = main(["doctor", "-c", str(sandbox.config_path), "-t", "jira"])
    out = capsys.readouterr().out
    assert code == 1
    assert "check the url" not in out
    assert "mapping / config" in out
    assert f"{mapping}:3:3: tracks.engineering: label 'shared' is also tracks.research" in out
