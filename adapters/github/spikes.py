"""Closing a spike on GitHub: the issue closed with the reason its outcome gives, and a
comment with the outcome and the learning (pure: the writer sends them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.model import FieldValue, SpikeOutcome
from tracker_bridge.model.spike_record import parse_record


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
    old = parse_record("\n".join(bodies.parse(raw.get("body")).spike_record))
    if new.outcome is None or new.outcome == old.outcome:
        return None
    reason = "not_planned" if new.outcome is SpikeOutcome.ABANDONED else "completed"
    state: dict[str, str] = {}
    if raw.get("state") != "closed" or raw.get("state_reason") != reason:
        state = {"state": "closed", "state_reason": reason}
    learning = new.learning or "(no learning recorded)"
    comment = f"Spike closed: **{new.outcome.value}**\n\nLearning: {learning}"
    return SpikeClosing(state, comment)
