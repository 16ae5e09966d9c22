"""Hostile or odd config and mapping files: exit 2 with FILE:LINE, nothing written, quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tracker_bridge.cli import main

ROADMAP = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
PASSWORD = "hunter2-never-printed"


def config(tmp_path: Path, target: str = "", store: str = "") -> Path:
    path = tmp_path / "tracker-bridge.toml"
    store_url = store or f"sqlite:///{tmp_path / 'state.sqlite'}"
    path.write_text(
        f'[store]\nurl = "{store_url}"\n\n'
        f'[[projects]]\nname = "trending-now"\nroadmap = "{ROADMAP}"\n\n'
        '[[projects.targets]]\ntracker = "jira:TREND"\n'
        + (target or 'url = "https://acme.atlassian.net"\ntoken_env = "TB_JIRA_TOKEN"\n')
    )
    return path


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    started = time.monotonic()
    code = main(["plan", str(ROADMAP), "-c", str(path)])
    assert time.monotonic() - started < 10
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_a_binary_config_file_is_one_line_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tracker-bridge.toml"
    path.write_bytes(bytes(range(256)) * 4)
    code, err = run(path, capsys)
    assert code == 2
    assert err.startswith(f"{path}:1:1: not a UTF-8 text file")
    assert not (tmp_path / "state.sqlite").exists()


def test_a_config_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config(tmp_path, store="mongodb://db.example.com/state")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = run(path, capsys)
    assert code == 2  # read past the BOM: the next problem found is the store URL
    assert err.startswith(f"{path}:2:1: store.url: not a SQLite or PostgreSQL URL")


def test_a_store_url_of_an_unknown_kind_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, store="mongodb://db.example.com/state")
    code, err = run(path, capsys)
    assert code == 2
    assert err.startswith(f"{path}:2:1: store.url: not a SQLite or PostgreSQL URL")


def test_a_target_url_with_credentials_is_refused_and_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f'url = "https://bob:{PASSWORD}@acme.atlassian.net"\ntoken_env = "TB_JIRA_TOKEN"\n'
    path = config(tmp_path, target=target)
    code, err = run(path, capsys)
    assert code == 2
    assert err.startswith(f"{path}:10:1: projects[0].targets[0].url: the URL holds credentials")
    assert PASSWORD not in err
    assert not (tmp_path / "state.sqlite").exists()


@pytest.mark.parametrize("key", ["access_token", "client_secret", "bearer", "db_password"])
def test_token_like_keys_in_adapter_options_are_refused(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = (
        'url = "https://acme.atlassian.net"\ntoken_env = "TB_JIRA_TOKEN"\n'
        f'options = {{ {key} = "{PASSWORD}" }}\n'
    )
    path = config(tmp_path, target=target)
    code, err = run(path, capsys)
    assert code == 2
    assert f"projects[0].targets[0].options.{key}: secrets are not read" in err
    assert PASSWORD not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)), "1:1: not a UTF-8 text Jira mapping file"),
        (
            b"kinds: &k0 [a, a, a, a, a, a, a, a, a, a]\n"
            + b"".join(
                f"x{n}: &k{n} [{', '.join([f'*k{n - 1}'] * 10)}]\n".encode() for n in range(1, 10)
            ),
            "YAML aliases here expand to more than 1,000,000 values",
        ),
        (b"kinds: " + b"[" * 20000 + b"]" * 20000 + b"\n", "1:108: nested more than 100 levels"),
        (b"kinds:\n  story: \"Story\\0\"\n", "2:10: kinds.story: control character U+0000"),
    ],
    ids=["binary", "alias-bomb", "deep", "nul"],
)
def test_hostile_mapping_files_are_one_line_with_file_and_line(
    content: bytes,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapping = tmp_path / "jira.yaml"
    mapping.write_bytes(content)
    monkeypatch.setenv("TB_JIRA_TOKEN", "not-used")
    target = (
        'url = "http://127.0.0.1:9"\ntoken_env = "TB_JIRA_TOKEN"\nusername = "a@b.c"\n'
        f'mapping = "{mapping}"\n'
    )
    code, err = run(config(tmp_path, target=target), capsys)
    assert code == 2
    assert err.startswith(f"{mapping}:"), err
    assert message in err.splitlines()[0], err
