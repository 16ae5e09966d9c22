"""`relink` after a lost state store: refs come back from the trackers' markers, no duplicates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, run_cli, seed_and_sync, sync_plan

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)


def test_relink_restores_refs_and_the_next_seed_creates_nothing(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox.config_path)
    run_cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
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
        out = run_cli(capsys, "relink", "--target", tracker, "-c", config)
        assert f"{ITEMS} item(s) found by marker, {ITEMS} ref(s) restored" in out

    store = Store.open(url)
    try:
        for tracker, refs in before.items():
            restored = store.get_refs(sandbox.project, tracker)
            assert {i: r.key for i, r in restored.items()} == {i: r.key for i, r in refs.items()}
    finally:
        store.close()

    out = run_cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes", "--json")
    summary = json.loads(out)["summary"]
    assert summary["created"] == 0
    assert "create" not in summary["planned"]
    assert set(summary["adopted"].values()) == {0}  # relink found them all, not the pull
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_after_relink_the_next_plan_changes_nothing(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox.config_path)
    run_cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
    run_cli(capsys, "sync", "-c", config, "--yes")  # settled
    (sandbox.directory / "state.sqlite").unlink()
    for tracker in (sandbox.jira_tracker, sandbox.github_tracker):
        run_cli(capsys, "relink", "--target", tracker, "-c", config)
    out = run_cli(capsys, "plan", str(EXAMPLE), "-c", config, "--json")
    assert json.loads(out)["plan"]["actions"] == []


SCRAPER = "ingestion.rotten-tomatoes"  # a story with a description in the roadmap
CI = "infra.ci-pipeline"  # a task whose roadmap has no description


def _edited_then_relinked(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], item_id: str, description: str
) -> str:
    """Seeded and synced; a person rewrites the item's description in Jira; that night the
    runner's disk, and the store on it, is gone: relink on both trackers (what it said)."""
    seed_and_sync(sandbox, capsys)
    sandbox.jira_edit(item_id, description=description)
    (sandbox.directory / "state.sqlite").unlink()
    config = str(sandbox.config_path)
    return "".join(
        run_cli(capsys, "relink", "--target", tracker, "-c", config)
        for tracker in (sandbox.jira_tracker, sandbox.github_tracker)
    )


def _plan(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = run_cli(capsys, "plan", str(EXAMPLE), "-c", str(sandbox.config_path), "--json")
    plan: dict[str, Any] = json.loads(out)["plan"]
    return plan


def test_a_description_a_person_rewrote_before_the_store_was_lost_is_a_conflict_not_overwritten(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing recorded which side changed the text, so it must not be silently put back to
    # the roadmap's.
    rewritten = "Scrape daily at 06:00 UTC; Rotten Tomatoes blocks more than 1 request/s."
    out = _edited_then_relinked(sandbox, capsys, SCRAPER, rewritten)
    assert "1 item(s) hold values other than the roadmap's" in " ".join(out.split())
    assert f"{SCRAPER} (description)" in out

    (conflict,) = _plan(sandbox, capsys)["conflicts"]
    assert (conflict["item"], conflict["field"]) == (SCRAPER, "description")
    assert conflict["values"][sandbox.jira_tracker] == rewritten
    assert conflict["values"]["roadmap"].startswith("As an MLOps system")

    # A team on `conflict_policy = "hold"` keeps both texts until a person settles it.
    monkeypatch.setenv("TB_RECONCILE__CONFLICT_POLICY", "hold")
    assert sync_plan(sandbox, capsys)["conflicts"][0]["resolution"] == "hold"
    assert sandbox.jira_fields(SCRAPER)["description"] == rewritten
    again = _plan(sandbox, capsys)
    assert [c["item"] for c in again["conflicts"]] == [SCRAPER]  # until settled

    # Under the default policy the roadmap owns descriptions: its text wins, and the
    # developer's is in the report, not lost without a word.
    monkeypatch.delenv("TB_RECONCILE__CONFLICT_POLICY")
    (reported,) = sync_plan(sandbox, capsys)["conflicts"]
    assert reported["winner"] == "roadmap" and reported["values"][sandbox.jira_tracker] == rewritten
    assert sandbox.jira_fields(SCRAPER)["description"].startswith("As an MLOps system")
    final = _plan(sandbox, capsys)
    assert final["conflicts"] == [] and final["actions"] == []


def test_after_relink_a_description_a_person_added_where_the_roadmap_has_none_is_kept(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = "Runs on the self-hosted runner; cache the wheels."
    out = _edited_then_relinked(sandbox, capsys, CI, notes)
    assert "hold values other than the roadmap's" not in out  # nothing to settle

    assert sync_plan(sandbox, capsys)["conflicts"] == []
    assert notes in sandbox.jira_fields(CI)["description"]
    assert notes in sandbox.github_issue(CI)["body"]  # it reached the other tracker too
