"""Items read back through the validator for stored documents (`store.stored_items`):
whatever a team's tracker holds, the store gives back the items it was given, the same as
WorkItem's full validation of each stored document, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import select

from tracker_bridge.model import (
    Extension,
    Kind,
    Origin,
    SpikeOutcome,
    Stage,
    Timebox,
    Track,
    WorkItem,
    compact,
)
from tracker_bridge.store import Store
from tracker_bridge.store import schema as s
from tracker_bridge.store.stored_items import stored_item_validator

T0 = datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
_projects = itertools.count()

titles = st.sampled_from(["Retrain the ranker", 'Fix "NaN" loss', "Ünïcode ✓ résumé",
                          "a\nb", "x" * 255, "Ship it 🚀"])
times = st.builds(lambda days, minutes: T0 + timedelta(days=days, minutes=minutes),
                  st.integers(-90, 90), st.integers(0, 24 * 60))
checklist = st.lists(st.sampled_from(["Works", "Documented", "Tested", "Reviewed"]),
                     max_size=3, unique=True).map(tuple)


@st.composite
def timeboxes(draw: st.DrawFn) -> Timebox:
    """A spike's time-box: planned, running, extended, or closed with what it learned."""
    started = draw(st.none() | times)
    extensions = draw(st.lists(st.builds(
        Extension, days=st.integers(1, 5), reason=st.sampled_from(["more data", "GPU queue"]),
        granted_on=st.dates(date(2026, 9, 1), date(2026, 12, 1))), max_size=2).map(tuple))
    outcome = draw(st.none() | st.sampled_from(list(SpikeOutcome))) if started else None
    return Timebox(length_days=draw(st.integers(1, 14)),
                   hypothesis=draw(st.sampled_from(["It helps", "BM25 beats it"])),
                   started_at=started, extensions=extensions if started else (),
                   outcome=outcome, learning="it does" if outcome else None)


@st.composite
def work_items(draw: st.DrawFn, n: int) -> WorkItem:
    """One item as a team's tracker holds it: roadmap items (some adopting issues) and
    items born in Jira or GitHub (some ended: deleted, moved away)."""
    kind = draw(st.sampled_from(list(Kind)))
    extra: dict[str, Any] = {}
    if kind is Kind.SPIKE:
        extra["timebox"] = draw(timeboxes())
    if draw(st.booleans()):
        key = f"TREND-{n}"
        ended = draw(st.sampled_from([None, None, "deleted", "moved", "out_of_scope"]))
        extra["origin"] = Origin(tracker="jira:TREND", key=key, url=f"https://jira/{key}",
                                 ended=ended, ended_at=draw(times) if ended else None)
    elif draw(st.booleans()):
        extra["adopt"] = draw(st.sampled_from([("jira:TREND-7",), ("github:acme/app#12",),
                                               ("jira:TREND-8", "github:acme/app#3")]))
    criteria = draw(checklist)
    return WorkItem(
        id=f"item-{n}.{draw(st.sampled_from(['a', 'b_1', 'c-2']))}",
        kind=kind,
        title=draw(titles),
        description=draw(st.sampled_from(["", "Why: the offline metric dropped."])),
        track=Track.RESEARCH if kind is Kind.SPIKE else draw(st.sampled_from(list(Track))),
        stage=draw(st.sampled_from(list(Stage))),
        parent=draw(st.none() | st.just("epic-1")),
        points=draw(st.none() | st.sampled_from([0, 0.5, 1, 3, 13.0])),
        labels=draw(st.lists(st.sampled_from(["ml", "infra", "p1"]), max_size=2,
                             unique=True).map(tuple)),
        assignee=draw(st.none() | st.sampled_from(["ana", "bo"])),
        sprint=draw(st.none() | st.sampled_from(["s1", "s2"])),
        due=draw(st.none() | st.dates(date(2026, 9, 1), date(2027, 3, 1))),
        blocked=draw(st.booleans()),
        acceptance_criteria=criteria,
        definition_of_done=draw(st.sampled_from([(), ("Reviewed",)])),
        checked=draw(st.lists(st.sampled_from(criteria), unique=True).map(tuple))
        if criteria else (),
        phase=draw(st.none() | st.just("phase-1")),
        **extra,
    )


boards = st.integers(1, 25).flatmap(
    lambda size: st.tuples(*(work_items(n) for n in range(size))).map(list))


def _documents(store: Store, project: str) -> dict[str, Any]:
    with store.engine.connect() as conn:
        t = s.items
        rows = conn.execute(select(t.c.item_id, t.c.data).where(t.c.project == project))
        return {item_id: data for item_id, data in rows}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(work=boards)
def test_items_read_back_as_saved_and_as_full_validation_reads_them(
    store: Store, work: list[WorkItem]
) -> None:
    project = f"p{next(_projects)}"  # one store for every example: a project each
    store.save_items(project, work)
    current, ended = store.current_and_ended_items(project)
    assert store.get_items(project) == current
    assert store.ended_items(project) == ended
    assert {**current, **ended} == {item.id: item for item in work}
    assert all(item.origin is not None and item.origin.ended for item in ended.values())
    # The reference: WorkItem's whole validation (its checks included) of what is stored.
    full = {item_id: compact(WorkItem.model_validate(data))
            for item_id, data in _documents(store, project).items()}
    read = {**current, **ended}
    assert read.keys() == full.keys()
    for item_id, item in full.items():
        assert type(read[item_id]) is WorkItem
        assert read[item_id].__dict__ == item.__dict__
        assert read[item_id].model_fields_set == item.model_fields_set


def test_a_document_of_unknown_values_is_still_refused() -> None:
    """Only the two checks every saved item passed are left out: a stage or kind this
    version does not know (a store written by a newer one) still stops the read."""
    validate = stored_item_validator().validate_json
    item = WorkItem(id="a", kind=Kind.TASK, title="Label the data")
    assert validate(item.model_dump_json(exclude_defaults=True)) == item
    for broken in ('{"id": "a", "kind": "task", "title": "T", "stage": "triage"}',
                   '{"id": "a", "kind": "chore", "title": "T"}',
                   '{"id": "A B", "kind": "task", "title": "T"}',
                   '{"id": "a", "kind": "task", "title": ""}',
                   '{"id": "a", "kind": "task", "title": "T", "points": -1}',
                   '{"id": "a", "kind": "task", "title": "T", "colour": "red"}'):
        with pytest.raises(ValidationError):
            validate(broken)
