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


SCRAPER = "ingestion.rotten-tomatoes"  # a story with a description in the roadmap
CI = "infra.ci-pipeline"  # a task whose roadmap has no description


def _lose_the_store_and_relink(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> str:
    (sandbox.directory / "state.sqlite").unlink()
    config = str(sandbox.config_path)
    return "".join(
        _cli(capsys, "relink", "--target", tracker, "-c", config)
        for tracker in (sandbox.jira_tracker, sandbox.github_tracker)
    )


def _jira_description(sandbox: Sandbox, item_id: str) -> str:
    return str(sandbox.jira.issue_json(sandbox.jira_key(item_id))["fields"]["description"])


def test_a_description_a_person_rewrote_before_the_store_was_lost_is_a_conflict_not_overwritten(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The team syncs nightly; in the afternoon a developer rewrites a story's description in
    # Jira; that night the runner's disk, and the store on it, is gone. Nothing recorded
    # which side changed the text, so it must not be silently put back to the roadmap's.
    config = str(sandbox.config_path)
    _cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
    _cli(capsys, "sync", "-c", config, "--yes")
    rewritten = "Scrape daily at 06:00 UTC; Rotten Tomatoes blocks more than 1 request/s."
    sandbox.jira_edit(SCRAPER, description=rewritten)

    out = _lose_the_store_and_relink(sandbox, capsys)
    assert "1 item(s) hold values other than the roadmap's" in " ".join(out.split())
    assert f"{SCRAPER} (description)" in out

    plan = json.loads(_cli(capsys, "plan", str(EXAMPLE), "-c", config, "--json"))["plan"]
    (conflict,) = plan["conflicts"]
    assert (conflict["item"], conflict["field"]) == (SCRAPER, "description")
    assert conflict["values"][sandbox.jira_tracker] == rewritten
    assert conflict["values"]["roadmap"].startswith("As an MLOps system")

    # A team on `conflict_policy = "hold"` keeps both texts until a person settles it.
    monkeypatch.setenv("TB_RECONCILE__CONFLICT_POLICY", "hold")
    held = json.loads(_cli(capsys, "sync", "-c", config, "--yes", "--json"))
    assert held["plan"]["conflicts"][0]["resolution"] == "hold"
    assert _jira_description(sandbox, SCRAPER) == rewritten
    again = json.loads(_cli(capsys, "plan", str(EXAMPLE), "-c", config, "--json"))["plan"]
    assert [c["item"] for c in again["conflicts"]] == [SCRAPER]  # until settled

    # Under the default policy the roadmap owns descriptions: its text wins, and the
    # developer's is in the report, not lost without a word.
    monkeypatch.delenv("TB_RECONCILE__CONFLICT_POLICY")
    settled = json.loads(_cli(capsys, "sync", "-c", config, "--yes", "--json"))
    (reported,) = settled["plan"]["conflicts"]
    assert reported["winner"] == "roadmap" and reported["values"][sandbox.jira_tracker] == rewritten
    assert _jira_description(sandbox, SCRAPER).startswith("As an MLOps system")
    final = json.loads(_cli(capsys, "plan", str(EXAMPLE), "-c", config, "--json"))["plan"]
    assert final["conflicts"] == [] and final["actions"] == []


def test_after_relink_a_description_a_person_added_where_the_roadmap_has_none_is_kept(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(sandbox.config_path)
    _cli(capsys, "seed", str(EXAMPLE), "-c", config, "--yes")
    _cli(capsys, "sync", "-c", config, "--yes")
    notes = "Runs on the self-hosted runner; cache the wheels."
    sandbox.jira_edit(CI, description=notes)

    out = _lose_the_store_and_relink(sandbox, capsys)
    assert "hold values other than the roadmap's" not in out  # nothing to settle

    report = json.loads(_cli(capsys, "sync", "-c", config, "--yes", "--json"))
    assert report["plan"]["conflicts"] == []
    assert notes in _jira_description(sandbox, CI)
    number = sandbox.github_number(CI)
    body = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    assert notes in body["body"]  # it reached the other tracker, as any tracker edit does
