"""A GitHub board as teams have it: a Projects v2 Status field with fewer options than stages
(GitHub's default Todo / In Progress / Done, or its Kanban template), beside a Jira target.

The example roadmap is seeded with the mapping `mapping init` writes for the board (several
stages on one option, stage labels keeping the finer one). The team moves cards through all
eight stages on both trackers, some on GitHub by the card alone. After each night every
stage is exactly where a person put it, on both trackers and in `status`, and the nights
after plan nothing and fail nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.mapping import load_mapping as load_github_mapping
from tracker_bridge.adapters.github.mapping_init import BoardFacts, RepoFacts, render_mapping
from tracker_bridge.adapters.github.refinement import read_stage, refinement_times
from tracker_bridge.adapters.jira.mapping import load_mapping as load_jira_mapping
from tracker_bridge.cli import main
from tracker_bridge.model import Stage
from tracker_bridge.testing.fake_github.projects import STATUS_PRESETS
from tracker_bridge.testing.fake_github.state import iso
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle

pytestmark = pytest.mark.slow

STAGES = list(Stage)


def board_mapping(preset: str, path: Path) -> Path:
    board = BoardFacts("acme", "organization", 1, "acme delivery", "Status",
                       STATUS_PRESETS[preset], ("Sprint",), ("Points",))
    text = render_mapping(RepoFacts("acme/trending-now", [], [], board))
    # The example's sprints are not the fake board's iterations: milestones carry them.
    path.write_text(text.replace("sprints_as: iteration", "sprints_as: milestone"))
    return path


def github_stage(sandbox: Sandbox, mapping: GitHubMapping, item_id: str) -> Stage | None:
    """The stage the card shows: its option, its labels and when each last changed."""
    gh = sandbox.github
    repo = gh.state.repo(sandbox.github_repo)
    assert repo is not None
    issue = repo.issues[sandbox.github_number(item_id)]
    project = gh.projects[0]
    status = project.field_named("Status")
    item = project.item_for(issue.node_id)
    assert status is not None and item is not None
    option = status.option(str(item.values[status.id]))
    assert option is not None
    events = [
        {"__typename": "LabeledEvent" if e["event"] == "labeled" else "UnlabeledEvent",
         "createdAt": iso(e["at"]), "label": {"name": e["label"]}}
        for e in issue.events if e["event"] in ("labeled", "unlabeled")
    ]
    when = item.value_times.get(status.id)
    return read_stage(mapping, option.name, issue.labels, iso(when) if when else None,
                      refinement_times(mapping, events))


def board(sandbox: Sandbox) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "-c", str(sandbox.config_path), "--json"]) == 0
    payload: dict[str, Any] = json.loads(out.getvalue())
    return {card["id"]: card["stage"] for column in payload["columns"] for card in column["items"]}


# GitHub's default board, the coarsest (its Todo and In Progress each carry several
# stages); the Kanban template and custom fields run in tests/adapters/github/test_coarse.py.
@pytest.mark.parametrize("preset", ["default"])
def test_moves_on_a_coarse_board_keep_every_stage_where_a_person_put_it(
    preset: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping_path = board_mapping(preset, tmp_path / "github.yaml")
    mapping = load_github_mapping(mapping_path)
    assert mapping.coarse
    options = mapping.project.status_options
    with Sandbox(
        tmp_path / "sandbox", EXAMPLE, github_mapping=mapping_path, github_project_status=preset
    ) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        jira_mapping = load_jira_mapping(None)
        cycle = Cycle(sandbox, EXAMPLE)
        seeded = cycle.run()
        assert seeded.ok, seeded.summary()["failures"]
        assert cycle.run().plan.empty
        expected = board(sandbox)
        cards = sorted(expected)
        on_github, on_jira = cards[:8], cards[8:16]
        for night in range(2):
            sandbox.github.clock.advance(60)  # people act later than the last night's writes
            for index, item in enumerate(on_github):
                stage = STAGES[(index + 3 * night) % 8]
                # Some people move only the card and leave the labels alone: it then means
                # what its new option means on its own (no move within one option).
                refine = night != 1 or index % 2 == 0
                before = options[Stage(expected[item])]
                sandbox.github_move(item, stage, refine=refine)
                if refine:
                    expected[item] = stage
                elif options[stage] != before:
                    expected[item] = mapping.stages_on(options[stage])[0]
            if night == 1:  # a card labelled, dragged away and back, labels untouched
                item = on_github[1]
                sandbox.github_move(item, Stage.READY_FOR_PROD)
                sandbox.github.clock.advance(5)
                sandbox.github_move(item, Stage.BACKLOG, refine=False)
                sandbox.github.clock.advance(5)
                sandbox.github_move(item, Stage.READY_FOR_PROD, refine=False)
                expected[item] = mapping.stages_on(options[Stage.READY_FOR_PROD])[0]
            for index, item in enumerate(on_jira):
                stage = STAGES[(index + 5 * night) % 8]
                sandbox.jira_move(item, stage)
                expected[item] = stage
            report = cycle.run()
            assert report.ok, (preset, night, report.summary()["failures"])
            assert not report.plan.conflicts, report.plan.to_json()
            assert board(sandbox) == expected, (preset, night)
            for item, stage in expected.items():
                assert github_stage(sandbox, mapping, item) == stage, (preset, night, item)
                key = sandbox.jira_key(item)
                status = sandbox.jira.issue_json(key)["fields"]["status"]["name"]
                assert status in jira_mapping.stages[Stage(stage)], (preset, night, item)
            settle = cycle.run()
            assert settle.ok, settle.summary()["failures"]
            assert settle.plan.empty, settle.plan.to_json()
            assert board(sandbox) == expected
            quiet = cycle.run()
            assert quiet.ok and quiet.plan.empty, quiet.plan.to_json()
