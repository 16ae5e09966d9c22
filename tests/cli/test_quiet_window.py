"""How long a quiet-night stamp holds: until the day before the next date-dependent change,
and never more than a week."""

from __future__ import annotations

from datetime import date

from tracker_bridge.quiet.stamp import last_valid_day

TODAY = date(2026, 12, 2)


def test_a_week_at_most_when_nothing_changes_by_date() -> None:
    assert last_valid_day(TODAY, []) == date(2026, 12, 8)
    assert last_valid_day(TODAY, [date(2026, 1, 5), date(2026, 12, 2)]) == date(2026, 12, 8)


def test_until_the_day_before_a_sprint_starts_or_ends() -> None:
    assert last_valid_day(TODAY, [date(2026, 12, 4), date(2026, 12, 20)]) == date(2026, 12, 3)
    assert last_valid_day(TODAY, [date(2026, 12, 3)]) == TODAY
