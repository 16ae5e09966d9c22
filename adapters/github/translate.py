"""Pure translation between canonical values and GitHub issue JSON (no HTTP here).

`to_remote` builds the REST payload for a create or an edit; `from_remote` reads the list
payload (never a field that would need another request) plus, in projects mode, the item's
project field values already fetched by GraphQL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.adapters.github.labels import merge_labels, user_labels
from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.refinement import RefinementTimes, read_stage
from tracker_bridge.model import (
    FieldValue,
    Kind,
    RemoteRef,
    Sprint,
    SprintState,
    Stage,
    Track,
    WorkItem,
)
from tracker_bridge.model.checklist import checklist_value, read_checklist, ticked
from tracker_bridge.model.spike_record import record_lines
from tracker_bridge.tracker import RemoteItem

log = logging.getLogger(__name__)

Json = dict[str, Any]
SPRINT_MARKER = re.compile(r"<!--\s*tracker-bridge:sprint=([^ >]+)\s*-->")
ISSUE_URL = re.compile(r"/issues/(\d+)$")


@dataclass(frozen=True)
class ProjectValues:
    """One issue's Projects v2 values, by meaning (already resolved from ids to names)."""

    item_id: str | None = None
    status: str | None = None
    iteration_id: str | None = None
    iteration_start: str | None = None
    points: float | None = None
    status_at: str | None = None
    """When each value was set on the board (the field value's `updatedAt`, ISO)."""
    iteration_at: str | None = None
    points_at: str | None = None
    refinement: RefinementTimes | None = None
    """Coarse boards: when each stage label last changed (is it newer than the Status value?)."""

    def changed_at(self, mapping: GitHubMapping) -> dict[str, datetime]:
        """Canonical field -> when the board set it, for the fields the board carries."""
        options = {name.casefold() for name in mapping.project.status_options.values()}
        mapped = self.status is not None and self.status.casefold() in options
        times = {"stage": self._stage_at(mapping) if mapped else None}  # else open/closed
        if mapping.sprint_mode == "iteration":
            times["sprint"] = self.iteration_at
        if mapping.project.points_field:
            times["points"] = self.points_at
        return {f: parse_time(at) for f, at in times.items() if at}

    def _stage_at(self, mapping: GitHubMapping) -> str | None:
        """A move inside one coarse option is only a label change: when the refinement
        labels changed after the Status value, that change is when the stage last moved."""
        label_at = self.refinement.changed_at if self.refinement else None
        if len(mapping.stages_on(self.status)) <= 1 or label_at is None:
            return self.status_at
        if self.status_at is None or parse_time(label_at) > parse_time(self.status_at):
            return label_at
        return self.status_at


@dataclass(frozen=True)
class Lookups:
    """Ids the payload refers to that translation needs resolved to canonical ids."""

    item_by_number: Mapping[int, str] = field(default_factory=dict)
    sprint_by_iteration: Mapping[str, str] = field(default_factory=dict)
    parent_by_number: Mapping[int, int] = field(default_factory=dict)
    """Task-list fallback: child number -> epic number."""


# -- to GitHub ------------------------------------------------------------------------------
def body_for(item: WorkItem) -> bodies.Body:
    timebox = item.timebox
    due = item.effective_due
    return bodies.Body(
        description=item.description,
        item_id=item.id,
        due=due.isoformat() if due else None,
        timebox_days=timebox.total_days if timebox else None,
        hypothesis=timebox.hypothesis if timebox else None,
        spike_line=item.kind is Kind.SPIKE,
        spike_record=tuple(record_lines(timebox.record_text() if timebox else None)),
        checklist=tuple(ticked(
            checklist_value(item.acceptance_criteria, item.definition_of_done), item.checked
        )),
    )


def to_remote(item: WorkItem, mapping: GitHubMapping, *, issue_types: bool = False) -> Json:
    """The create payload. Stage goes on as a label (labels mode, not done): it is free here."""
    values = item.sync_values()
    create_values = {k: v for k, v in values.items() if k != "stage"}
    if mapping.mode == "labels" and item.stage is not Stage.DONE:
        create_values["stage"] = item.stage.value
    payload: Json = {
        "title": item.title,
        "body": bodies.render(body_for(item)),
        "labels": merge_labels(mapping, [], create_values),
    }
    if item.assignee:
        payload["assignees"] = [item.assignee]
    if issue_types and item.kind in mapping.issue_types:
        payload["type"] = mapping.issue_types[item.kind]
    return payload


