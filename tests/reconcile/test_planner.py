"""The planner is pure: these tests feed it values and read the plan it returns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_bridge.model import (
    SYNC_FIELDS,
    Cadence,
    Roadmap,
    Sprint,
    SprintState,
    Stage,
    WorkItem,
)
from tracker_bridge.reconcile.actions import (
    AssignSprint,
    CreateItem,
    EnsureSprint,
    MoveStage,
    UpdateFields,
)
from tracker_bridge.reconcile.planner import PlanInputs, TargetState, plan

from .tracker_model import applied, human_edit

JIRA, GITHUB = "jira:TREND", "github:acme/trending-now"


def roadmap(*items: WorkItem) -> Roadmap:
    sprint = Sprint(id="s1", name="Sprint 1", start=date(2026, 1, 5), end=date(2026, 1, 18))
    return Roadmap(
        project="trend",
        cadence=Cadence(first_sprint_start=date(2026, 1, 5)),
        sprints=(sprint,),
        items=items,
    )


EPIC = WorkItem(id="ingest", kind="epic", title="Data ingestion")
STORY = WorkItem(
    id="ingest.scraper",
    kind="story",
    title="Scrape Rotten Tomatoes",
    parent="ingest",
    stage=Stage.IN_PROGRESS,
    sprint="s1",
    points=3,
)


def fresh(*items: WorkItem, targets: tuple[str, ...] = (JIRA, GITHUB)) -> PlanInputs:
    return PlanInputs(
        project="trend",
        roadmap=roadmap(*items),
        roadmap_base={},
        targets=tuple(TargetState(t, refs={}, remote={}, base={}) for t in targets),
    )


def test_seeding_creates_moves_and_assigns_on_every_target() -> None:
    result = plan(fresh(EPIC, STORY))
    for tracker in (JIRA, GITHUB):
        ops = [(a.op, a.item_id) for a in result.for_tracker(tracker)]
        assert ops == [
            ("ensure_sprint", "s1"),
            ("create", "ingest"),
            ("create", "ingest.scraper"),
            ("move_stage", "ingest.scraper"),
            ("assign_sprint", "ingest.scraper"),
        ]
    assert not result.conflicts


def test_planning_again_after_applying_is_empty() -> None:
    inputs = fresh(EPIC, STORY)
    assert plan(applied(inputs, plan(inputs))).empty


def test_no_create_for_an_item_that_has_a_ref() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    assert not [a for a in plan(inputs).actions if isinstance(a, CreateItem)]


def test_a_title_edited_in_the_roadmap_reaches_both_trackers() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    renamed = STORY.model_copy(update={"title": "Scrape Rotten Tomatoes and IMDb"})
    result = plan(replace(inputs, roadmap=roadmap(EPIC, renamed)))
    updates = [a for a in result.actions if isinstance(a, UpdateFields)]
    assert {(a.tracker, a.changes[0][0], a.changes[0][2]) for a in updates} == {
        (JIRA, "title", "Scrape Rotten Tomatoes and IMDb"),
        (GITHUB, "title", "Scrape Rotten Tomatoes and IMDb"),
    }


def test_a_move_in_jira_is_mirrored_to_github_without_echo() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    moved = human_edit(inputs, JIRA, STORY.id, stage="in_review")
    result = plan(moved)
    assert [(a.tracker, a.op) for a in result.actions] == [(GITHUB, "move_stage")]
    move = result.actions[0]
    assert isinstance(move, MoveStage) and move.to_stage is Stage.IN_REVIEW
    # after the mirror write, nothing comes back (our write is the new base on GitHub)
    assert plan(applied(moved, result)).empty


def test_both_sides_changed_is_a_conflict_won_by_the_owner() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    edited = human_edit(inputs, JIRA, STORY.id, title="Jira title", stage="in_review")
    renamed = STORY.model_copy(update={"title": "Roadmap title", "stage": Stage.IN_STAGING})
    result = plan(replace(edited, roadmap=roadmap(EPIC, renamed)))
    by_field = {c.field: c for c in result.conflicts}
    assert by_field["title"].winner == "roadmap"  # planning field: the roadmap owns it
    assert by_field["stage"].winner == JIRA  # flow field: the tracker owns it
    assert {(a.tracker, a.op) for a in result.actions} == {
        (JIRA, "update"),
        (GITHUB, "update"),
        (GITHUB, "move_stage"),
    }


def test_hold_policy_changes_nothing_and_reports() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    edited = human_edit(inputs, JIRA, STORY.id, title="Jira title")
    renamed = STORY.model_copy(update={"title": "Roadmap title"})
    result = plan(replace(edited, roadmap=roadmap(EPIC, renamed), policy="hold"))
    assert [c.resolution for c in result.conflicts] == ["hold"]
    # Written nowhere: not the roadmap's title to Jira, nor Jira's to GitHub.
    assert not [a for a in result.actions if isinstance(a, UpdateFields)]


def test_items_dropped_from_the_roadmap_are_skipped_with_a_reason() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    result = plan(replace(inputs, roadmap=roadmap(EPIC)))
    assert {(s.tracker, s.item_id) for s in result.skips} == {
        (JIRA, "ingest.scraper"),
        (GITHUB, "ingest.scraper"),
    }
    assert result.empty


def test_a_sprint_is_created_once_and_updated_when_its_state_changes() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    started = inputs.roadmap.model_copy(
        update={
            "sprints": (inputs.roadmap.sprints[0].model_copy(update={"state": SprintState.ACTIVE}),)
        }
    )
    result = plan(replace(inputs, roadmap=started))
    ensures = [a for a in result.actions if isinstance(a, EnsureSprint)]
    assert {(a.tracker, a.exists) for a in ensures} == {(JIRA, True), (GITHUB, True)}


def test_sprint_change_is_an_assign_action() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    result = plan(human_edit(inputs, GITHUB, STORY.id, sprint=None))
    assert [(a.tracker, type(a)) for a in result.actions] == [(JIRA, AssignSprint)]


# -- properties -----------------------------------------------------------------------------

stages = st.sampled_from(list(Stage))
titles = st.text(alphabet="abcdefgh xyz", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def roadmaps(draw: st.DrawFn) -> Roadmap:
    count = draw(st.integers(min_value=1, max_value=6))
    items = [EPIC]
    for index in range(count):
        items.append(
            WorkItem(
                id=f"ingest.item-{index}",
                kind=draw(st.sampled_from(["story", "task", "bug"])),
                title=draw(titles),
                parent="ingest",
                stage=draw(stages),
                sprint=draw(st.sampled_from([None, "s1"])),
                points=draw(st.sampled_from([None, 1, 2, 3, 5, 8])),
                labels=tuple(draw(st.lists(st.sampled_from(["llm", "data", "ui"]), unique=True))),
            )
        )
    return roadmap(*items)


@settings(max_examples=60, deadline=None)
@given(first=roadmaps(), second=roadmaps())
def test_property_planning_twice_after_applying_is_empty(first: Roadmap, second: Roadmap) -> None:
    inputs = replace(fresh(), roadmap=first)
    settled = applied(inputs, plan(inputs))
    assert plan(settled).empty
    # any roadmap edit, once applied, settles too
    edited = replace(settled, roadmap=second)
    assert plan(applied(edited, plan(edited))).empty


@settings(max_examples=40, deadline=None)
@given(first=roadmaps(), moves=st.lists(st.tuples(st.integers(0, 5), stages), max_size=4))
def test_property_tracker_moves_settle_and_never_echo(
    first: Roadmap, moves: list[tuple[int, Stage]]
) -> None:
    inputs = replace(fresh(), roadmap=first)
    settled = applied(inputs, plan(inputs))
    item_ids = [item.id for item in first.items]
    for index, stage in moves:
        settled = human_edit(settled, JIRA, item_ids[index % len(item_ids)], stage=stage.value)
    mirrored = applied(settled, plan(settled))
    assert plan(mirrored).empty
    for item_id in item_ids:
        assert (
            mirrored.targets[0].remote[item_id]["stage"]
            == mirrored.targets[1].remote[item_id]["stage"]
        )


@settings(max_examples=40, deadline=None)
@given(first=roadmaps())
def test_property_plans_are_deterministic(first: Roadmap) -> None:
    inputs = replace(fresh(), roadmap=first)
    assert plan(inputs).checksum == plan(inputs).checksum
    assert plan(inputs) == plan(inputs)


def _settled_on(
    values: dict[str, dict[str, object]], fields: dict[str, frozenset[str]] | None = None
) -> PlanInputs:
    """EPIC and STORY on both trackers, nobody changed anything since the last sync, but each
    tracker holds its own values for the story (a split left by an old run or a mapping)."""
    seeded = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    targets = []
    for target in seeded.targets:
        held = {**target.remote[STORY.id], **values.get(target.tracker, {})}
        remote = {**target.remote, STORY.id: held}
        base = {**target.base, STORY.id: held}
        carried = (fields or {}).get(target.tracker, target.fields)
        targets.append(replace(target, remote=remote, base=base, fields=carried))
    return replace(seeded, targets=tuple(targets))


def test_settled_trackers_that_disagree_follow_the_first_target() -> None:
    inputs = _settled_on({JIRA: {"stage": "in_review"}, GITHUB: {"stage": "in_progress"}})
    result = plan(inputs)
    assert [(a.op, a.tracker, a.to_stage) for a in result.actions if isinstance(a, MoveStage)] \
        == [("move_stage", GITHUB, Stage.IN_REVIEW)]
    assert result.merged[STORY.id]["stage"] == "in_review"
    assert not result.conflicts


def test_a_field_the_first_target_does_not_carry_comes_from_the_next() -> None:
    without_blocked = frozenset(n for n in SYNC_FIELDS if n != "blocked")
    inputs = _settled_on(
        {JIRA: {"blocked": False}, GITHUB: {"blocked": True}}, {JIRA: without_blocked}
    )
    result = plan(inputs)
    assert result.merged[STORY.id]["blocked"] is True
    assert result.empty  # Jira's mapping has no such field; GitHub already holds it
    again = plan(replace(inputs, targets=inputs.targets[::-1]))  # in either order
    assert again.merged[STORY.id]["blocked"] is True and again.empty


LABELLED = STORY.model_copy(update={"labels": ("scraping", "sources")})


def _labels_after(result: object, tracker: str) -> object:
    updates = [a for a in result.actions  # type: ignore[attr-defined]
               if isinstance(a, UpdateFields) and a.tracker == tracker]
    return dict(updates[0].new_values())["labels"] if updates else None


def test_labels_added_on_two_sides_the_same_day_are_both_kept() -> None:
    # The scrum master tags the story for Q3 in the roadmap; a developer adds
    # `needs-design` in Jira. Different members of a set: nobody's edit is lost.
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    edited = human_edit(inputs, JIRA, STORY.id, labels=("needs-design", "scraping", "sources"))
    tagged = LABELLED.model_copy(update={"labels": ("q3", "scraping", "sources")})
    result = plan(replace(edited, roadmap=roadmap(EPIC, tagged)))
    both = ("needs-design", "q3", "scraping", "sources")
    assert result.conflicts == ()
    assert _labels_after(result, JIRA) == both and _labels_after(result, GITHUB) == both
    settled = applied(replace(edited, roadmap=roadmap(EPIC, tagged)), result)
    assert plan(settled).actions == ()  # and the next night it stays so


def test_a_label_taken_off_on_one_side_and_one_added_on_another_both_apply() -> None:
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    edited = human_edit(inputs, GITHUB, STORY.id, labels=("blocked-upstream", "scraping",
                                                          "sources"))
    untagged = LABELLED.model_copy(update={"labels": ("scraping",)})
    result = plan(replace(edited, roadmap=roadmap(EPIC, untagged)))
    assert result.conflicts == ()
    assert _labels_after(result, JIRA) == ("blocked-upstream", "scraping")


def test_boxes_ticked_on_two_trackers_the_same_day_are_both_kept() -> None:
    inputs = applied(fresh(EPIC, STORY), plan(fresh(EPIC, STORY)))
    ticked = human_edit(inputs, JIRA, STORY.id, checked=("ac:1",))
    ticked = human_edit(ticked, GITHUB, STORY.id, checked=("ac:2",))
    result = plan(ticked)
    assert result.conflicts == ()
    assert {a.tracker: dict(a.new_values())["checked"] for a in result.actions
            if isinstance(a, UpdateFields)} == {JIRA: ("ac:1", "ac:2"), GITHUB: ("ac:1", "ac:2")}


def test_set_edits_without_a_base_to_tell_them_apart_are_still_a_conflict() -> None:
    # After `relink` no base says who added what: reported, settled by the policy.
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    edited = human_edit(inputs, JIRA, STORY.id, labels=("needs-design", "scraping", "sources"))
    tagged = LABELLED.model_copy(update={"labels": ("q3", "scraping", "sources")})
    unknown = replace(edited, roadmap=roadmap(EPIC, tagged), roadmap_base={
        STORY.id: {**LABELLED.sync_values(), "labels": None}})
    assert [c.field for c in plan(unknown).conflicts] == ["labels"]


def test_a_label_only_the_trackers_hold_survives_when_both_sides_add_one() -> None:
    # Last week a developer added `gpu` in Jira; it reached GitHub, never the roadmap file.
    # Today the roadmap adds `q3` and Jira adds `needs-design`: `gpu` must stay.
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    earlier = human_edit(inputs, JIRA, STORY.id, labels=("gpu", "scraping", "sources"))
    spread = applied(earlier, plan(earlier))
    spread = replace(spread, roadmap_base={STORY.id: LABELLED.sync_values()})  # as stored
    edited = human_edit(spread, JIRA, STORY.id, labels=("gpu", "needs-design", "scraping",
                                                        "sources"))
    tagged = LABELLED.model_copy(update={"labels": ("q3", "scraping", "sources")})
    result = plan(replace(edited, roadmap=roadmap(EPIC, tagged)))
    every = ("gpu", "needs-design", "q3", "scraping", "sources")
    assert result.conflicts == ()
    assert _labels_after(result, JIRA) == every and _labels_after(result, GITHUB) == every


def test_a_roadmap_label_edit_next_week_keeps_the_label_a_person_added_before() -> None:
    # A developer adds `needs-design` in Jira; the sync takes it to GitHub (the roadmap file
    # never has it). A week later the scrum master adds `q3` in the roadmap: the roadmap's
    # change is one label added, not its whole list put back over the trackers'.
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    added = human_edit(inputs, JIRA, STORY.id, labels=("needs-design", "scraping", "sources"))
    spread = applied(added, plan(added))
    spread = replace(spread, roadmap_base={STORY.id: LABELLED.sync_values()})  # as stored
    tagged = LABELLED.model_copy(update={"labels": ("q3", "scraping", "sources")})
    result = plan(replace(spread, roadmap=roadmap(EPIC, tagged)))
    every = ("needs-design", "q3", "scraping", "sources")
    assert result.conflicts == ()
    assert _labels_after(result, JIRA) == every and _labels_after(result, GITHUB) == every


def test_a_label_a_person_took_off_stays_off_when_the_roadmap_adds_another() -> None:
    inputs = applied(fresh(EPIC, LABELLED), plan(fresh(EPIC, LABELLED)))
    taken = human_edit(inputs, GITHUB, STORY.id, labels=("scraping",))
    spread = applied(taken, plan(taken))
    spread = replace(spread, roadmap_base={STORY.id: LABELLED.sync_values()})
    tagged = LABELLED.model_copy(update={"labels": ("q3", "scraping", "sources")})
    result = plan(replace(spread, roadmap=roadmap(EPIC, tagged)))
    assert _labels_after(result, JIRA) == ("q3", "scraping")
