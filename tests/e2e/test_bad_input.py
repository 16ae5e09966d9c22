"""Bad input: one clear line naming file, line and field; exit 2; nothing written anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE


def test_a_bad_roadmap_stops_seed_before_the_store_or_trackers(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "roadmap.yaml"
    bad.write_text(EXAMPLE.read_text().replace("stage: in_review", "stage: in_reveiw", 1))
    code = main(["seed", str(bad), "--yes", "-c", str(sandbox.config_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:" in err and "did you mean 'in_review'" in err
    assert "Traceback" not in err
    assert not (sandbox.directory / "state.sqlite").exists()
    assert sandbox.jira.stats.total == 0 and sandbox.github.stats.total == 0


def test_a_token_in_the_config_file_is_refused_and_never_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "tracker-bridge.toml"
    config.write_text(
        '[[projects]]\nname = "p"\nroadmap = "r.yaml"\n\n[[projects.targets]]\n'
        'tracker = "jira:P"\ntoken = "sekret-value-123"\n'
    )
    code = main(["sync", "-c", str(config)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{config}:7:" in err and "token" in err
    assert "sekret-value-123" not in err
