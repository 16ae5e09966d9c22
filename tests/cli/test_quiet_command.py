"""Which command lines the quiet-night fast path may answer: only the nightly `sync --yes`
(with --json, --config, --project); everything else is the full command's to parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.quiet.command import NotQuiet, ask_of

CONFIG = """
[store]
url = "sqlite:///state/tb.sqlite"

[[projects]]
name = "trending-now"
roadmap = "roadmap.yaml"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "tracker-bridge.toml"
    path.write_text(CONFIG)
    return path


def test_the_nightly_forms_are_read_with_the_store_beside_the_config(config: Path) -> None:
    ask = ask_of(["sync", "--yes", "-c", str(config)], {})
    assert ask.project == "trending-now" and not ask.as_json
    assert ask.store == (config.parent / "state" / "tb.sqlite").resolve()
    ask = ask_of(["sync", "-y", "--json", f"--config={config}", "-p", "other"], {})
    assert ask.project == "other" and ask.as_json
    assert ask_of(["sync", "--yes"], {"TB_CONFIG": str(config)}).config == config


@pytest.mark.parametrize("argv", [
    ["sync"],  # a dry run shows the plan
    ["sync", "--yes", "--no-quiet"],
    ["sync", "--yes", "--force"],
    ["sync", "--yes", "--target", "jira"],
    ["sync", "--yes", "--help"],
    ["plan"],
])
def test_everything_else_is_the_full_commands(config: Path, argv: list[str]) -> None:
    with pytest.raises(NotQuiet):
        ask_of([*argv, "-c", str(config)], {})


def test_the_off_switch_and_a_store_from_the_environment_take_the_full_path(
    config: Path,
) -> None:
    with pytest.raises(NotQuiet, match="TB_NO_QUIET"):
        ask_of(["sync", "--yes", "-c", str(config)], {"TB_NO_QUIET": "1"})
    assert ask_of(["sync", "--yes", "-c", str(config)], {"TB_NO_QUIET": "0"})
    with pytest.raises(NotQuiet, match="environment"):
        ask_of(["sync", "--yes", "-c", str(config)], {"TB_STORE__URL": "sqlite:////x.db"})


def test_postgresql_and_in_memory_stores_take_the_full_path(config: Path) -> None:
    for url in ("postgresql+psycopg://tb@db/tb", "sqlite://"):
        config.write_text(CONFIG.replace("sqlite:///state/tb.sqlite", url))
        with pytest.raises(NotQuiet):
            ask_of(["sync", "--yes", "-c", str(config)], {})
