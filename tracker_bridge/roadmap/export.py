"""Roadmap files written from an existing tracker project (`tracker-bridge import`). Pure.

The reverse of the loader: issues as canonical values in, roadmap YAML out, so one package
owns the file format both ways. Every epic and item `adopt:`s the issue it came from, so the
first sync binds them and creates nothing on the source. Epics hold their children; work
under no epic goes in the phase's `items:`. The tracker's sprints, closed ones too, become the
phase's sprints and `adopt:` theirs (`export_sprints`); each item keeps its sprint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import StringIO
from typing import Any

from ruamel.yaml import YAML

from tracker_bridge.model import FieldValue, Kind
from tracker_bridge.model.planning import state_on
from tracker_bridge.roadmap.export_sprints import ImportedCadence, ImportedSprint, imported_cadence

_ITEM_FIELDS = ("stage", "points", "labels", "assignee", "due", "blocked", "description")


@dataclass(frozen=True)
class ImportedIssue:
    item_id: str
    claim: str
    """`jira:TREND-37`, `github:acme/repo#12`."""
    values: Mapping[str, FieldValue]
    """Canonical values (`tracker_bridge.tracker` conventions); `parent` an item id or None."""


def roadmap_text(
    project: str,
    issues: Sequence[ImportedIssue],
    *,
    today: date,
    spike_days: int = 10,
    source: str = "",
    cadence: ImportedCadence | None = None,
) -> str:
    cadence = cadence or imported_cadence(source, (), today)
    sprint_ids = {sprint.sprint_id for sprint in cadence.sprints}
    epics = [i for i in issues if i.values.get("kind") == Kind.EPIC.value]
    epic_ids = {e.item_id for e in epics}
    known = {i.item_id for i in issues}
    children: dict[str, list[dict[str, Any]]] = {e.item_id: [] for e in epics}
    loose: list[dict[str, Any]] = []
    for issue in issues:
        if issue.item_id in epic_ids:
            continue
        parent = issue.values.get("parent")
        parent = parent if parent in known else None  # a parent left out of the import
        entry = _item(issue, spike_days, parent if parent not in epic_ids else None)
        if issue.values.get("sprint") in sprint_ids:
            entry["sprint"] = issue.values["sprint"]
        (children[str(parent)] if parent in epic_ids else loose).append(entry)
    phase: dict[str, Any] = {"name": "Imported", "sprints": max(1, len(cadence.sprints))}
    phase["epics"] = [_epic(e, children[e.item_id]) for e in epics]
    if loose:
        phase["items"] = loose
    document: dict[str, Any] = {
        "project": project,
        "cadence": {
            "sprint_length_days": cadence.sprint_length_days,
            "first_sprint_start": cadence.first_sprint_start,
            "timezone": "UTC",
        },
        "phases": [phase],
    }
    if cadence.sprints:
        document["sprints"] = [_sprint(sprint, today) for sprint in cadence.sprints]
    out = StringIO()
    if source:
        out.write(
            f"# Imported from {source} by `tracker-bridge import`; every item adopts its\n"
            "# issue, so the first sync binds them and creates nothing there.\n"
        )
    yaml = YAML(typ="safe")  # the C emitter: a 1,000-issue file in a fraction of the time
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.dump(document, out)
    return out.getvalue()


def _sprint(sprint: ImportedSprint, today: date) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": sprint.sprint_id,
        "name": sprint.name,
        "start": sprint.start,
        "end": sprint.end,
    }
    if sprint.state != state_on(sprint.start, sprint.end, today).value:
        # Only where the tracker differs from the dates (closed early, not started yet):
        # otherwise the state follows the dates as the weeks pass, as for any sprint.
        data["state"] = sprint.state
    if sprint.goal:
        data["goal"] = sprint.goal
    data["adopt"] = [sprint.claim]
    return data


def _common(issue: ImportedIssue) -> dict[str, Any]:
    values = issue.values
    title = str(values.get("title") or "").strip()[:255] or issue.claim
    data: dict[str, Any] = {"id": issue.item_id, "title": title}
    if values.get("track"):
        data["track"] = values["track"]
    for name in _ITEM_FIELDS:
        value = values.get(name)
        if value in (None, "", (), False):
            continue
        data[name] = list(value) if isinstance(value, tuple) else value
    data["adopt"] = [issue.claim]
    return data


def _epic(issue: ImportedIssue, items: list[dict[str, Any]]) -> dict[str, Any]:
    data = _common(issue)
    data.pop("points", None)  # epics carry no points of their own in a roadmap
    data["items"] = items
    return data


def _item(issue: ImportedIssue, spike_days: int, parent: FieldValue) -> dict[str, Any]:
    kind = str(issue.values.get("kind") or Kind.TASK.value)
    common = _common(issue)
    data = {"id": common.pop("id"), "title": common.pop("title"), "kind": kind, **common}
    if parent:
        data["parent"] = parent  # an item (not an epic) it hangs under
    if kind == Kind.SPIKE.value:
        data["timebox"] = {"days": spike_days, "hypothesis": data["title"]}
    return data
