"""Several stages on one status, lossless: the status plus a refinement label give the stage.

A coarse workflow (To Do, In Progress, Done) has fewer statuses than our eight stages, so the
mapping lets one status carry several stages, and a label per stage (`stage:in-staging`) keeps
the finer one on the issue. Reading back:

- the status carries one stage: that stage;
- the issue carries the refinement label of one of the status's stages, set *after* the
  status last changed (per the changelog): that stage. A person who moved the card to this
  status and then set the label chose it; our own moves set the label after the transition;
- otherwise (no label, or a label left from before a person moved the card): the status's
  first stage, which is what the status means on its own.

Pure: no I/O. The changelog is the issue's `expand=changelog` histories, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tracker_bridge.model import Stage

from .mapping import JiraMapping


def refinements_in(mapping: JiraMapping, labels: Iterable[str]) -> set[Stage]:
    known = mapping.refinement_labels()
    return {known[label] for label in labels if label in known}


def choose(
    mapping: JiraMapping, status: str, refined: set[Stage], refinement_is_fresh: bool
) -> Stage | None:
    """The stage for a status and the refinements on the issue (see the module docstring)."""
    stages = mapping.stages_on(status)
    if not stages:
        return None
    if len(stages) == 1 or not refinement_is_fresh:
        return stages[0]
    # Two refinements at once (a person added one without removing the other): the one
    # furthest along the board, since a card moves forward far more often than back.
    chosen = [stage for stage in stages if stage in refined]
    return chosen[-1] if chosen else stages[0]


def _label_set(text: Any) -> set[str]:
    return set(str(text).split()) if text else set()


def refinement_is_fresh(mapping: JiraMapping, histories: Sequence[Mapping[str, Any]]) -> bool:
    """False when the status changed after the refinement labels last did (a stale label)."""
    last_status = last_refinement = -1
    for index, history in enumerate(histories):
        for entry in history.get("items") or ():
            if entry.get("field") == "status":
                last_status = index
            elif entry.get("field") == "labels":
                before = refinements_in(mapping, _label_set(entry.get("fromString")))
                after = refinements_in(mapping, _label_set(entry.get("toString")))
                if before != after:
                    last_refinement = index
    return last_refinement >= last_status


def read_stage(
    mapping: JiraMapping,
    status: str,
    labels: Iterable[str],
    histories: Sequence[Mapping[str, Any]] | None,
) -> Stage | None:
    """The issue's stage from its status, labels and (when read) its changelog."""
    fresh = histories is None or refinement_is_fresh(mapping, histories)
    refined = refinements_in(mapping, labels)
    latest = last_added(mapping, histories or ()) & refined
    return choose(mapping, status, latest or refined, fresh)


def last_added(mapping: JiraMapping, histories: Sequence[Mapping[str, Any]]) -> set[Stage]:
    """The refinements the last change of them added (a person who adds a label and leaves
    the old one means the new one)."""
    added: set[Stage] = set()
    for history in histories:
        for entry in history.get("items") or ():
            if entry.get("field") == "labels":
                before = refinements_in(mapping, _label_set(entry.get("fromString")))
                after = refinements_in(mapping, _label_set(entry.get("toString")))
                if before != after:
                    added = after - before
    return added


def stage_history(
    mapping: JiraMapping,
    histories: Sequence[Mapping[str, Any]],
    parse_time: Any,
) -> list[tuple[Stage | None, Stage, datetime]]:
    """Stage changes (before, after, when) from a changelog: status moves and refinement
    edits alike, each read as `read_stage` would have read the issue right after it."""
    status: str | None = None
    labels: set[str] | None = None
    for history in histories:  # the state before the first recorded change of each
        for entry in history.get("items") or ():
            if entry.get("field") == "status" and status is None:
                status = str(entry.get("fromString") or "")
            if entry.get("field") == "labels" and labels is None:
                labels = _label_set(entry.get("fromString"))
    if status is None:
        return []
    labels = labels or set()
    fresh = True
    before = choose(mapping, status, refinements_in(mapping, labels), fresh)
    out: list[tuple[Stage | None, Stage, datetime]] = []
    for history in histories:
        touched = False
        for entry in history.get("items") or ():
            if entry.get("field") == "status":
                status, fresh, touched = str(entry.get("toString") or ""), False, True
            elif entry.get("field") == "labels":
                new_labels = _label_set(entry.get("toString"))
                if refinements_in(mapping, new_labels) != refinements_in(mapping, labels):
                    fresh, touched = True, True
                labels = new_labels
        if not touched:
            continue
        after = choose(mapping, status, refinements_in(mapping, labels), fresh)
        if after is not None and after != before:
            out.append((before, after, parse_time(str(history["created"]))))
        before = after
    return out
