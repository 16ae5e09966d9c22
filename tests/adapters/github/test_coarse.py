"""Coarse Projects v2 boards through the real adapter: a Status field with fewer options than
stages (GitHub's default board, its Kanban template, any custom field), stages kept lossless
by refinement labels, moves inside one option sent without a board mutation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.adapters.github.fakes import FAST, REPO, TRACKER
from tracker_bridge.adapters.github import factory
from tracker_bridge.adapters.github.mapping import GitHubMapping, parse_mapping
from tracker_bridge.model import Kind, RemoteRef, Stage, Track, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.tracker import Adapter, NewItem

STAGES = list(Stage)


def mapping_text(groups: dict[str, list[Stage]]) -> str:
    lines = ["mode: projects", "project:", "  number: 1", "  status_options:"]
    for option, stages in groups.items():
        lines += [f"    {stage.value}: {option}" for stage in stages]
    return "\n".join(lines) + "\n"


KANBAN = mapping_text({
    "Backlog": STAGES[:1], "Ready": STAGES[1:2], "In progress": STAGES[2:3],
    "In review": STAGES[3:7], "Done": STAGES[7:],
})  # fmt: skip


def open_adapter(gh: FakeGitHub, text: str, tmp_path: Path) -> Adapter:
    path = tmp_path / "github.yaml"
    path.write_text(text)
    settings = {"url": gh.url, "token": gh.token, "options": dict(FAST)}
    return factory.open(TRACKER, settings=settings, mapping_path=path)


def create(adapter: Adapter, item_id: str = "c.story", stage: Stage = Stage.BACKLOG) -> RemoteRef:
    item = WorkItem(id=item_id, kind=Kind.STORY, title=item_id, track=Track.ENGINEERING,
                    stage=stage)
    (result,) = adapter.create_items([NewItem(item)], lambda _id, _ref: None)
    assert result.ref is not None and result.ok, result.error
    return result.ref


def stage_of(adapter: Adapter, ref: RemoteRef) -> str:
    """The stage as a sync reads it: a pull from the start."""
    items = {item.ref.key: item for item in adapter.pull(None).items}
    return str(items[ref.key].values["stage"])


def labels_of(gh: FakeGitHub, ref: RemoteRef) -> list[str]:
    issue = next(i for i in gh.issues(REPO) if i["number"] == int(ref.key))
    return [str(label["name"]) for label in issue["labels"]]


def person_relabels(gh: FakeGitHub, mapping: GitHubMapping, ref: RemoteRef, stage: Stage) -> bool:
    """A person swaps the card's stage label for this stage's; False when the card carried
    exactly that already (nothing changes, so nothing says the person chose it now)."""
    stage_labels = {name.casefold() for name in mapping.labels.stages.values()}
    before = labels_of(gh, ref)
    kept = [x for x in before if x.casefold() not in stage_labels]
    after = [*kept, mapping.labels.stages[stage]]
    gh.human_edit_issue(REPO, int(ref.key), labels=after)
    return after != before


@pytest.fixture
def kanban(tmp_path: Path) -> Iterator[tuple[FakeGitHub, Adapter]]:
    with FakeGitHub(seed=3, project_status="kanban") as gh:
        adapter = open_adapter(gh, KANBAN, tmp_path)
        yield gh, adapter
        adapter.close()


def test_a_stage_sharing_an_option_is_created_and_read_back(
    kanban: tuple[FakeGitHub, Adapter],
) -> None:
    gh, adapter = kanban
    ref = create(adapter, stage=Stage.IN_STAGING)
    assert gh.project(1)["items"][0]["values"]["Status"] == "In review"
    assert "stage:in-staging" in labels_of(gh, ref)
    assert stage_of(adapter, ref) == "in_staging"


def test_a_move_inside_one_option_changes_only_the_label(
    kanban: tuple[FakeGitHub, Adapter],
) -> None:
    gh, adapter = kanban
    ref = create(adapter)
    adapter.move_stage(ref, Stage.IN_REVIEW)
    assert stage_of(adapter, ref) == "in_review"
    assert not any(x.startswith("stage:") for x in labels_of(gh, ref))  # the option says it
    before = dict(gh.stats.by_route)
    result = adapter.move_stage(ref, Stage.READY_FOR_PROD)
    assert result.ok, result.error
    sent = {k: v - before.get(k, 0) for k, v in gh.stats.by_route.items()}
    assert sent.get("POST /graphql", 0) == 0  # no board mutation
    assert sent.get("PATCH /repos/{owner}/{repo}/issues/{number}", 0) == 1
    assert gh.project(1)["items"][0]["values"]["Status"] == "In review"
    assert "stage:ready-for-prod" in labels_of(gh, ref)
    assert stage_of(adapter, ref) == "ready_for_prod"
    adapter.move_stage(ref, Stage.IN_REVIEW)  # back to the option's first: the label goes
    assert not any(x.startswith("stage:") for x in labels_of(gh, ref))
    assert stage_of(adapter, ref) == "in_review"


def test_a_person_moving_the_card_wins_over_the_old_label(
    kanban: tuple[FakeGitHub, Adapter],
) -> None:
    gh, adapter = kanban
    mapping = parse_mapping(KANBAN, "github.yaml")
    ref = create(adapter)
    adapter.move_stage(ref, Stage.IN_STAGING)
    gh.clock.advance(30)
    gh.human_set_project_status(REPO, int(ref.key), "In progress")
    assert stage_of(adapter, ref) == "in_progress"
    gh.clock.advance(30)
    gh.human_set_project_status(REPO, int(ref.key), "In review")  # back, label untouched
    assert "stage:in-staging" in labels_of(gh, ref)
    assert stage_of(adapter, ref) == "in_review"  # what the option means on its own
    gh.clock.advance(30)
    person_relabels(gh, mapping, ref, Stage.READY_FOR_STAGING)  # and now says more
    assert stage_of(adapter, ref) == "ready_for_staging"


def test_a_label_added_beside_the_old_one_wins(kanban: tuple[FakeGitHub, Adapter]) -> None:
    gh, adapter = kanban
    ref = create(adapter, stage=Stage.READY_FOR_PROD)
    gh.clock.advance(30)
    gh.human_edit_issue(REPO, int(ref.key), labels=[*labels_of(gh, ref), "stage:in-staging"])
    assert stage_of(adapter, ref) == "in_staging"


def test_the_default_board_keeps_all_eight_stages(tmp_path: Path) -> None:
    text = mapping_text({"Todo": STAGES[:2], "In Progress": STAGES[2:7], "Done": STAGES[7:]})
    with FakeGitHub(seed=4, project_status="default") as gh:
        adapter = open_adapter(gh, text, tmp_path)
        try:
            ref = create(adapter)
            for stage in STAGES:
                assert adapter.move_stage(ref, stage).ok
                assert stage_of(adapter, ref) == stage.value
        finally:
            adapter.close()


# -- the property: nobody's stage changes unless somebody moved it ------------------------
Move = tuple[str, int, bool]  # (who, stage index, a person also sets the label)


# No shrinking: each example starts a fake server, and a shrink would take minutes.
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(
    cuts=st.lists(st.integers(1, 7), unique=True, max_size=7).map(sorted),
    moves=st.lists(
        st.tuples(st.sampled_from(["person", "sync"]), st.integers(0, 7), st.booleans()),
        min_size=1,
        max_size=8,
    ),
)
# Our move back to a stage whose refinement label was still on the issue (a person had
# moved the card away without taking it off): the label must be newer than the Status.
@example(cuts=[1, 2, 3, 4, 5, 7], moves=[("sync", 6, True), ("person", 0, False),
                                         ("sync", 6, False)])
@example(cuts=[2], moves=[("person", 1, True), ("person", 2, False), ("person", 1, True)])
@example(cuts=[3, 7], moves=[("sync", 5, False), ("person", 2, False), ("person", 4, False),
                             ("person", 6, True), ("sync", 3, False), ("person", 7, False)])
def test_no_sequence_of_moves_changes_a_stage_nobody_moved(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[int], moves: list[Move]
) -> None:
    bounds = [0, *cuts, 8]
    groups = {f"Column {i}": STAGES[a:b] for i, (a, b) in enumerate(pairwise(bounds))}
    text = mapping_text(groups)
    mapping = parse_mapping(text, "coarse.yaml")
    options = mapping.project.status_options
    with FakeGitHub(seed=5, project_status=list(groups)) as gh:
        adapter = open_adapter(gh, text, tmp_path_factory.mktemp("coarse"))
        try:
            ref = create(adapter)
            expected = Stage.BACKLOG
            assert stage_of(adapter, ref) == expected.value
            for who, index, refine in moves:
                stage = STAGES[index]
                gh.clock.advance(5)  # people act later than our own writes
                if who == "sync":  # our write, e.g. mirrored from a move on Jira
                    assert adapter.move_stage(ref, stage).ok
                    expected = stage
                else:
                    moved = options[stage] != options[expected]
                    gh.human_set_project_status(REPO, int(ref.key), options[stage])
                    gh.clock.advance(1)
                    if (refine and mapping.shares_option(stage)
                            and person_relabels(gh, mapping, ref, stage)):
                        expected = stage
                    elif moved:
                        expected = mapping.stages_on(options[stage])[0]
                assert stage_of(adapter, ref) == expected.value, (who, stage)
        finally:
            adapter.close()


def stage_changed_at(adapter: Adapter, ref: RemoteRef) -> datetime:
    """When the pull says the stage last changed (what the sync records the move at)."""
    items = {item.ref.key: item for item in adapter.pull(None).items}
    return items[ref.key].changed_at["stage"]


def test_a_move_inside_one_option_is_dated_by_its_label(
    kanban: tuple[FakeGitHub, Adapter],
) -> None:
    """A person drags the card to In review on Tue 09:00, then on Wed 14:00 moves it on to
    In staging, which on this board is only the `stage:in-staging` label (same column).
    The stage changed on Wednesday: that is when the label says it moved, not Tuesday."""
    gh, adapter = kanban
    mapping = parse_mapping(KANBAN, "github.yaml")
    gh.clock.freeze(datetime(2026, 11, 2, 8, tzinfo=UTC))
    ref = create(adapter, stage=Stage.IN_PROGRESS)
    tuesday = datetime(2026, 11, 3, 9, tzinfo=UTC)
    gh.clock.freeze(tuesday)
    gh.human_set_project_status(REPO, int(ref.key), "In review")
    assert stage_changed_at(adapter, ref) == tuesday
    wednesday = datetime(2026, 11, 4, 14, tzinfo=UTC)
    gh.clock.freeze(wednesday)
    assert person_relabels(gh, mapping, ref, Stage.IN_STAGING)
    assert stage_of(adapter, ref) == "in_staging"
    assert stage_changed_at(adapter, ref) == wednesday
    thursday = datetime(2026, 11, 5, 10, tzinfo=UTC)  # dragged back: the Status is newer
    gh.clock.freeze(thursday)
    gh.human_set_project_status(REPO, int(ref.key), "In progress")
    assert stage_changed_at(adapter, ref) == thursday