def edit_payload(
    mapping: GitHubMapping,
    raw: Json,
    changes: Mapping[str, FieldValue],
    *,
    issue_types: bool,
    item_id: str | None = None,
) -> Json:
    """PATCH body for `update_fields` on the issue as it is now (`raw`).

    Writing the body re-appends the marker (`item_id`) even if a person deleted it.
    """
    payload: Json = {}
    if "title" in changes:
        payload["title"] = changes["title"]
    if {"description", "due", "spike", "acceptance", "checked"} & set(changes):
        parts = bodies.parse(raw.get("body"))
        if parts.item_id is None and item_id:
            parts = parts.with_changes(item_id=item_id)
        if "description" in changes:
            parts = parts.with_changes(description=str(changes["description"] or ""))
        if "due" in changes:
            parts = parts.with_changes(due=changes["due"])
        if "spike" in changes:
            lines = tuple(record_lines(_text(changes["spike"])))
            parts = parts.with_changes(spike_record=lines, spike_line=True)
        if {"acceptance", "checked"} & set(changes):
            value, checked = read_checklist(parts.checklist)
            value = _text(changes["acceptance"]) if "acceptance" in changes else value
            boxes = changes.get("checked", checked)
            ticks = boxes if isinstance(boxes, tuple) else ()
            parts = parts.with_changes(checklist=tuple(ticked(value, ticks)))
        payload["body"] = bodies.render(parts)
    label_fields = ("kind", "track", "blocked", "labels")
    label_changes = {k: v for k, v in changes.items() if k in label_fields}
    if "points" in changes and mapping.mode == "labels":
        label_changes["points"] = changes["points"]
    current = [str(label["name"]) for label in raw.get("labels") or []]
    if _stale_stage_label(mapping, raw, current):
        # Closed by hand, so read as done, but still labelled with the stage it had: this
        # write takes the stale label off, as a move to done would have.
        label_changes["stage"] = Stage.DONE.value
    if label_changes:
        payload["labels"] = merge_labels(mapping, current, label_changes)
    if "assignee" in changes:
        payload["assignees"] = [changes["assignee"]] if changes["assignee"] else []
    if "kind" in changes and issue_types and changes["kind"]:
        kind = Kind(str(changes["kind"]))
        if kind in mapping.issue_types:
            payload["type"] = mapping.issue_types[kind]
    return payload


def _stale_stage_label(mapping: GitHubMapping, raw: Json, current: list[str]) -> bool:
    """A closed issue (done) that still carries a stage label, in labels mode."""
    if mapping.mode != "labels" or raw.get("state") != "closed":
        return False
    stage_labels = {name.casefold() for name in mapping.labels.stages.values()}
    return any(name.casefold() in stage_labels for name in current)


def stage_payload(mapping: GitHubMapping, raw: Json, stage: Stage) -> Json:
    """PATCH body that puts the issue in `stage` (labels, and open/closed for done)."""
    payload: Json = {}
    if mapping.mode == "labels" or mapping.coarse:  # coarse: the refinement label
        current = [str(label["name"]) for label in raw.get("labels") or []]
        labels = merge_labels(mapping, current, {"stage": stage.value})
        if labels != current:
            payload["labels"] = labels
    if stage is Stage.DONE and raw.get("state") != "closed":
        payload.update(state="closed", state_reason="completed")
    elif stage is not Stage.DONE and raw.get("state") == "closed":
        payload.update(state="open")
    return payload


