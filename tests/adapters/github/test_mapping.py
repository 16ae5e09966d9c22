"""The mapping file: defaults, modes, and people-facing errors with file:line:col."""

from __future__ import annotations

import pytest

from tracker_bridge.adapters.github import factory
from tracker_bridge.adapters.github.mapping import load_mapping, parse_mapping
from tracker_bridge.errors import UserError
from tracker_bridge.model import Stage


def test_shipped_mapping_loads_and_owns_fields() -> None:
    mapping = load_mapping(factory.default_mapping())
    assert mapping.mode == "labels" and mapping.sprint_mode == "milestone"
    owners = mapping.field_owners()
    assert owners["title"] == owners["sprint"] == owners["points"] == "roadmap"
    assert owners["stage"] == owners["assignee"] == owners["blocked"] == "tracker"


def test_projects_mode_defaults_to_iterations() -> None:
    mapping = parse_mapping("mode: projects\nproject: {number: 1}\n", "m.yaml")
    assert mapping.sprint_mode == "iteration"
    assert mapping.project.status_options[Stage.IN_REVIEW] == "In Review"


def test_unknown_entry_points_at_its_line() -> None:
    with pytest.raises(UserError) as caught:
        parse_mapping("version: 1\nlabels:\n  blockd: x\n", "m.yaml")
    assert caught.value.lines() == ["m.yaml:3:3: labels.blockd: Extra inputs are not permitted"]


def test_missing_stage_label_is_named() -> None:
    text = "labels:\n  stages:\n    backlog: b\n"
    with pytest.raises(UserError) as caught:
        parse_mapping(text, "m.yaml")
    assert "labels.stages misses sprint_backlog" in caught.value.lines()[0]


def test_bad_yaml_is_one_line() -> None:
    with pytest.raises(UserError) as caught:
        parse_mapping("labels: [unclosed\n", "m.yaml")
    assert caught.value.lines()[0].startswith("m.yaml:2:")


def test_iterations_need_projects_mode() -> None:
    with pytest.raises(UserError) as caught:
        parse_mapping("sprints_as: iteration\n", "m.yaml")
    assert "needs mode: projects" in caught.value.lines()[0]
