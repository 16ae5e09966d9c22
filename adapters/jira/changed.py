"""When a Jira issue's synced fields last changed, read from its `expand=changelog` histories.

The pull already asks for the changelog, so these times cost no request. Each time is the
moment the field took its current value (the last history entry that changed it), which is
when the change happened in Jira, not when we read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .mapping import JiraMapping
from .refinement import stage_history
from .translate import JiraSchema, parse_time

POINTS_NAMES = frozenset({"Story Points", "Story point estimate"})


def changed_at(
    issue: Mapping[str, Any], mapping: JiraMapping, schema: JiraSchema
) -> dict[str, datetime]:
    """Canonical field -> when it last changed in Jira (fields with no entry are left out)."""
    histories = sorted(
        ((issue.get("changelog") or {}).get("histories")) or (),
        key=lambda history: parse_time(str(history["created"])),
    )
    times: dict[str, datetime] = {}
    moves = stage_history(mapping, histories, parse_time)
    if moves:
        times["stage"] = moves[-1][2]
    sprint = _last(histories, lambda e: e.get("field") == "Sprint"
                   or (schema.sprint_field is not None and e.get("fieldId") == schema.sprint_field))
    if sprint is not None:
        times["sprint"] = sprint
    if schema.points_field is not None:
        # Data Center's entries carry no fieldId: the field's usual names then.
        points = _last(histories, lambda e: e.get("fieldId") == schema.points_field
                       or (not e.get("fieldId") and e.get("field") in POINTS_NAMES))
        if points is not None:
            times["points"] = points
    return times


def _last(histories: Iterable[Mapping[str, Any]], matches: Any) -> datetime | None:
    found: datetime | None = None
    for history in histories:
        if any(matches(entry) for entry in history.get("items") or ()):
            found = parse_time(str(history["created"]))
    return found
