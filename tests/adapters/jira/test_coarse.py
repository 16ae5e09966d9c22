"""Coarse workflows through the real adapter: several stages on one status, lossless; moves
that never strand an issue; transition screens filled without overwriting anyone."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker_bridge.adapters.jira import JiraAdapter
from tracker_bridge.adapters.jira.mapping import JiraMapping, parse_mapping
from tracker_bridge.model import Kind, RemoteRef, Stage, Track, WorkItem
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.workflows import DATACENTER, PRESETS
from tracker_bridge.tracker import AdapterError, NewItem

from .conftest import FAST

STAGES = list(Stage)


def mapping_text(groups: dict[str, list[Stage]], extra: str = "") -> str:
    lines = ["stages:"]
    for status, stages in groups.items():
        lines += [f"  {stage.value}: [{status}]" for stage in stages]
    return "\n".join(lines) + "\n" + extra


SCRUM = mapping_text(
    {
        "To Do": STAGES[:2],
        "In Progress": STAGES[2:3],
        "In Review": STAGES[3:7],
        "Done": STAGES[7:],
    }
)
DC = mapping_text(
    {"Open": STAGES[:2], "In Progress": STAGES[2:3], "In Review": STAGES[3:7], "Done": [Stage.DONE]}
)


def open_adapter(fake: FakeJira, mapping: JiraMapping) -> JiraAdapter:
    cloud = fake.flavour == "cloud"
    return JiraAdapter(
        "jira:TREND",
        url=fake.url,
        username=fake.email if cloud else None,
        token=fake.api_token if cloud else fake.pat,
        mapping=mapping,
        options=FAST,
    )


def create(
    adapter: JiraAdapter, item_id: str = "e.story", assignee: str | None = None
) -> RemoteRef:
    item = WorkItem(
        id=item_id, kind=Kind.STORY, title=item_id, track=Track.ENGINEERING, assignee=assignee
    )
    (result,) = adapter.create_items([NewItem(item)], lambda _id, _ref: None)
    assert result.ref is not None, result.error
    return result.ref


def stage_of(adapter: JiraAdapter, ref: RemoteRef) -> str | None:
    """The stage as a sync reads it: a pull from the start (changelog included)."""
    items = {item.ref.key: item for item in adapter.pull(None).items}
    value = items[ref.key].values.get("stage")
    return str(value) if value is not None else None


@pytest.fixture
def scrum() -> Iterator[tuple[FakeJira, JiraAdapter]]:
    with FakeJira("cloud", workflow="scrum") as fake:
        adapter = open_adapter(fake, parse_mapping(SCRUM, "scrum.yaml"))
        yield fake, adapter
        adapter.close()


def test_a_move_inside_one_status_changes_only_the_label(
    scrum: tuple[FakeJira, JiraAdapter],
) -> None:
    fake, adapter = scrum
    ref = create(adapter)
    adapter.move_stage(ref, Stage.IN_REVIEW)
    assert stage_of(adapter, ref) == "in_review"
    before = dict(fake.stats.by_route)
    adapter.move_stage(ref, Stage.IN_STAGING)
    sent = {k: v - before.get(k, 0) for k, v in fake.stats.by_route.items()}
    assert sent.get("POST /rest/api/2/issue/{key}/transitions", 0) == 0
    assert sent.get("PUT /rest/api/2/issue/{key}", 0) == 1
    fields = fake.issue_json(ref.key)["fields"]
    assert fields["status"]["name"] == "In Review"
    assert "stage:in-staging" in fields["labels"] and "stage:in-review" not in fields["labels"]
    assert stage_of(adapter, ref) == "in_staging"


def test_a_person_moving_the_status_wins_over_the_old_label(
    scrum: tuple[FakeJira, JiraAdapter],
) -> None:
    fake, adapter = scrum
    ref = create(adapter)
    adapter.move_stage(ref, Stage.READY_FOR_PROD)
    fake.human_transition(ref.key, "In Progress")
    assert stage_of(adapter, ref) == "in_progress"
    fake.human_transition(ref.key, "In Review")  # back, without touching the label
    assert stage_of(adapter, ref) == "in_review"  # what the status means on its own
    labels = fake.issue_json(ref.key)["fields"]["labels"]
    fake.human_edit(ref.key, labels=[*labels, "stage:in-staging"])  # and now says more
    assert stage_of(adapter, ref) == "in_staging"


def test_moving_back_into_a_status_sets_the_label_again(
    scrum: tuple[FakeJira, JiraAdapter],
) -> None:
    fake, adapter = scrum
    ref = create(adapter)
    adapter.move_stage(ref, Stage.READY_FOR_STAGING)
    fake.human_transition(ref.key, "In Progress")  # the old label stays behind
    assert stage_of(adapter, ref) == "in_progress"
    adapter.move_stage(ref, Stage.READY_FOR_STAGING)  # e.g. mirrored from GitHub
    assert stage_of(adapter, ref) == "ready_for_staging"


def test_stage_events_read_refinements_too(scrum: tuple[FakeJira, JiraAdapter]) -> None:
    _, adapter = scrum
    ref = create(adapter)
    for stage in (Stage.IN_PROGRESS, Stage.IN_REVIEW, Stage.IN_STAGING, Stage.DONE):
        adapter.move_stage(ref, stage)
    changes = [(c.from_stage, c.to_stage) for c in adapter.pull(None).stage_changes]
    assert changes == [
        (Stage.BACKLOG, Stage.IN_PROGRESS),
        (Stage.IN_PROGRESS, Stage.IN_REVIEW),
        (Stage.IN_REVIEW, Stage.IN_STAGING),
        (Stage.IN_STAGING, Stage.DONE),
    ]


# -- the property: nobody's stage changes unless somebody moved it ------------------------
def coarse_mappings() -> st.SearchStrategy[list[int]]:
    """Cut points splitting the 8 stages into 1-8 consecutive groups, one status each."""
    return st.lists(st.integers(1, 7), unique=True, max_size=7).map(sorted)


def workflow_for(cuts: list[int], linear: bool) -> tuple[dict[str, Any], str]:
    bounds = [0, *cuts, 8]
    groups = {f"S{i}": STAGES[a:b] for i, (a, b) in enumerate(pairwise(bounds))}
    names = list(groups)
    statuses = [
        {"name": n, "category": "done" if i == len(names) - 1 and i else "indeterminate"}
        for i, n in enumerate(names)
    ]
    statuses[0]["category"] = "new"
    if linear:  # one step at a time, both ways
        transitions = [
            {"name": f"{a}->{b}", "from": [a], "to": b, "requires": []}
            for x, y in pairwise(names)
            for a, b in ((x, y), (y, x))
        ]
    else:
        transitions = [{"name": n, "to": n, "global": True, "requires": []} for n in names]
    return {"statuses": statuses, "transitions": transitions}, mapping_text(groups)


Move = tuple[str, int, bool]  # (who, stage index, person also sets the label)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cuts=coarse_mappings(),
    linear=st.booleans(),
    moves=st.lists(
        st.tuples(st.sampled_from(["person", "sync"]), st.integers(0, 7), st.booleans()),
        min_size=1,
        max_size=8,
    ),
)
# Found in CI: refined, moved on, moved back "re-adding" the label still there: no edit.
@example(cuts=[2], linear=False,
         moves=[("person", 1, True), ("person", 2, False), ("person", 1, True)])
def test_no_sequence_of_moves_changes_a_stage_nobody_moved(
    cuts: list[int], linear: bool, moves: list[Move]
) -> None:
    workflow, text = workflow_for(cuts, linear)
    mapping = parse_mapping(text, "coarse.yaml")
    with FakeJira("cloud", workflow=workflow) as fake:
        adapter = open_adapter(fake, mapping)
        try:
            ref = create(adapter)
            expected = Stage.BACKLOG
            assert stage_of(adapter, ref) == expected.value
            for who, index, refine in moves:
                stage = STAGES[index]
                status = mapping.target_status(stage)
                if who == "sync":  # our write, e.g. mirrored from a move on GitHub
                    adapter.move_stage(ref, stage)
                    expected = stage
                else:
                    fake.human_transition(ref.key, status)
                    labelled = False
                    if refine and mapping.shares_status(stage):
                        before = fake.issue_json(ref.key)["fields"]["labels"]
                        labels = [x for x in before if x not in mapping.refinement_labels()]
                        after = [*labels, mapping.refinement.label(stage)]
                        # A label already on the issue, "added" again, is no edit: Jira
                        # records nothing, and only the move shows (below).
                        if sorted(after) != sorted(before):
                            fake.human_edit(ref.key, labels=after)
                            expected, labelled = stage, True
                    if not labelled and status != mapping.target_status(expected):
                        expected = mapping.stages_on(status)[0]
                assert stage_of(adapter, ref) == expected.value, (who, stage)
        finally:
            adapter.close()


# -- never strand an issue ------------------------------------------------------------------
def test_a_path_whose_screen_cannot_be_filled_is_refused_before_the_first_hop() -> None:
    with FakeJira("datacenter", workflow="datacenter-strict") as fake:
        adapter = open_adapter(fake, parse_mapping(DC, "dc.yaml"))
        ref = create(adapter)
        adapter.move_stage(ref, Stage.IN_REVIEW)  # teaches the graph up to the Done screen
        other = create(adapter, "e.other")
        before = fake.stats.by_route.get("POST /rest/api/2/issue/{key}/transitions", 0)
        with pytest.raises(AdapterError) as caught:
            adapter.move_stage(other, Stage.DONE)
        message = str(caught.value)
        assert message.startswith("cannot move to done (status 'Done'): transition 'To Done'")
        assert "requires Assignee, Log Work" in message and "transition_fields" in message
        assert fake.stats.by_route.get("POST /rest/api/2/issue/{key}/transitions", 0) == before
        assert fake.issue_json(other.key)["fields"]["status"]["name"] == "Open"


def test_a_status_the_issue_type_lacks_is_refused_naming_stage_and_status() -> None:
    text = DC.replace("done: [Done]", "done: [Closed]")
    with FakeJira("datacenter", workflow="datacenter") as fake:
        adapter = open_adapter(fake, parse_mapping(text, "dc.yaml"))
        ref = create(adapter)
        with pytest.raises(AdapterError, match=r"cannot move to done: status 'Closed'"):
            adapter.move_stage(ref, Stage.DONE)
        assert fake.issue_json(ref.key)["fields"]["status"]["name"] == "Open"


def _with_validator(back: bool) -> dict[str, Any]:
    """The DC workflow where Submit for Review has a validator (invisible to REST)."""
    transitions = [dict(t) for t in DATACENTER["transitions"]]
    for transition in transitions:
        if transition["name"] == "Submit for Review":
            transition["validators"] = ["duedate"]
    if not back:
        transitions = [t for t in transitions if t["name"] != "Stop Progress"]
    return {**DATACENTER, "transitions": transitions}


def test_a_hop_refused_mid_path_walks_the_issue_back() -> None:
    with FakeJira("datacenter", workflow=_with_validator(back=True)) as fake:
        adapter = open_adapter(fake, parse_mapping(DC, "dc.yaml"))
        ref = create(adapter)
        with pytest.raises(AdapterError) as caught:
            adapter.move_stage(ref, Stage.IN_REVIEW)
        assert "'Submit for Review' to 'In Review' refused" in str(caught.value)
        assert "Due date is required" in str(caught.value)
        assert "moved back to 'Open'" in str(caught.value)
        assert fake.issue_json(ref.key)["fields"]["status"]["name"] == "Open"
        assert stage_of(adapter, ref) == "backlog"


def test_where_there_is_no_way_back_the_error_says_where_the_issue_stands() -> None:
    with FakeJira("datacenter", workflow=_with_validator(back=False)) as fake:
        adapter = open_adapter(fake, parse_mapping(DC, "dc.yaml"))
        ref = create(adapter)
        with pytest.raises(AdapterError) as caught:
            adapter.move_stage(ref, Stage.IN_REVIEW)
        assert f"{ref.key} now stands in 'In Progress'" in str(caught.value)
        # Our own half-done move is not read as a person's move to in_progress ...
        assert stage_of(adapter, ref) == "backlog"
        # ... but a person who moves it on is heard, and a later move of ours clears the note.
        fake.human_edit(ref.key, duedate="2026-03-01")  # what the validator wants
        fake.human_transition(ref.key, "In Review")
        assert stage_of(adapter, ref) == "in_review"
        adapter.move_stage(ref, Stage.IN_PROGRESS)
        assert "tracker-bridge.stranded" not in fake.issue_json(ref.key).get("properties", {})
        assert stage_of(adapter, ref) == "in_progress"


# -- transition screens ---------------------------------------------------------------------
STRICT = DC + (
    "transition_fields:\n"
    "  resolution: Done\n"
    "  assignee: {keep: current, default: carol}\n"
    "  worklog: {log_work: 1m}\n"
)


def test_a_required_assignee_keeps_the_real_one_and_the_work_log_goes_in_update() -> None:
    with FakeJira("datacenter", workflow="datacenter-strict") as fake:
        adapter = open_adapter(fake, parse_mapping(STRICT, "dc.yaml"))
        assigned = create(adapter, "e.assigned", assignee="alice")
        result = adapter.move_stage(assigned, Stage.DONE)
        assert result.values == {"stage": "done"}
        issue = fake.issue_json(assigned.key)["fields"]
        assert (issue["status"]["name"], issue["assignee"]["name"]) == ("Done", "alice")
        with fake.lock:
            logged = fake.data.issue(assigned.key).values["worklog"]
        assert [entry["timeSpent"] for entry in logged] == ["1m"]
        # Nobody assigned: the default takes it, and the write says so (no echo next night).
        nobody = create(adapter, "e.nobody")
        result = adapter.move_stage(nobody, Stage.DONE)
        assert result.values == {"stage": "done", "assignee": "carol"}


def test_keep_current_without_a_default_refuses_an_unassigned_issue_up_front() -> None:
    text = STRICT.replace("{keep: current, default: carol}", "{keep: current}")
    with FakeJira("datacenter", workflow="datacenter-strict") as fake:
        adapter = open_adapter(fake, parse_mapping(text, "dc.yaml"))
        ref = create(adapter)
        adapter.move_stage(ref, Stage.IN_REVIEW)
        with pytest.raises(AdapterError, match=r"requires Assignee \(the issue has none"):
            adapter.move_stage(ref, Stage.DONE)
        assert fake.issue_json(ref.key)["fields"]["status"]["name"] == "In Review"


def test_transition_values_are_checked_where_they_are_written() -> None:
    with pytest.raises(Exception) as caught:
        parse_mapping(DC + "transition_fields:\n  worklog: {log_work: soon}\n", "m.yaml")
    line = str(caught.value.lines()[0])  # type: ignore[attr-defined]
    assert line == (
        "m.yaml:11:13: transition_fields.worklog.log_work: "
        "'soon' is not a Jira duration such as 30m, 1h or 1d 2h"
    )
    assert set(PRESETS) >= {"datacenter-strict"}