def milestone_payload(sprint: Sprint) -> Json:
    """Milestone fields for a sprint; due at UTC noon so no time zone moves the date."""
    goal = sprint.goal.strip()
    description = f"{goal}\n\n" if goal else ""
    return {
        "title": sprint.name,
        "state": "closed" if sprint.state is SprintState.CLOSED else "open",
        "description": f"{description}<!-- tracker-bridge:sprint={sprint.id} -->",
        "due_on": datetime.combine(sprint.end, time(12), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def milestone_differs(raw: Json, wanted: Json) -> bool:
    due = str(raw.get("due_on") or "")[:10]
    return bool(
        raw.get("title") != wanted["title"]
        or raw.get("state") != wanted["state"]
        or (raw.get("description") or "") != wanted["description"]
        or due != wanted["due_on"][:10]
    )


def sprint_id_of(milestone: Json | None) -> str | None:
    if not milestone:
        return None
    found = SPRINT_MARKER.search(str(milestone.get("description") or ""))
    return found.group(1) if found else None


# -- from GitHub ----------------------------------------------------------------------------
def issue_number(url: str | None) -> int | None:
    found = ISSUE_URL.search(url or "")
    return int(found.group(1)) if found else None


def from_remote(
    raw: Json,
    mapping: GitHubMapping,
    tracker: str,
    lookups: Lookups = Lookups(),
    project: ProjectValues | None = None,
) -> RemoteItem:
    """Canonical values of one issue from its list/get payload (and project values)."""
    names = [str(label["name"]) for label in raw.get("labels") or []]
    folded = {name.casefold() for name in names}
    parts = bodies.parse(raw.get("body"))
    acceptance, checked = read_checklist(parts.checklist)
    labels = mapping.labels
    kind = next((k.value for k, n in labels.kinds.items() if n.casefold() in folded), None)
    type_name = (raw.get("type") or {}).get("name")
    if kind is None and type_name:
        kind = next((k.value for k, n in mapping.issue_types.items() if n == type_name), None)
    track = next((t.value for t, n in labels.tracks.items() if n.casefold() in folded), None)
    values: dict[str, FieldValue] = {
        "title": raw.get("title") or "",
        "description": parts.description,
        "kind": kind or Kind.TASK.value,
        "track": track or Track.ENGINEERING.value,
        "labels": user_labels(mapping, names),
        "due": parts.due,
        "spike": "\n".join(parts.spike_record) or None,
        "acceptance": acceptance,
        "checked": checked,
        "assignee": _assignee(raw),
        "blocked": labels.blocked.casefold() in folded,
        "stage": _stage(mapping, raw, folded, project),
    }
    parent = _parent_number(raw, lookups)
    if parent is None or parent in lookups.item_by_number:
        values["parent"] = lookups.item_by_number.get(parent) if parent is not None else None
    # else: a parent we cannot name canonically (not bound yet) is left out, not None.
    if mapping.mode == "labels" and labels.points_prefix is not None:
        values["points"] = _points_label(labels.points_prefix, names)
    elif mapping.mode == "projects" and mapping.project.points_field:
        values["points"] = project.points if project else None
    if mapping.sprint_mode == "milestone":
        stone = raw.get("milestone")
        # A milestone without our marker is named by the sprint bound to it (an adopted one).
        values["sprint"] = sprint_id_of(stone) or (
            lookups.sprint_by_iteration.get(str(stone.get("number"))) if stone else None
        )
    elif project is not None and project.iteration_id:
        iteration = project.iteration_id
        values["sprint"] = lookups.sprint_by_iteration.get(iteration, iteration)
    else:
        values["sprint"] = None
    number = int(raw["number"])
    ref = RemoteRef(
        tracker=tracker,
        key=str(number),
        remote_id=str(raw["id"]),
        url=str(raw.get("html_url") or ""),
        version=str(raw.get("updated_at") or ""),
    )
    if parts.markers:
        log.warning(
            "%s#%s carries the markers of several items (%s): not used for any of them; "
            "edit its body to keep only its own",
            tracker,
            raw.get("number"),
            ", ".join(parts.markers),
        )
    return RemoteItem(
        ref, parts.item_id, values, parse_time(str(raw["updated_at"])),
        changed_at=project.changed_at(mapping) if project and mapping.mode == "projects" else {},
    )


def _stage(
    mapping: GitHubMapping, raw: Json, folded: set[str], project: ProjectValues | None
) -> str:
    if mapping.mode == "projects" and project is not None:
        names = [str(label["name"]) for label in raw.get("labels") or []]
        found = read_stage(mapping, project.status, names, project.status_at, project.refinement)
        if found is not None:
            return found.value
    if raw.get("state") == "closed":
        return Stage.DONE.value
    if mapping.mode == "labels":
        for stage in reversed(list(Stage)):  # the furthest stage wins if several are set
            if mapping.labels.stages[stage].casefold() in folded:
                return stage.value
    return Stage.BACKLOG.value


def _parent_number(raw: Json, lookups: Lookups) -> int | None:
    number = issue_number(raw.get("parent_issue_url"))
    if number is None:
        number = lookups.parent_by_number.get(int(raw["number"]))
    return number


def _text(value: FieldValue) -> str | None:
    return None if value is None else str(value)


def _assignee(raw: Json) -> str | None:
    people = raw.get("assignees") or []
    return str(people[0]["login"]) if people else None


def _points_label(prefix: str, names: list[str]) -> float | None:
    for name in names:
        if name.startswith(prefix):
            try:
                return float(name[len(prefix) :])
            except ValueError:
                continue
    return None


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """GitHub's `since` format; always converted to UTC first (PyGithub does not)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iteration_for(sprint: Sprint, iterations: list[Json]) -> Json | None:
    """The project iteration that starts on the sprint's start date."""
    start = sprint.start.isoformat()
    return next((it for it in iterations if it.get("startDate") == start), None)
