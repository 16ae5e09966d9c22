"""A running sandbox per test and a runner for `tracker_bridge.cli.main` that checks secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import clirun
from tests.clirun import Result, running_sandbox
from tracker_bridge.testing.sandbox import Sandbox

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"


class Cli(clirun.Cli):
    """The shared runner, plus the roadmap commands' argument order."""

    def roadmap(self, command: str, *args: str, roadmap: Path = EXAMPLE) -> Result:
        return self(command, str(roadmap), "-c", self.config, *args)


def writes(sandbox: Sandbox) -> int:
    """POST/PUT/PATCH/DELETE requests the fakes answered (the sandbox reads with GET only)."""
    return sum(
        fake.stats.by_method[method]
        for fake in (sandbox.jira, sandbox.github)
        for method in ("POST", "PUT", "PATCH", "DELETE")
    )


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with running_sandbox(monkeypatch, tmp_path / "sandbox", EXAMPLE) as running:
        yield running


@pytest.fixture
def cli(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(sandbox, capsys)


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    """The sandbox after `seed --yes`: every roadmap item on both trackers."""
    result = cli.roadmap("seed", "--yes")
    assert result.code == 0, result.err
    return cli
