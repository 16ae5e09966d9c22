"""One in-process runner for `tracker_bridge.cli.main` against a sandbox, shared by the test
packages: every run is checked for leaked tokens and tracebacks."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tracker_bridge.cli import main
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox


class Result(NamedTuple):
    code: int
    out: str
    err: str


class Cli:
    def __init__(self, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
        self.sandbox = sandbox
        self.capsys = capsys
        self.secrets = set(sandbox.environ.values())
        self.config = str(sandbox.config_path)

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()  # drop anything printed before this run
        debug = ["--debug"] if os.environ.get("TB_TEST_DEBUG") else []  # tracebacks, by hand
        code = main([*debug, *args])
        captured = self.capsys.readouterr()
        result = Result(code, captured.out, captured.err)
        for secret in self.secrets:
            assert secret not in result.out and secret not in result.err, args
        assert "Traceback" not in result.err, result.err
        return result

    def json(self, *args: str) -> dict[str, Any]:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        data: dict[str, Any] = json.loads(out)
        return data

    def store(self) -> Store:
        return Store.open(f"sqlite:///{self.sandbox.directory / 'state.sqlite'}")


@contextmanager
def running_sandbox(
    monkeypatch: pytest.MonkeyPatch, directory: Path, roadmap: Path, **options: Any
) -> Iterator[Sandbox]:
    """A running sandbox whose tokens are in this process's environment, with no $TB_CONFIG
    from outside: the CLI run in-process finds only the sandbox's config."""
    with Sandbox(directory, roadmap, **options) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("TB_CONFIG", raising=False)
        yield running
