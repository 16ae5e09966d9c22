"""Closing a spike on GitHub: the issue closed with the reason its outcome gives, and a
comment with the outcome and the learning (pure: the writer sends them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.model import FieldValue, SpikeOutcome, Stage
from tracker_bridge.model.spike_record import SpikeRecord, parse_record


@dataclass(frozen=True)
class SpikeClosing:
    state: dict[str, str]
    """PATCH fields: closed, `not_planned` when abandoned, else `completed`."""
    comment: str


def spike_closing(raw: Mapping[str, Any], changes: Mapping[str, FieldValue]) -> SpikeClosing | None:
    """What to send when this edit records a spike's outcome the issue does not have yet."""
    if "spike" not in changes:
        return None
    new = parse_record(None if changes["spike"] is None else str(changes["spike"]))
    if new.outcome is None or new.outcome == _recorded(raw).outcome:
        return None
    return _closing(raw, new)


def spike_closed_by_move(raw: Mapping[str, Any], stage: Stage) -> SpikeClosing | None:
    """What to send when a move to done closes an open issue whose body already records
    the spike's outcome: a spike closed before its issue existed is created with its
    record, then closed by the stage write -- with the same reason and comment."""
    if stage is not Stage.DONE or raw.get("state") == "closed":
        return None
    record = _recorded(raw)
    return None if record.outcome is None else _closing(raw, record)


def _recorded(raw: Mapping[str, Any]) -> SpikeRecord:
    return parse_record("\n".join(bodies.parse(raw.get("body")).spike_record))


def _closing(raw: Mapping[str, Any], record: SpikeRecord) -> SpikeClosing:
    assert record.outcome is not None
    reason = "not_planned" if record.outcome is SpikeOutcome.ABANDONED else "completed"
    state: dict[str, str] = {}
    if raw.get("state") != "closed" or raw.get("state_reason") != reason:
        state = {"state": "closed", "state_reason": reason}
    learning = record.learning or "(no learning recorded)"
    comment = f"Spike closed: **{record.outcome.value}**\n\nLearning: {learning}"
    return SpikeClosing(state, comment)
