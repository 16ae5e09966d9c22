"""Labels are a set: a label the roadmap adds and one a developer adds in Jira are both kept,
on every tracker, with no conflict and no loop, whether the edits come the same day or weeks
apart.

Before, the two label lists were one conflicting value: the roadmap's list won and the
developer's `needs-design` was taken off Jira (under `hold`, neither was written). And the
roadmap file never holds the developer's label, so any later edit of the file's labels put
its whole list back.
"""

from __future__ import annotations

import pytest

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import seed_and_sync, sync_plan

STORY = "ingestion.rotten-tomatoes"


def _labels(sandbox: Sandbox) -> tuple[set[str], set[str]]:
    return (set(sandbox.jira_fields(STORY)["labels"]),
            {label["name"] for label in sandbox.github_issue(STORY)["labels"]})


@pytest.mark.parametrize("weeks_apart", [False, True])
def test_a_label_from_the_roadmap_and_one_from_jira_are_both_kept(
    own_roadmap: Sandbox, capsys: pytest.CaptureFixture[str], weeks_apart: bool
) -> None:
    sandbox = own_roadmap
    seed_and_sync(sandbox, capsys)
    sandbox.jira_edit(STORY, labels=[*sandbox.jira_fields(STORY)["labels"], "needs-design"])
    if weeks_apart:  # the label reaches GitHub; the roadmap file never learns it
        sync_plan(sandbox, capsys)
        assert all("needs-design" in labels for labels in _labels(sandbox))
    text = sandbox.roadmap.read_text()
    anchor = f"- id: {STORY}\n"
    assert anchor in text
    sandbox.roadmap.write_text(text.replace(anchor, anchor + "            labels: [q3]\n"))

    assert sync_plan(sandbox, capsys)["conflicts"] == []
    jira, github = _labels(sandbox)
    assert {"q3", "needs-design"} <= jira and {"q3", "needs-design"} <= github
    assert sync_plan(sandbox, capsys)["actions"] == []  # settled: no loop
