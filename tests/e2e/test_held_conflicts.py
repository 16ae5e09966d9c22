"""`conflict_policy = "hold"`: a field changed on two sides stays held, night after night,
until a person makes the sides agree; no later sync settles it behind the team's back.

A scrum master renames a story in the roadmap while a developer renames it in Jira the same
day. The night's sync holds it (nothing written) and reports it. The next night nobody has
touched it yet: it must still be held, not given to the roadmap because the tracker's edit
was already "seen" the night before.
"""

from __future__ import annotations

import pytest

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import seed_and_sync, sync_plan

STORY = "ingestion.rotten-tomatoes"
TITLE = "Develop scraping script for Rotten Tomatoes"


def _titles(sandbox: Sandbox) -> tuple[str, str]:
    return str(sandbox.jira_fields(STORY)["summary"]), str(sandbox.github_issue(STORY)["title"])


def test_a_held_conflict_stays_held_every_night_until_the_sides_agree(
    own_roadmap: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = own_roadmap
    monkeypatch.setenv("TB_RECONCILE__CONFLICT_POLICY", "hold")
    seed_and_sync(sandbox, capsys)
    roadmap_title = "Scrape Rotten Tomatoes daily"
    sandbox.roadmap.write_text(sandbox.roadmap.read_text().replace(TITLE, roadmap_title))
    sandbox.jira_edit(STORY, summary="Rotten Tomatoes scraper (rate limited)")

    for night in range(3):  # held, and held again: no night settles it on its own
        plan = sync_plan(sandbox, capsys)
        assert [(c["item"], c["field"], c["resolution"]) for c in plan["conflicts"]] == [
            (STORY, "title", "hold")
        ], f"night {night}"
        assert _titles(sandbox) == ("Rotten Tomatoes scraper (rate limited)", TITLE)

    # The developer agrees with the roadmap: the sides agree, the hold ends, GitHub follows.
    sandbox.jira_edit(STORY, summary=roadmap_title)
    assert sync_plan(sandbox, capsys)["conflicts"] == []
    assert _titles(sandbox) == (roadmap_title, roadmap_title)
    assert sync_plan(sandbox, capsys)["actions"] == []
