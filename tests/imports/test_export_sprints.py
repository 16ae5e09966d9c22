"""A tracker's sprints as roadmap sprints: what a real board or repository looks like (gaps,
parallel sprints, milestones with only a due date, a future sprint without dates)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from tracker_bridge.roadmap.export_sprints import imported_cadence
from tracker_bridge.tracker import RemoteSprint

TODAY = date(2026, 12, 2)  # a Wednesday


def _jira(
    remote_id: str,
    start: date | None,
    end: date | None,
    state: Literal["future", "active", "closed"],
) -> RemoteSprint:
    return RemoteSprint(remote_id, f"TREND Sprint {remote_id}", start, end, state)


def test_board_sprints_keep_their_dates_and_states_in_date_order() -> None:
    cadence = imported_cadence(
        "jira:TREND",
        [
            _jira("12", date(2026, 11, 30), date(2026, 12, 11), "active"),
            _jira("11", date(2026, 11, 16), date(2026, 11, 27), "closed"),  # listed after
            _jira("13", None, None, "future"),  # planned, no dates yet
        ],
        TODAY,
    )
    assert cadence.sprint_length_days == 12
    assert cadence.first_sprint_start == date(2026, 11, 16)
    assert [(s.sprint_id, s.remote_id, s.state) for s in cadence.sprints] == [
        ("s1", "11", "closed"), ("s2", "12", "active"), ("s3", "13", "future"),
    ]  # fmt: skip
    assert (cadence.sprints[2].start, cadence.sprints[2].end) == (
        date(2026, 12, 12), date(2026, 12, 23),
    )  # fmt: skip
    assert cadence.sprints[0].claim == "jira:TREND/sprint/11"


def test_a_parallel_sprint_starts_the_day_after_the_one_before() -> None:
    cadence = imported_cadence(
        "jira:TREND",
        [
            _jira("1", date(2026, 11, 2), date(2026, 11, 15), "closed"),
            _jira("2", date(2026, 11, 9), date(2026, 11, 22), "closed"),
        ],
        TODAY,
    )
    assert (cadence.sprints[1].start, cadence.sprints[1].end) == (
        date(2026, 11, 16), date(2026, 11, 22),
    )  # fmt: skip


def test_milestones_start_a_sprint_length_before_their_due_date() -> None:
    stones = [
        RemoteSprint("3", "Sprint 3", None, date(2026, 12, 13), "active", claim_kind="milestone"),
        RemoteSprint("2", "Sprint 2", None, date(2026, 11, 29), "closed", claim_kind="milestone"),
        RemoteSprint("4", "Sprint 4", None, date(2026, 12, 27), "active", claim_kind="milestone"),
    ]
    cadence = imported_cadence("github:acme/app", stones, TODAY)
    assert cadence.sprint_length_days == 14
    assert [(s.start, s.end, s.state) for s in cadence.sprints] == [
        (date(2026, 11, 16), date(2026, 11, 29), "closed"),
        (date(2026, 11, 30), date(2026, 12, 13), "active"),
        (date(2026, 12, 14), date(2026, 12, 27), "future"),  # open, not begun
    ]
    assert cadence.sprints[1].claim == "github:acme/app/milestone/3"


def test_no_sprints_start_a_cadence_on_the_monday_of_the_import() -> None:
    cadence = imported_cadence("jira:TREND", [], TODAY)
    assert (cadence.sprint_length_days, cadence.first_sprint_start) == (14, date(2026, 11, 30))
    assert cadence.sprints == ()
