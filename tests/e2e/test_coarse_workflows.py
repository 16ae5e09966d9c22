"""Existing Jira workflows as they are: every preset, the whole cycle, stages kept lossless.

On each preset the example roadmap is seeded with a mapping written the way `mapping init`
writes it (several stages on one status, a refinement label keeping the finer one). The team
then moves cards through all eight stages on both trackers, some on Jira by status alone.
After each night every stage is exactly where a person put it, on both trackers and in
`status`; no issue is left part way, and nothing fails or is planned again.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tracker_bridge.adapters.github.mapping import load_mapping as load_github_mapping
from tracker_bridge.adapters.jira.mapping import JiraMapping, load_mapping
from tracker_bridge.adapters.jira.mapping_init import ProjectFacts, StatusInfo, render_mapping
from tracker_bridge.adapters.jira.refinement import read_stage
from tracker_bridge.cli import main
from tracker_bridge.model import Stage
from tracker_bridge.testing.fake_jira.workflows import PRESETS
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle

pytestmark = pytest.mark.slow

STAGES = list(Stage)
STRICT_FIELDS = {"assignee": "{keep: current, default: maria}", "worklog": "{log_work: 1m}"}


def coarse_mapping(preset: str, path: Path) -> Path:
    statuses = [StatusInfo(s["name"], s["category"]) for s in PRESETS[preset]["statuses"]]
    extra = STRICT_FIELDS if preset == "datacenter-strict" else {}
    types = ["Epic", "Story", "Task", "Bug"]
    facts = ProjectFacts("TREND", types, statuses, None, "auto", None, extra)
    path.write_text(render_mapping(facts))
    return path


def jira_stage(sandbox: Sandbox, mapping: JiraMapping, item_id: str) -> Stage | None:
    issue = sandbox.jira.issue_json(sandbox.jira_key(item_id))
    fields = issue["fields"]
    histories = sandbox.jira.issue_json(sandbox.jira_key(item_id)).get("changelog", {})
    return read_stage(
        mapping, fields["status"]["name"], fields["labels"], histories.get("histories")
    )


def github_stage(sandbox: Sandbox, item_id: str) -> Stage | None:
    mapping = load_github_mapping(None)
    number = sandbox.github_number(item_id)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    names = {label["name"] for label in issue["labels"]}
    found = [stage for stage, label in mapping.labels.stages.items() if label in names]
    if issue["state"] == "closed":
        return Stage.DONE
    return found[0] if len(found) == 1 else None


def board(sandbox: Sandbox) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "-c", str(sandbox.config_path), "--json"]) == 0
    payload: dict[str, Any] = json.loads(out.getvalue())
    return {card["id"]: card["stage"] for column in payload["columns"] for card in column["items"]}


@pytest.mark.parametrize(
    "preset", ["team-managed", "scrum", "kanban", "datacenter", "datacenter-strict"]
)
def test_moves_on_both_trackers_keep_every_stage_where_a_person_put_it(
    preset: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flavour = "datacenter" if preset.startswith("datacenter") else "cloud"
    mapping_path = coarse_mapping(preset, tmp_path / "jira.yaml")
    mapping = load_mapping(mapping_path)
    assert mapping.coarse
    with Sandbox(
        tmp_path / "sandbox",
        EXAMPLE,
        jira_flavour=flavour,
        jira_workflow=preset,
        jira_mapping=mapping_path,
    ) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        cycle = Cycle(sandbox, EXAMPLE)
        seeded = cycle.run()
        assert seeded.ok, seeded.summary()["failures"]
        assert cycle.run().plan.empty
        expected = board(sandbox)
        cards = sorted(expected)
        on_jira, on_github = cards[:8], cards[8:16]
        for night in range(2):
            for index, item in enumerate(on_jira):
                stage = STAGES[(index + 3 * night) % 8]
                # Some people move only the status and leave the label alone: the card
                # then means what its new status means on its own (no move within one).
                refine = night != 1 or index % 2 == 0
                before = mapping.target_status(Stage(expected[item]))
                sandbox.jira_move(item, stage, refine=refine)
                if refine:
                    expected[item] = stage
                elif mapping.target_status(stage) != before:
                    expected[item] = mapping.stages_on(mapping.target_status(stage))[0]
            for index, item in enumerate(on_github):
                stage = STAGES[(index + 5 * night) % 8]
                sandbox.github_move(item, stage)
                expected[item] = stage
            report = cycle.run()
            assert report.ok, (preset, night, report.summary()["failures"])
            assert not report.plan.conflicts, report.plan.to_json()
            assert board(sandbox) == expected, (preset, night)
            for item, stage in expected.items():
                assert jira_stage(sandbox, mapping, item) == stage, (preset, night, item)
                assert github_stage(sandbox, item) == stage, (preset, night, item)
                status = sandbox.jira.issue_json(sandbox.jira_key(item))["fields"]["status"]
                assert status["name"] in mapping.stages[Stage(stage)], (item, "stranded")
            # The second night only mirrors what Jira's screens set on our moves (an
            # assignee given by transition_fields); no stage moves again.
            settle = cycle.run()
            assert settle.ok, settle.summary()["failures"]
            assert {a.op for a in settle.plan.actions} <= {"update"}, settle.plan.to_json()
            assert board(sandbox) == expected
            quiet = cycle.run()
            assert quiet.ok and quiet.plan.empty, quiet.plan.to_json()
