"""A tracker that accepts connections and never answers, or a port nothing listens on: the
command fails within about ten seconds and says which it was, with the URL, never secrets.

Real sockets on 127.0.0.1; the CLI runs in-process so the figure is the command's own time
(starting an interpreter takes seconds on a busy CI box)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.cli import main

ROADMAP = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
TOKEN = "tok-never-printed-123"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts connections (the kernel completes the handshake) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def plan(
    tmp_path: Path,
    tracker: str,
    port: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[int, str, float]:
    username = 'username = "me@example.com"\n' if tracker.startswith("jira") else ""
    config = tmp_path / "tracker-bridge.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "state.sqlite"}"\n\n'
        f'[[projects]]\nname = "trending-now"\nroadmap = "{ROADMAP}"\n\n'
        f'[[projects.targets]]\ntracker = "{tracker}"\nurl = "http://127.0.0.1:{port}"\n'
        f'token_env = "TB_TOKEN"\n{username}'
    )
    monkeypatch.setenv("TB_TOKEN", TOKEN)
    started = time.monotonic()
    code = main(["plan", str(ROADMAP), "-c", str(config)])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    assert "Traceback" not in err
    return code, err, elapsed


@pytest.mark.parametrize("tracker", ["jira:TREND", "github:acme/trending-now"])
def test_a_tracker_that_never_answers_fails_within_about_ten_seconds(
    tracker: str,
    silent_port: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, err, elapsed = plan(tmp_path, tracker, silent_port, capsys, monkeypatch)
    assert code == 2, err
    assert elapsed < 20, elapsed  # 10 s deadline + loading the roadmap on a busy box (was 185 s)
    assert "timed out" in err and f"http://127.0.0.1:{silent_port}" in err, err


@pytest.mark.parametrize("tracker", ["jira:TREND", "github:acme/trending-now"])
def test_a_closed_port_is_named_as_refused(
    tracker: str,
    closed_port: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, err, elapsed = plan(tmp_path, tracker, closed_port, capsys, monkeypatch)
    assert code == 2, err
    assert elapsed < 20, elapsed  # 10 s deadline + loading the roadmap on a busy box (was 185 s)
    assert "connection refused" in err and f"http://127.0.0.1:{closed_port}" in err, err


def test_urls_in_messages_never_carry_credentials() -> None:
    from tracker_bridge.network import safe_url

    assert safe_url("https://bob:secret@jira.example.com:8443/rest?x=1") == (
        "https://jira.example.com:8443/rest"
    )


def test_time_limits_come_from_options_and_bad_ones_are_one_line() -> None:
    from tracker_bridge.network import Timeouts
    from tracker_bridge.tracker import AdapterError

    assert Timeouts.from_options({"deadline_seconds": 60}).deadline == 60
    with pytest.raises(AdapterError, match="option timeout_seconds: expected a positive"):
        Timeouts.from_options({"timeout_seconds": "soon"})
