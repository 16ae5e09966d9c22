"""`relink` after a lost state store: refs come back from the trackers' markers, no duplicates."""

from __future__ import annotations

import json

import pytest

from tracker_bridge.cli import main
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_relink_restores_refs_and_the_next_seed_creates_nothing(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox.config_path)
    _cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
    url = f"sqlite:///{sandbox.directory / 'state.sqlite'}"
    store = Store.open(url)
    before = {
        t: store.get_refs(sandbox.project, t)
        for t in (sandbox.jira_tracker, sandbox.github_tracker)
    }
    store.close()
    assert all(len(refs) == ITEMS for refs in before.values())

    (sandbox.directory / "state.sqlite").unlink()  # the database is lost
    for tracker in (sandbox.jira_tracker, sandbox.github_tracker):
        out = _cli(capsys, "relink", "--target", tracker, "-c", config)
        assert f"{ITEMS} item(s) found by marker, {ITEMS} ref(s) restored" in out

    store = Store.open(url)
    try:
        for tracker, refs in before.items():
            restored = store.get_refs(sandbox.project, tracker)
            assert {i: r.key for i, r in restored.items()} == {i: r.key for i, r in refs.items()}
    finally:
        store.close()

    out = _cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes", "--json")
    summary = json.loads(out)["summary"]
    assert summary["created"] == 0
    assert "create" not in summary["planned"]
    assert set(summary["adopted"].values()) == {0}  # relink found them all, not the pull
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_after_relink_the_next_plan_changes_nothing(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox.config_path)
    _cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
    _cli(capsys, "sync", "-c", config, "--yes")  # settled
    (sandbox.directory / "state.sqlite").unlink()
    for tracker in (sandbox.jira_tracker, sandbox.github_tracker):
        _cli(capsys, "relink", "--target", tracker, "-c", config)
    out = _cli(capsys, "plan", str(EXAMPLE), "-c", config, "--json")
    assert json.loads(out)["plan"]["actions"] == []
