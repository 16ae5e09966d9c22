"""`import` from a repository whose sprints are a Projects v2 board's iterations (completed,
current and future), with stages and points on the board."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.born.conftest import Runner
from tests.clirun import running_sandbox
from tracker_bridge.model import SprintState, Stage
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import ROADMAP


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "team.yaml"
    roadmap.write_text(ROADMAP)
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: iteration\n")
    sandbox_dir = tmp_path / "sandbox"
    with running_sandbox(monkeypatch, sandbox_dir, roadmap, github_mapping=mapping) as running:
        yield running


def test_iterations_import_as_sprints_and_bind_on_the_board(run: Runner) -> None:
    sandbox = run.sandbox
    gh, repo = sandbox.github, sandbox.github_repo
    finished = gh.human_create_issue(repo, "Label schema", labels=["type:story"])
    gh.human_set_project_field(repo, finished["number"], "Sprint", "Sprint 1")
    gh.human_set_project_status(repo, finished["number"], "Done")
    current = gh.human_create_issue(repo, "Shadow deployment", labels=["type:story"])
    gh.human_set_project_field(repo, current["number"], "Sprint", "Sprint 2")
    gh.human_set_project_field(repo, current["number"], "Points", 5)
    gh.human_set_project_status(repo, current["number"], "In Progress")
    gh.human_create_issue(repo, "Cost report", labels=["type:task"])
    imported = sandbox.directory / "imported.yaml"

    code, _out, err = run("import", "-t", sandbox.github_tracker, "-o", str(imported))
    assert code == 0, err
    assert "3 issue(s) and 6 sprint(s)" in err, err
    code, out, err = run("validate", str(imported))
    assert code == 0, out + err
    roadmap = load_roadmap(imported).roadmap
    monday = date.today() - timedelta(days=date.today().weekday())
    assert roadmap.cadence.first_sprint_start == monday - timedelta(days=14)
    assert roadmap.cadence.sprint_length_days == 14
    assert [s.state for s in roadmap.sprints] == [
        SprintState.CLOSED, SprintState.ACTIVE, *[SprintState.FUTURE] * 4
    ]  # fmt: skip
    assert roadmap.sprints[0].adopt[0].startswith(f"github:{repo}/iteration/")
    items = {item.title: item for item in roadmap.items}
    assert (items["Label schema"].sprint, items["Label schema"].stage) == ("s1", Stage.DONE)
    shadow = items["Shadow deployment"]
    assert (shadow.sprint, shadow.stage, shadow.points) == ("s2", Stage.IN_PROGRESS, 5)
    assert items["Cost report"].sprint is None

    plan = run.json("plan", str(imported), "--project", "trending-now")
    on_github = [a for a in plan["plan"]["actions"] if a["tracker"] == sandbox.github_tracker]
    assert {a["op"] for a in on_github} <= {"mark", "ensure_sprint"}
    code, _out, err = run("seed", str(imported), "--yes", "--project", "trending-now")
    assert code == 0, err
    assert sandbox.counts() == {sandbox.jira_tracker: 3, sandbox.github_tracker: 3}
    again = run.json("seed", str(imported), "--yes", "--project", "trending-now")
    assert again["plan"]["actions"] == []
