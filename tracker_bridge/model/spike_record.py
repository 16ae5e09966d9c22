"""A spike's record as text: when it started, its extensions, outcome and learning (pure).

The record is what `spike start|extend|close` recorded. It travels to every tracker in the
tool's own block (GitHub body, Jira description), one line per fact, so it survives a lost
database: `relink` and the next sync read it back (`parse_record`).

    Started: 2026-11-02 09:00 UTC
    Extended: +3 days on 2026-11-06: the labelled set came late
    Outcome: invalidated
    Learning: the open model trails by 12%
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker_bridge.model.enums import SpikeOutcome

_STARTED = re.compile(r"^Started: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC$")
_EXTENDED = re.compile(r"^Extended: \+(\d+) days? on (\d{4}-\d\d-\d\d): (.+)$")
_OUTCOME = re.compile(r"^Outcome: ([a-z]+)$")
_LEARNING = re.compile(r"^Learning: (.+)$")
_OUTCOMES = frozenset(o.value for o in SpikeOutcome)
RECORD_LINE = re.compile(r"^(?:Started|Extended|Outcome|Learning): .+$")
"""Any line of a record (the adapters find the record's lines in their block with it)."""


@dataclass(frozen=True)
class RecordedExtension:
    days: int
    reason: str
    granted_on: date


@dataclass(frozen=True)
class SpikeRecord:
    started_at: datetime | None = None
    extensions: tuple[RecordedExtension, ...] = ()
    outcome: SpikeOutcome | None = None
    learning: str | None = None


def one_line(text: str) -> str:
    """Trackers get one line per fact, whatever the YAML or the shell did to the text."""
    return " ".join(text.split())


def render_record(record: SpikeRecord) -> str | None:
    """The record's lines, or None when nothing happened yet (not started, not closed)."""
    lines: list[str] = []
    if record.started_at is not None:
        at = record.started_at
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        lines.append(f"Started: {at:%Y-%m-%d %H:%M} UTC")
    lines += [
        f"Extended: +{ext.days} day{'s' if ext.days != 1 else ''} on "
        f"{ext.granted_on.isoformat()}: {one_line(ext.reason)}"
        for ext in record.extensions
    ]
    if record.outcome is not None:
        lines.append(f"Outcome: {record.outcome.value}")
    if record.learning and record.learning.strip():
        lines.append(f"Learning: {one_line(record.learning)}")
    return "\n".join(lines) or None


def parse_record(text: str | None) -> SpikeRecord:
    """The record from its lines (lenient: unknown lines and bad values are left out)."""
    started: datetime | None = None
    extensions: list[RecordedExtension] = []
    outcome: SpikeOutcome | None = None
    learning: str | None = None
    for raw in (text or "").splitlines():
        line = raw.strip()
        if match := _STARTED.match(line):
            started = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        elif match := _EXTENDED.match(line):
            try:
                on = date.fromisoformat(match.group(2))
            except ValueError:
                continue
            extensions.append(RecordedExtension(int(match.group(1)), match.group(3), on))
        elif (match := _OUTCOME.match(line)) and match.group(1) in _OUTCOMES:
            outcome = SpikeOutcome(match.group(1))
        elif match := _LEARNING.match(line):
            learning = match.group(1)
    return SpikeRecord(started, tuple(extensions), outcome, learning)


def record_lines(value: str | None) -> list[str]:
    return [line for line in (value or "").split("\n") if line]
