"""plan, seed and apply from the command line: dry runs write nothing, checksums, the guard."""

from __future__ import annotations

import json
from pathlib import Path

from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli, writes

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)


def _no_refs(cli: Cli) -> bool:
    store = cli.store()
    try:
        return not any(
            store.get_refs(cli.sandbox.project, tracker)
            for tracker in (cli.sandbox.jira_tracker, cli.sandbox.github_tracker)
        )
    finally:
        store.close()


def test_plan_prints_the_plan_and_its_checksum_and_writes_nothing(cli: Cli) -> None:
    result = cli.roadmap("plan")
    assert result.code == 0, result.err
    checksum = json.loads(cli.roadmap("plan", "--json").out)["plan"]["checksum"]
    assert f"Plan {checksum}" in result.out
    assert "infra.repo-setup" in result.out
    assert writes(cli.sandbox) == 0
    assert cli.sandbox.counts() == {cli.sandbox.jira_tracker: 0, cli.sandbox.github_tracker: 0}
    assert _no_refs(cli)


def test_plan_json_has_the_checksum_the_actions_and_a_summary(cli: Cli) -> None:
    result = cli.roadmap("plan", "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert set(payload) == {"plan", "summary"}
    assert payload["plan"]["checksum"] == payload["summary"]["checksum"]
    creates = [a for a in payload["plan"]["actions"] if a["op"] == "create"]
    assert len(creates) == 2 * ITEMS
    assert payload["summary"]["applied"] is False
    assert writes(cli.sandbox) == 0


def test_seed_without_yes_is_a_dry_run(cli: Cli) -> None:
    result = cli.roadmap("seed")
    assert result.code == 0, result.err
    assert "Dry run" in result.out
    assert writes(cli.sandbox) == 0
    assert _no_refs(cli)


def test_seed_yes_creates_everything_once(cli: Cli) -> None:
    first = cli.roadmap("seed", "--yes")
    assert first.code == 0, first.err
    assert first.out.startswith(cli.sandbox.github_tracker)  # the plan; no bar in a pipe
    assert "Sync summary" in first.out
    sandbox = cli.sandbox
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
    again = cli.roadmap("seed", "--yes", "--json")
    assert again.code == 0, again.err
    summary = json.loads(again.out)["summary"]
    assert summary["created"] == 0
    assert "create" not in summary["planned"]
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_apply_with_a_wrong_checksum_refuses_and_writes_nothing(cli: Cli) -> None:
    result = cli.roadmap("apply", "--checksum", "0000000000000000")
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1, result.err
    assert "0000000000000000" in result.err and "plan" in result.err
    assert writes(cli.sandbox) == 0
    assert cli.sandbox.counts() == {cli.sandbox.jira_tracker: 0, cli.sandbox.github_tracker: 0}


def test_apply_with_the_planned_checksum_applies(cli: Cli) -> None:
    checksum = json.loads(cli.roadmap("plan", "--json").out)["plan"]["checksum"]
    result = cli.roadmap("apply", "--checksum", checksum)
    assert result.code == 0, result.err
    sandbox = cli.sandbox
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def _retitled(tmp_path: Path, share: float) -> tuple[Path, int]:
    """A copy of the roadmap with `share` of its items retitled."""
    text = EXAMPLE.read_text()
    items = load_roadmap(EXAMPLE).roadmap.items
    edited = 0
    for item in items[: int(len(items) * share) + 1]:
        old = f"title: {item.title}"
        if text.count(old) == 1:
            text = text.replace(old, f"title: {item.title} (revised)")
            edited += 1
    path = tmp_path / "edited.yaml"
    path.write_text(text)
    return path, edited


def test_apply_refuses_a_plan_that_changes_too_much_unless_forced(
    seeded: Cli, tmp_path: Path
) -> None:
    sandbox: Sandbox = seeded.sandbox
    edited, count = _retitled(tmp_path, 0.5)
    assert count > ITEMS // 4
    before = writes(sandbox)
    # An edited copy is not the configured roadmap: --project says to sync it anyway.
    project = ("--project", sandbox.project)
    refused = seeded.roadmap("apply", *project, roadmap=edited)
    assert refused.code == 2
    assert len(refused.err.splitlines()) == 1, refused.err
    assert "--force" in refused.err
    assert writes(sandbox) == before
    forced = seeded.roadmap("apply", *project, "--force", "--json", roadmap=edited)
    assert forced.code == 0, forced.err
    retitles = [
        a
        for a in json.loads(forced.out)["plan"]["actions"]
        if a["op"] == "update" and "title" in a["changes"]
    ]
    assert len(retitles) == 2 * count
    titles = {i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert sum(t.endswith("(revised)") for t in titles) == count
