"""`--now`, the time a report is as of. Apart from `context.py` so that `status` reads it
without loading the sprint report's modules (a twentieth of its start-up)."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker_bridge.errors import UserError


def parse_now(value: str | None) -> datetime:
    """--now for reproducible reports and tests; default: the current time."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--now: expected a time like 2026-11-09T12:00Z, got {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
