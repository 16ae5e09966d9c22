"""Acceptance criteria and the board's definition of done reach both trackers as a checklist
in the tool's own block; a person's ticks on GitHub come back and show in the reports
(issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clirun import running_sandbox
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli

TERRAFORM = "infra.terraform-staging"  # two acceptance criteria, in_staging
CRITERIA = (
    "terraform apply creates the staging service from scratch",
    "The FastAPI health endpoint answers on the staging URL",
)
DONE = ("Reviewed by a second engineer", "Runbook updated")


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "roadmap.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    board = "board:\n  definition_of_done:\n" + "".join(f"    - {d}\n" for d in DONE)
    roadmap.write_text(text.replace("board:\n", board, 1), encoding="utf-8")
    with running_sandbox(monkeypatch, tmp_path / "sandbox", roadmap) as running:
        yield running


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    result = cli("seed", "--yes", "-c", cli.config)  # the configured (changed) roadmap
    assert result.code == 0, result.err
    return cli


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args, "-c", cli.config)
    assert result.code == 0, result.err
    return result.out


def _github(cli: Cli, item_id: str) -> dict[str, Any]:
    sandbox = cli.sandbox
    number = sandbox.github_number(item_id)
    return next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)


def _jira_description(cli: Cli, item_id: str) -> str:
    sandbox = cli.sandbox
    key = sandbox.jira_key(item_id)
    issue = next(i for i in sandbox.jira.issues(sandbox.jira_project) if i["key"] == key)
    return str(issue["fields"]["description"])


def _checklist(ticked: set[str] = set()) -> str:  # noqa: B006 - read only
    lines = ["Acceptance criteria:"]
    lines += [f"- [{'x' if c in ticked else ' '}] {c}" for c in CRITERIA]
    lines += ["Definition of done:"]
    lines += [f"- [{'x' if d in ticked else ' '}] {d}" for d in DONE]
    return "\n".join(lines)


def test_the_checklist_reaches_both_trackers_and_ticks_come_back(seeded: Cli) -> None:
    cli = seeded
    body = _github(cli, TERRAFORM)["body"]
    assert _checklist() + "\n<!-- tracker-bridge:id=" in body
    description = _jira_description(cli, TERRAFORM)
    assert description == "{panel:title=Acceptance (tracker-bridge)}\n" + _checklist() + "\n{panel}"
    assert json.loads(_ok(cli, "plan", "--json"))["plan"]["actions"] == []

    # The reviewer ticks a criterion and a definition-of-done entry on GitHub.
    ticks = {CRITERIA[0], DONE[0]}
    cli.sandbox.github_edit(TERRAFORM, body=body.replace(_checklist(), _checklist(ticks)))
    _ok(cli, "sync", "--yes")
    assert _checklist(ticks) in _jira_description(cli, TERRAFORM)  # mirrored to Jira
    assert _checklist(ticks) in _github(cli, TERRAFORM)["body"]  # kept, not reverted
    assert json.loads(_ok(cli, "plan", "--json"))["plan"]["actions"] == []

    status = json.loads(_ok(cli, "status", "--json"))
    line = next(
        item for column in status["columns"] for item in column["items"]
        if item["id"] == TERRAFORM
    )
    assert line["criteria_met"] == "2/4"
    assert {c["text"]: c["met"] for c in line["acceptance"]} == {
        CRITERIA[0]: True, CRITERIA[1]: False, DONE[0]: True, DONE[1]: False,
    }


def test_a_persons_own_checklist_in_the_description_stays_theirs(seeded: Cli) -> None:
    cli = seeded
    body = _github(cli, TERRAFORM)["body"]
    mine = "My notes:\n- [x] asked ops for the account\n- [ ] book the demo"
    cli.sandbox.github_edit(TERRAFORM, body=mine + "\n\n" + body)
    _ok(cli, "sync", "--yes")
    description = _jira_description(cli, TERRAFORM)
    assert description.startswith(mine + "\n\n{panel:title=Acceptance (tracker-bridge)}")
    assert json.loads(_ok(cli, "plan", "--json"))["plan"]["actions"] == []
