"""Objective progress, trend and risk, the register's scores, and the current phase, each
checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker_bridge.model import Objective, Risk
from tracker_bridge.reports.objectives import (
    ObjectiveState,
    least_squares,
    objective_status,
    progress,
)
from tracker_bridge.reports.phases import current_phase, held_phases
from tracker_bridge.reports.risks import risk_register
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import Measurement, PhaseReview

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"

# Tag accuracy, to be raised from 0.70 to 0.85 by 2 March (day 60 after 1 January).
ACCURACY = Objective(id="tag-accuracy", kpi="Tag accuracy", baseline=0.70, target=0.85,
                     due=date(2026, 3, 2))
# Hours from release to enriched bubble, to be cut from 72 to 24 by 30 June (day 180).
FRESHNESS = Objective(id="freshness", kpi="Hours to enrich", baseline=72, target=24, unit="h",
                      due=date(2026, 6, 30))


def m(objective: Objective, day: date, value: float) -> Measurement:
    return Measurement(objective.id, day, value)


def test_progress_is_the_share_of_the_way_from_baseline_to_target_both_ways() -> None:
    assert progress(0.70, 0.85, 0.76) == pytest.approx(40.0)  # 0.06 of 0.15
    assert progress(72, 24, 60) == 25.0  # 12 of the 48 hours to cut
    assert progress(72, 24, 80) == pytest.approx(-16.7)  # went the wrong way
    assert progress(72, 24, 12) == 125.0  # past the target


def test_a_steady_climb_too_slow_for_the_due_date_is_at_risk() -> None:
    readings = [m(ACCURACY, date(2026, 1, 1), 0.72), m(ACCURACY, date(2026, 1, 11), 0.74),
                m(ACCURACY, date(2026, 1, 21), 0.76)]
    status = objective_status(ACCURACY, readings, today=date(2026, 1, 22))
    # +0.02 every 10 days = 0.002/day; on day 60: 0.72 + 0.12 = 0.84 < 0.85.
    assert status.trend is not None
    assert status.trend.slope_per_day == pytest.approx(0.002)
    assert status.trend.projected == pytest.approx(0.84)
    assert status.trend.reaches_target_on == date(2026, 3, 7)  # day 65: 0.13 / 0.002
    assert status.state is ObjectiveState.AT_RISK and status.at_risk
    assert status.latest == 0.76 and status.progress == pytest.approx(40.0)


def test_the_trend_is_the_least_squares_line_not_the_last_two_points() -> None:
    readings = [m(ACCURACY, date(2026, 1, 1), 0.70), m(ACCURACY, date(2026, 1, 11), 0.76),
                m(ACCURACY, date(2026, 1, 21), 0.74)]
    fitted = least_squares(readings)
    assert fitted is not None
    slope, intercept, origin = fitted
    # x = 0, 10, 20; mean y = 0.7333; Sxy = 0.4, Sxx = 200 -> slope 0.002, 0.7133 at day 0.
    assert slope == pytest.approx(0.002) and intercept == pytest.approx(0.71333, abs=1e-4)
    assert origin == date(2026, 1, 1)
    status = objective_status(ACCURACY, readings, today=date(2026, 1, 22))
    assert status.trend is not None and status.trend.projected == pytest.approx(0.8333, abs=1e-4)
    # The last two points alone go down (0.76 -> 0.74); the fit still says "short", not "never".
    assert status.state is ObjectiveState.AT_RISK


def test_a_falling_kpi_on_pace_is_on_track() -> None:
    readings = [m(FRESHNESS, date(2026, 1, 1), 70), m(FRESHNESS, date(2026, 2, 1), 60)]
    status = objective_status(FRESHNESS, readings, today=date(2026, 2, 2))
    # -10 h in 31 days; on day 180: 70 - 1800/31 = 11.94 h, under the 24 h target.
    assert status.direction == "decrease"
    assert status.trend is not None and status.trend.projected == pytest.approx(11.9355, abs=1e-3)
    assert status.state is ObjectiveState.ON_TRACK and not status.at_risk
    assert status.progress == 25.0


def test_met_missed_no_trend_and_no_data() -> None:
    met = objective_status(FRESHNESS, [m(FRESHNESS, date(2026, 3, 1), 23)], date(2026, 3, 2))
    assert met.state is ObjectiveState.MET
    late = [m(ACCURACY, date(2026, 1, 1), 0.72), m(ACCURACY, date(2026, 2, 1), 0.80)]
    missed = objective_status(ACCURACY, late, today=date(2026, 3, 3))
    assert missed.state is ObjectiveState.MISSED and missed.at_risk
    single = objective_status(ACCURACY, late[:1], today=date(2026, 1, 2))
    assert single.state is ObjectiveState.NO_TREND and single.trend is None
    assert not single.at_risk
    empty = objective_status(ACCURACY, [], today=date(2026, 1, 2))
    assert empty.state is ObjectiveState.NO_DATA and empty.progress is None


def test_risks_are_scored_likelihood_times_impact_highest_first() -> None:
    risks = [
        Risk(description="cost", likelihood="medium", impact="medium", owner="maria"),
        Risk(description="drift", likelihood="low", impact="high"),
        Risk(description="scrapers blocked", likelihood="high", impact="high",
             epics=("ingestion",)),
        Risk(description="vibe mismatch", likelihood="medium", impact="high"),
        Risk(description="labels late", likelihood="high", impact="low"),
    ]
    register = risk_register(risks)
    assert [(r.description, r.score) for r in register] == [
        ("scrapers blocked", 9), ("vibe mismatch", 6), ("cost", 4),
        ("drift", 3), ("labels late", 3),  # a tie keeps the roadmap's order
    ]
    assert register[0].epics == ("ingestion",)


def test_the_current_phase_follows_the_sprints_in_the_teams_time_zone() -> None:
    roadmap = load_roadmap(EXAMPLE, today=date(2026, 2, 10)).roadmap
    # s3 (start-up's last) ends Sunday 15 Feb; s4 (phase-1) starts Monday 16 Feb.
    sunday_night = datetime(2026, 2, 15, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam
    monday_early = datetime(2026, 2, 15, 23, 30, tzinfo=UTC)  # 00:30 on Monday there
    before = current_phase(roadmap, sunday_night, [])
    after = current_phase(roadmap, monday_early, [])
    assert before is not None and before.id == "start-up" and before.maturity_level == 0
    assert before.exit_criteria and before.sprints == ("s1", "s2", "s3")
    assert after is not None and after.id == "phase-1"


def test_a_no_go_holds_the_next_phase_until_a_later_go() -> None:
    roadmap = load_roadmap(EXAMPLE, today=date(2026, 2, 10)).roadmap
    t = datetime(2026, 2, 13, 16, 0, tzinfo=UTC)
    no_go = PhaseReview("start-up", "no-go", "baseline not reproducible", "aisha", t)
    assert held_phases(roadmap, [no_go]) == {"phase-1": "start-up"}
    go = PhaseReview("start-up", "go", "fixed", "aisha", t.replace(day=17))
    assert held_phases(roadmap, [no_go, go]) == {}
    status = current_phase(roadmap, t.replace(day=17), [no_go])
    assert status is not None and status.held_by == "start-up"
