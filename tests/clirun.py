"""One in-process runner for `tracker_bridge.cli.main` against a sandbox, shared by the test
packages: every run is checked for leaked tokens and tracebacks."""

from __future__ import annotations

import json
import os
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
