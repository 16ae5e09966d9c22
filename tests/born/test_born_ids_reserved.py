"""Roadmap ids shaped like tracker-born ids are refused at their line (issue 9).

A tracker-born item's id is derived from its issue key (`TREND-37` -> `jira-trend-37`), so a
roadmap item that took that id by hand would be the same item as the team's own issue.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.model import born_id, looks_born
from tracker_bridge.roadmap.loader import RoadmapLoadError, load_roadmap_text

HEAD = """\
project: p
cadence: {first_sprint_start: 2026-01-05}
phases:
  - name: One
    sprints: 1
    epics:
      - id: ml
        title: ML
        items:
"""


def _problems(items: str, tmp_path: Path) -> list[str]:
    try:
        load_roadmap_text(HEAD + items, tmp_path / "roadmap.yaml")
    except RoadmapLoadError as exc:
        return exc.lines()
    return []


def test_born_ids_have_the_reserved_shape() -> None:
    assert looks_born(born_id("jira:TREND", "TREND-37"))
    assert looks_born(born_id("github:acme/trending-now", "12"))
    assert looks_born(born_id("github:acme/my.repo", "3"))
    for roadmap_id in ("ml.jira-sync", "jira-migration", "gh-actions", "infra.ci", "jira-2"):
        assert not looks_born(roadmap_id), roadmap_id


def test_a_hand_written_jira_born_id_is_refused_at_its_line(tmp_path: Path) -> None:
    items = """\
          - id: jira-trend-37
            title: Drift alert
"""
    [line] = _problems(items, tmp_path)
    assert line.startswith(f"{tmp_path / 'roadmap.yaml'}:10:")
    assert "phases[0].epics[0].items[0].id: id 'jira-trend-37'" in line
    assert "reserved for work born in a tracker" in line


def test_a_github_born_id_an_epic_id_and_a_derived_id_are_refused(tmp_path: Path) -> None:
    items = """\
          - id: gh-acme-trending-now-12
            title: Feature store
"""
    [line] = _problems(items, tmp_path)
    assert ":10:" in line and "items[0].id: id 'gh-acme-trending-now-12'" in line

    epic = HEAD.replace("      - id: ml\n", "      - id: jira-sync-12\n")
    with pytest.raises(RoadmapLoadError) as caught:
        load_roadmap_text(epic + "          - {id: a, title: A}\n", tmp_path / "roadmap.yaml")
    [line] = caught.value.lines()
    assert ":7:" in line and "phases[0].epics[0].id: id 'jira-sync-12'" in line

    # "Jira sync 12" derives jira-sync-12: the born id of SYNC-12, were a project SYNC.
    derived = HEAD.replace("      - id: ml\n        title: ML\n", "      - title: Jira sync 12\n")
    with pytest.raises(RoadmapLoadError) as caught:
        load_roadmap_text(derived + "          - {id: a, title: A}\n", tmp_path / "r.yaml")
    [line] = caught.value.lines()
    assert "phases[0].epics[0].title: id 'jira-sync-12'" in line
    assert "give the item an explicit id" in line


def test_an_item_may_carry_the_born_id_of_the_issue_it_adopts(tmp_path: Path) -> None:
    """`import` writes exactly this: the issue's tracker-born id, adopting that issue."""
    items = """\
          - id: jira-trend-37
            title: Drift alert
            adopt: "jira:TREND-37"
          - id: gh-acme-trending-now-12
            title: Feature store
            adopt: ["github:acme/trending-now#12"]
"""
    assert _problems(items, tmp_path) == []
    other = items.replace('adopt: "jira:TREND-37"', 'adopt: "jira:TREND-38"')
    [line] = _problems(other, tmp_path)
    assert "id 'jira-trend-37'" in line and ":10:" in line
