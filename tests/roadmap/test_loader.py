"""Loading the Trending Now example: ids, parents, derived sprints, spikes, source lines."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tracker_bridge.errors import UserError
from tracker_bridge.model import Kind, SpikeOutcome, SprintState, Stage, Track
from tracker_bridge.roadmap import LoadedRoadmap, RoadmapLoadError, load_roadmap, load_roadmap_text

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
TODAY = date(2026, 2, 10)


@pytest.fixture(scope="module")
def loaded() -> LoadedRoadmap:
    return load_roadmap(EXAMPLE, today=TODAY)


def test_example_items_in_file_order_with_epics_as_parents(loaded: LoadedRoadmap) -> None:
    items = loaded.roadmap.items
    assert 25 <= len([i for i in items if i.kind is not Kind.EPIC]) <= 40
    assert items[0].id == "infra" and items[0].kind is Kind.EPIC
    assert items[1].id == "infra.repo-setup" and items[1].parent == "infra"
    by_id = loaded.roadmap.item_by_id()
    vibe = by_id["llm-enrichment.vibe-score"]
    assert vibe.parent == "llm-enrichment"
    assert vibe.phase == "phase-1"
    assert vibe.kind is Kind.STORY and vibe.points == 5
    assert by_id["llm-enrichment"].parent is None
    assert {i.stage for i in items} >= {
        Stage.BACKLOG,
        Stage.IN_PROGRESS,
        Stage.IN_STAGING,
        Stage.DONE,
    }
    assert {i.track for i in items} == {Track.RESEARCH, Track.ENGINEERING}


def test_track_is_inherited_from_the_epic_unless_given(loaded: LoadedRoadmap) -> None:
    by_id = loaded.roadmap.item_by_id()
    assert by_id["llm-poc.summary-quality"].track is Track.RESEARCH  # epic is research
    assert by_id["llm-enrichment.summary"].track is Track.ENGINEERING
    assert by_id["llm-enrichment.tag-taxonomy"].track is Track.RESEARCH  # explicit


def test_sprints_derived_from_phases_of_3_8_8(loaded: LoadedRoadmap) -> None:
    sprints = loaded.roadmap.sprints
    assert [s.id for s in sprints] == [f"s{n}" for n in range(1, 20)]
    assert [s.phase for s in sprints].count("start-up") == 3
    assert [s.phase for s in sprints].count("phase-1") == 8
    assert [s.phase for s in sprints].count("phase-2") == 8
    start = date(2026, 1, 5)
    for number, sprint in enumerate(sprints, start=1):
        assert sprint.start == start + timedelta(days=14 * (number - 1))
        assert sprint.end == sprint.start + timedelta(days=13)
    assert sprints[3].name == "Sprint 4 (Phase 1: First model results)"
    assert sprints[11].name == "Sprint 12 (Phase 2: Automated pipelines)"
    assert sprints[11].start == date(2026, 6, 8)


def test_sprint_states_follow_today_and_overrides(loaded: LoadedRoadmap) -> None:
    states = [s.state for s in loaded.roadmap.sprints]
    assert states[:3] == [SprintState.CLOSED, SprintState.CLOSED, SprintState.ACTIVE]
    assert set(states[3:]) == {SprintState.FUTURE}
    s1 = loaded.roadmap.sprint_by_id()["s1"]
    assert s1.goal == "Repository, CI and a first scraper"
    assert s1.capacity == {Track.ENGINEERING: 20, Track.RESEARCH: 5}
    later = load_roadmap(EXAMPLE, today=date(2026, 7, 1)).roadmap
    assert later.sprint_by_id()["s13"].state is SprintState.ACTIVE


def test_sprint_numbers_are_per_phase_and_s_ids_global(loaded: LoadedRoadmap) -> None:
    by_id = loaded.roadmap.item_by_id()
    assert by_id["infra.repo-setup"].sprint == "s1"  # sprint: 1 in the start-up phase
    assert by_id["llm-enrichment.summary"].sprint == "s4"  # sprint: 1 in phase 1
    assert by_id["llm-enrichment.genre-endpoint"].sprint == "s5"  # sprint: s5
    assert by_id["pipelines.cd-prod"].sprint is None


def test_spike_timeboxes(loaded: LoadedRoadmap) -> None:
    by_id = loaded.roadmap.item_by_id()
    spikes = [i for i in loaded.roadmap.items if i.kind is Kind.SPIKE]
    assert len(spikes) >= 2 and all(s.timebox and s.timebox.hypothesis for s in spikes)
    signal = by_id["llm-poc.vibe-score-signal"].timebox
    assert signal is not None
    assert signal.length_days == 8 and signal.total_days == 10
    assert signal.started_at is not None and signal.started_at.tzinfo is not None
    assert signal.started_at.date() == date(2026, 2, 2)
    assert signal.extensions[0].reason.startswith("Labelling")
    done = by_id["llm-poc.summary-quality"].timebox
    assert done is not None and done.outcome is SpikeOutcome.VALIDATED
    assert not done.is_overdue(datetime(2027, 1, 1, tzinfo=done.started_at.tzinfo))  # type: ignore[union-attr]


def test_policy_phases_objectives_risks(loaded: LoadedRoadmap) -> None:
    roadmap = loaded.roadmap
    assert roadmap.project == "trending-now"
    assert roadmap.cadence.timezone == "Europe/Amsterdam"
    assert roadmap.board.limit_for(Stage.IN_PROGRESS) == 6
    assert roadmap.board.limit_for(Stage.IN_PROGRESS, Track.RESEARCH) == 2
    assert roadmap.board.spikes.max_timebox_days == 10
    assert [p.sprints for p in roadmap.phases] == [3, 8, 8]
    assert [int(p.maturity_level) for p in roadmap.phases] == [0, 0, 1]
    assert all(p.exit_criteria for p in roadmap.phases)
    assert {o.id for o in roadmap.objectives} == {
        "summary-usefulness",
        "freshness",
        "enrichment-cost",
    }
    assert roadmap.objectives[0].epics == ("llm-enrichment",)
    assert len(roadmap.risks) >= 2


def test_line_of_points_at_the_item_entry(loaded: LoadedRoadmap) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for item_id in ("infra", "llm-enrichment.vibe-score", "vibe-search.embeddings"):
        line = lines[loaded.line_of(item_id) - 1]
        assert f"id: {item_id}" in line
    assert loaded.path == EXAMPLE
    with pytest.raises(KeyError):
        loaded.line_of("no-such-item")


BASE = """\
project: demo
cadence: {first_sprint_start: 2026-01-05}
phases:
  - name: Start-up
    sprints: 2
    epics:
      - title: LLM enrichment
        items:
