"""A description a developer edits in Jira and the scrum master edits in the roadmap: the
lines each changed are all kept, whether the edits come the same day or weeks apart.

The roadmap file never learns a person's edit. Before, the scrum master's later edit of the
file put its whole text back over the trackers', undoing the developer's change without a
word; edits the same day were a conflict the roadmap won.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

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


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(EXAMPLE.read_text().replace(FOLDED, STEPS))
    assert STEPS in roadmap.read_text()
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


def _descriptions(sandbox: Sandbox) -> tuple[str, str]:
    jira = sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["description"]
    number = sandbox.github_number(STORY)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    return str(jira), str(issue["body"])


def _edit_roadmap(sandbox: Sandbox, old: str, new: str) -> None:
    text = sandbox.roadmap.read_text()
    assert old in text
    sandbox.roadmap.write_text(text.replace(old, new))


@pytest.mark.parametrize("weeks_apart", [False, True])
def test_lines_a_developer_and_the_roadmap_changed_are_all_kept(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], weeks_apart: bool
) -> None:
    capsys.readouterr()
    assert main(["seed", str(sandbox.roadmap), "-c", str(sandbox.config_path), "--yes"]) == 0
    _sync(sandbox, capsys)
    jira = sandbox.jira.issue_json(sandbox.jira_key(STORY))["fields"]["description"]
    assert "Retry a failed page three times." in jira
    sandbox.jira_edit(STORY, description=jira.replace(
        "Retry a failed page three times.", "Retry a failed page five times, with backoff."))
    if weeks_apart:  # the edit reaches GitHub; the roadmap file never learns it
        _sync(sandbox, capsys)
    _edit_roadmap(sandbox, "Scrape the new releases once a day.",
                  "Scrape the new releases every six hours.")

    plan = _sync(sandbox, capsys)
    assert plan["conflicts"] == []
    for text in _descriptions(sandbox):
        assert "Scrape the new releases every six hours." in text
        assert "Retry a failed page five times, with backoff." in text
        assert "Keep the raw pages for a week." in text
    assert _sync(sandbox, capsys)["actions"] == []  # settled: no loop
