"""A running sandbox per test and a runner for `tracker_bridge.cli.main` that checks secrets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


class Cli:
    """Runs the CLI in-process against one sandbox; every run is checked for leaked tokens."""

    def __init__(self, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
        self.sandbox = sandbox
        self.capsys = capsys
        self.secrets = set(sandbox.environ.values())
        self.config = str(sandbox.config_path)

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()  # drop anything printed before this run
        code = main(list(args))
        captured = self.capsys.readouterr()
        result = Result(code, captured.out, captured.err)
        for secret in self.secrets:
            assert secret not in result.out and secret not in result.err, args
        assert "Traceback" not in result.err, result.err
        return result

    def roadmap(self, command: str, *args: str, roadmap: Path = EXAMPLE) -> Result:
        return self(command, str(roadmap), "-c", self.config, *args)

    def store(self) -> Store:
        return Store.open(f"sqlite:///{self.sandbox.directory / 'state.sqlite'}")


def writes(sandbox: Sandbox) -> int:
    """POST/PUT/PATCH/DELETE requests the fakes answered (the sandbox reads with GET only)."""
    return sum(
        fake.stats.by_method[method]
        for fake in (sandbox.jira, sandbox.github)
        for method in ("POST", "PUT", "PATCH", "DELETE")
    )


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("TB_CONFIG", raising=False)
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
