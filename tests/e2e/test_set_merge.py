"""Labels are a set: a label the roadmap adds and one a developer adds in Jira the same day
are both kept, on every tracker, with no conflict and no loop.

Before, the two label lists were one conflicting value: the roadmap's list won and the
developer's `needs-design` was taken off Jira (under `hold`, neither was written).
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


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "roadmap.yaml"  # a copy the scrum master edits
    shutil.copy(EXAMPLE, roadmap)
    with Sandbox(tmp_path / "sandbox", roadmap) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def _sync(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    code = main(["sync", "-c", str(sandbox.config_path), "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    plan: dict[str, object] = json.loads(out)["plan"]
    return plan


def _labels(sandbox: Sandbox) -> tuple[set[str], set[str]]:
    jira = set(sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["labels"])
    number = sandbox.github_number(STORY)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    return jira, {label["name"] for label in issue["labels"]}


def test_a_label_from_the_roadmap_and_one_from_jira_the_same_day_are_both_kept(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["seed", str(sandbox.roadmap), "-c", str(sandbox.config_path), "--yes"]) == 0
    _sync(sandbox, capsys)
    text = sandbox.roadmap.read_text()
    anchor = f"- id: {STORY}\n"
    assert anchor in text
    sandbox.roadmap.write_text(text.replace(anchor, anchor + "            labels: [q3]\n"))
    jira_labels = sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["labels"]
    sandbox.jira_edit(STORY, labels=[*jira_labels, "needs-design"])

    plan = _sync(sandbox, capsys)
    assert plan["conflicts"] == []
    jira, github = _labels(sandbox)
    assert {"q3", "needs-design"} <= jira and {"q3", "needs-design"} <= github
    assert _sync(sandbox, capsys)["actions"] == []  # settled: no loop


def test_a_roadmap_label_added_a_week_later_keeps_the_label_a_developer_added(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    # The most common way to lose it: the developer's label reached both trackers, never the
    # roadmap file; the scrum master's next label edit must not put the file's list back.
    capsys.readouterr()
    assert main(["seed", str(sandbox.roadmap), "-c", str(sandbox.config_path), "--yes"]) == 0
    _sync(sandbox, capsys)
    jira_labels = sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["labels"]
    sandbox.jira_edit(STORY, labels=[*jira_labels, "needs-design"])
    _sync(sandbox, capsys)
    assert all("needs-design" in labels for labels in _labels(sandbox))

    text = sandbox.roadmap.read_text()
    anchor = f"- id: {STORY}\n"
    sandbox.roadmap.write_text(text.replace(anchor, anchor + "            labels: [q3]\n"))
    plan = _sync(sandbox, capsys)
    assert plan["conflicts"] == []
    jira, github = _labels(sandbox)
    assert {"q3", "needs-design"} <= jira and {"q3", "needs-design"} <= github
    assert _sync(sandbox, capsys)["actions"] == []