%s
"""


def ids_of(items: str) -> list[str]:
    roadmap = load_roadmap_text(BASE % items, Path("demo.yaml"), today=TODAY).roadmap
    return [item.id for item in roadmap.items]


def test_derived_ids_are_slugs_under_the_epic_and_ignore_order() -> None:
    one = "          - title: Vibe score\n          - title: Summary (v2)!\n"
    two = "          - title: Summary (v2)!\n          - title: Vibe score\n"
    assert ids_of(one) == [
        "llm-enrichment",
        "llm-enrichment.vibe-score",
        "llm-enrichment.summary-v2",
    ]
    assert sorted(ids_of(one)) == sorted(ids_of(two))


def test_explicit_ids_survive_reordering_and_title_edits() -> None:
    before = "          - {id: vibe, title: Vibe score}\n          - {id: summ, title: Summary}\n"
    after = (
        "          - {id: summ, title: Short summary}\n"
        "          - {id: vibe, title: Vibe score 0-100}\n"
    )
    assert set(ids_of(before)) == set(ids_of(after)) == {"llm-enrichment", "vibe", "summ"}


def test_long_titles_make_ids_within_the_limit() -> None:
    (_, item_id) = ids_of("          - title: " + "very long words " * 10 + "\n")
    assert len(item_id) <= 80 and item_id.startswith("llm-enrichment.very-long-words")


def test_load_error_is_a_user_error_and_missing_file_is_reported() -> None:
    assert issubclass(RoadmapLoadError, UserError)
    with pytest.raises(UserError, match="no such file"):
        load_roadmap(Path("/nonexistent/roadmap.yaml"))


def test_yaml_anchors_merge_keys_and_quoted_numbers() -> None:
    text = BASE % (
        "          - &base {title: Vibe score, stage: in_progress, points: 3}\n"
        "          - {<<: *base, title: '2026', labels: [1, x]}\n"
    )
    roadmap = load_roadmap_text(text, Path("demo.yaml"), today=TODAY).roadmap
    merged = roadmap.items[2]
    assert merged.title == "2026" and merged.stage is Stage.IN_PROGRESS and merged.points == 3
    assert merged.labels == ("1", "x")
