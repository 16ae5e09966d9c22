"""Several stages on one Status option, lossless: the option plus a refinement label give
the stage (projects mode, a board with fewer Status options than our eight stages).

The label of a stage is `labels.stages[stage]` (`stage:in-staging`), the same label labels
mode uses. The option's first stage needs none: the option alone means it. Reading back, as
on Jira's coarse workflows:

- the option carries one stage: that stage;
- the issue carries the refinement label of one of the option's stages, and the refinement
  labels last changed at or after the Status value did (per the issue's timeline and the
  value's `updatedAt`): that stage. Our own moves set the Status first, then the label; a
  person who moves the card and then sets the label chose it too;
- otherwise (no label, or one left from before a person moved the card): the option's first
  stage, which is what the option means on its own.

Pure: no I/O. `events` are the issue's `LabeledEvent`/`UnlabeledEvent` timeline nodes,
oldest first (`{"__typename", "createdAt", "label": {"name"}}`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.model import Stage


@dataclass(frozen=True)
class RefinementTimes:
    """When the refinement labels last changed, and which ones that change added."""

    changed_at: str | None = None
    added: tuple[Stage, ...] = ()


def refinement_times(
    mapping: GitHubMapping, events: Sequence[Mapping[str, Any]]
) -> RefinementTimes:
    stages = {name.casefold(): stage for stage, name in mapping.labels.stages.items()}
    changed_at: str | None = None
    added: tuple[Stage, ...] = ()
    for event in events:
        name = str(((event or {}).get("label") or {}).get("name") or "").casefold()
        if name not in stages or not event.get("createdAt"):
            continue
        when = str(event["createdAt"])
        labeled = event.get("__typename") == "LabeledEvent"
        if changed_at is None or _time(when) > _time(changed_at):
            added = ()
        changed_at = when
        if labeled:
            added = (*added, stages[name])
    return RefinementTimes(changed_at, added)


def read_stage(
    mapping: GitHubMapping,
    option: str | None,
    labels: Iterable[str],
    status_at: str | None,
    times: RefinementTimes | None,
) -> Stage | None:
    """The issue's stage from its Status option, labels and their times (module docstring).
    None when the option carries no stage."""
    stages = mapping.stages_on(option)
    if len(stages) <= 1:
        return stages[0] if stages else None
    refined = mapping.refinement_stages({label.casefold() for label in labels}) & set(stages)
    if not refined or not _fresh(status_at, times):
        return stages[0]
    # A person who added a label without removing the other means the one added last;
    # otherwise the furthest along the board (cards move forward far more than back).
    latest = refined & set(times.added if times else ())
    chosen = latest or refined
    return max(chosen, key=list(Stage).index)


def _fresh(status_at: str | None, times: RefinementTimes | None) -> bool:
    if status_at is None:  # no time for the Status value: nothing says the label is older
        return True
    if times is None or times.changed_at is None:
        return False
    return _time(times.changed_at) >= _time(status_at)


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
