"""Mirroring with GitHub in Projects v2 mode: stage is the board's Status field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.model import Stage
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle


@pytest.fixture
def projects_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n")
    with Sandbox(tmp_path / "sandbox", EXAMPLE, github_mapping=mapping) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def status_of(sandbox: Sandbox, item_id: str) -> str | None:
    issue = f"{sandbox.github_repo}#{sandbox.github_number(item_id)}"
    for node in sandbox.github.project(1)["items"]:
        if node["issue"] == issue:
            status: str | None = node["values"].get("Status")
            return status
    return None


def test_board_moves_mirror_both_ways_in_projects_mode(projects_sandbox: Sandbox) -> None:
    sandbox = projects_sandbox
    cycle = Cycle(sandbox, EXAMPLE)
    seeded = cycle.run()
    assert seeded.ok, seeded.summary()["failures"]
    assert cycle.run().plan.counts().get("create", 0) == 0
    assert status_of(sandbox, "ingestion.rotten-tomatoes") == "In Progress"

    sandbox.jira_move("ingestion.rotten-tomatoes", Stage.IN_REVIEW)
    sandbox.github_move("infra.terraform-prod", Stage.IN_STAGING)
    mirrored = cycle.run()
    assert mirrored.ok
    assert {(a.tracker, a.item_id) for a in mirrored.plan.actions} == {
        (sandbox.github_tracker, "ingestion.rotten-tomatoes"),
        (sandbox.jira_tracker, "infra.terraform-prod"),
    }
    assert status_of(sandbox, "ingestion.rotten-tomatoes") == "In Review"
    jira_issue = next(
        i
        for i in sandbox.jira.issues(sandbox.jira_project)
        if i["key"] == sandbox.jira_key("infra.terraform-prod")
    )
    assert jira_issue["fields"]["status"]["name"] == "In Staging"
    assert cycle.run().plan.empty
