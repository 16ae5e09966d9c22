"""A description a developer edits in Jira and the scrum master edits in the roadmap: the
lines each changed are all kept, whether the edits come the same day or weeks apart.

The roadmap file never learns a person's edit. Before, the scrum master's later edit of the
file put its whole text back over the trackers', undoing the developer's change without a
word; edits the same day were a conflict the roadmap won.
"""

from __future__ import annotations

import pytest

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import seed_and_sync, sync_plan

STORY = "ingestion.rotten-tomatoes"
FOLDED = """            description: >
              As an MLOps system, I need to scrape new movie releases daily so that
              content is up-to-date.
"""
STEPS = """            description: |
              Scrape the new releases once a day.
              Keep the raw pages for a week.
              Retry a failed page three times.
"""


def _edit_roadmap(sandbox: Sandbox, old: str, new: str) -> None:
    text = sandbox.roadmap.read_text()
    assert old in text
    sandbox.roadmap.write_text(text.replace(old, new))


@pytest.mark.parametrize("weeks_apart", [False, True])
def test_lines_a_developer_and_the_roadmap_changed_are_all_kept(
    own_roadmap: Sandbox, capsys: pytest.CaptureFixture[str], weeks_apart: bool
) -> None:
    sandbox = own_roadmap
    _edit_roadmap(sandbox, FOLDED, STEPS)  # a description of three lines
    seed_and_sync(sandbox, capsys)
    jira = sandbox.jira_fields(STORY)["description"]
    assert "Retry a failed page three times." in jira
    sandbox.jira_edit(STORY, description=jira.replace(
        "Retry a failed page three times.", "Retry a failed page five times, with backoff."))
    if weeks_apart:  # the edit reaches GitHub; the roadmap file never learns it
        sync_plan(sandbox, capsys)
    _edit_roadmap(sandbox, "Scrape the new releases once a day.",
                  "Scrape the new releases every six hours.")

    assert sync_plan(sandbox, capsys)["conflicts"] == []
    for text in (sandbox.jira_fields(STORY)["description"], sandbox.github_issue(STORY)["body"]):
        assert "Scrape the new releases every six hours." in text
        assert "Retry a failed page five times, with backoff." in text
        assert "Keep the raw pages for a week." in text
    assert sync_plan(sandbox, capsys)["actions"] == []  # settled: no loop
