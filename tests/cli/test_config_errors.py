"""Config mistakes found when the config loads: exit 2, one line with file:line, nothing run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli, writes


@pytest.mark.parametrize("command", [("status",), ("plan",), ("doctor",), ("sync", "--yes")])
def test_a_mistyped_adapter_is_a_config_error_at_its_line(
    cli: Cli, command: tuple[str, ...]
) -> None:
    config = Path(cli.config)
    text = config.read_text()
    config.write_text(text.replace('tracker = "jira:', 'tracker = "jria:', 1))
    line = next(
        number
        for number, content in enumerate(config.read_text().splitlines(), start=1)
        if content.startswith('tracker = "jria:')
    )
    result = cli(*command, "-c", cli.config)
    assert result.code == 2, result.out
    assert result.out == ""
    assert result.err.startswith(f"{config}:{line}:"), result.err
    assert "'jria'" in result.err and "did you mean 'jira:" in result.err
    assert len(result.err.splitlines()) == 1, result.err
    assert writes(cli.sandbox) == 0
    assert not (cli.sandbox.directory / "state.sqlite").exists()
