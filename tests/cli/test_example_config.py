"""The example config does what its comments say, run through the console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import line_reader, next_line

ROOT = Path(__file__).parents[2]
EXAMPLE_CONFIG = ROOT / "config" / "tracker-bridge.example.toml"
SCRIPT = Path(sys.executable).parent / "tracker-bridge"
pytestmark = pytest.mark.slow


def test_serve_webhooks_starts_on_the_example_config_as_copied(tmp_path: Path) -> None:
    """A team that copies the example and sets only its tokens can run `serve --webhooks`:
    the example says what a webhook secret is for instead of naming one that is unset."""
    config = tmp_path / "tracker-bridge.toml"
    shutil.copy(EXAMPLE_CONFIG, config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TB_")}
    env.update(TB_JIRA_TOKEN="jira-token-for-the-test", TB_GITHUB_TOKEN="github-token-for-test")
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--webhooks", "--webhook-port", "0", "-c", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    lines = line_reader(process.stdout)
    try:
        printed = [next_line(lines) for _ in range(2)]
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert printed[0].startswith("scheduled sync:trending-now"), (printed, err)
    assert "receiving webhooks at http://127.0.0.1:" in printed[1], (printed, err)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "webhooks for jira:TREND, github:acme/trending-now will be refused" in err
