"""`conflict_policy = "hold"`: a field changed on two sides stays held, night after night,
until a person makes the sides agree; no later sync settles it behind the team's back.

A scrum master renames a story in the roadmap while a developer renames it in Jira the same
day. The night's sync holds it (nothing written) and reports it. The next night nobody has
touched it yet: it must still be held, not given to the roadmap because the tracker's edit
was already "seen" the night before.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

STORY = "ingestion.rotten-tomatoes"
TITLE = "Develop scraping script for Rotten Tomatoes"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "roadmap.yaml"  # a copy the scrum master edits
    shutil.copy(EXAMPLE, roadmap)
    with Sandbox(tmp_path / "sandbox", roadmap) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("TB_RECONCILE__CONFLICT_POLICY", "hold")
        yield running


def _sync(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    code = main(["sync", "-c", str(sandbox.config_path), "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    plan: dict[str, object] = json.loads(out)["plan"]
    return plan


def _titles(sandbox: Sandbox) -> tuple[str, str]:
    jira = sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["summary"]
    number = sandbox.github_number(STORY)
    github = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    return str(jira), str(github["title"])


def test_a_held_conflict_stays_held_every_night_until_the_sides_agree(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["seed", str(sandbox.roadmap), "-c", str(sandbox.config_path), "--yes"]) == 0
    _sync(sandbox, capsys)
    roadmap_title = "Scrape Rotten Tomatoes daily"
    sandbox.roadmap.write_text(sandbox.roadmap.read_text().replace(TITLE, roadmap_title))
    sandbox.jira_edit(STORY, summary="Rotten Tomatoes scraper (rate limited)")

    for night in range(3):  # held, and held again: no night settles it on its own
        plan = _sync(sandbox, capsys)
        conflicts = plan["conflicts"]
        assert isinstance(conflicts, list)
        assert [(c["item"], c["field"], c["resolution"]) for c in conflicts] == [
            (STORY, "title", "hold")
        ], f"night {night}"
        assert _titles(sandbox) == ("Rotten Tomatoes scraper (rate limited)", TITLE)

    # The developer agrees with the roadmap: the sides agree, the hold ends, GitHub follows.
    sandbox.jira_edit(STORY, summary=roadmap_title)
    plan = _sync(sandbox, capsys)
    assert plan["conflicts"] == []
    assert _titles(sandbox) == (roadmap_title, roadmap_title)
    assert _sync(sandbox, capsys)["actions"] == []
