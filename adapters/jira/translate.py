"""Pure translation between canonical work items and Jira issue JSON (REST v2). No I/O here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from tracker_bridge.model import FieldValue, Kind, SpikeOutcome, Stage, Track, WorkItem
from tracker_bridge.model.checklist import checklist_value, ticked
from tracker_bridge.model.spike_record import parse_record, record_lines

from .mapping import JiraMapping
from .refinement import read_stage, stage_history
from .tool_section import Description, ToolSection, join, split, with_text

STRANDED_PROPERTY = "tracker-bridge.stranded"
"""Issue property our stage mover leaves when a move stopped part way (see stages.py)."""
STAGE_VALUES = frozenset(stage.value for stage in Stage)

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class JiraSchema:
    """What the adapter learned about the project (ids differ per instance)."""

    project_id: str
    is_cloud: bool
    issue_type_ids: Mapping[Kind, str]
    """Kind -> issue type id; spike points at the fallback type when the project has no Spike."""
    spike_uses_label: bool = False
    points_field: str | None = None
    epic_link_field: str | None = None
    """Data Center "Epic Link" custom field; None links through `parent`."""
    epic_name_field: str | None = None
    """Set when creating an Epic requires "Epic Name"."""
    flagged_field: str | None = None
    sprint_field: str | None = None
    issue_type_names: Mapping[str, str] = field(default_factory=dict)
    """Issue type id -> name, to read kinds back."""


log = logging.getLogger(__name__)


def marker_label(mapping: JiraMapping, item_id: str) -> str:
    return f"{mapping.marker.label_prefix}{item_id}"


def reserved_labels(mapping: JiraMapping, item_id: str | None) -> set[str]:
    """Labels the tool manages itself; people never see them as canonical labels."""
    labels = {mapping.spike_fallback.label, *OUTCOME_LABELS}
    if mapping.tracks.as_ == "label":
        labels |= {mapping.tracks.research, mapping.tracks.engineering}
    if mapping.blocked.as_ == "label":
        labels.add(mapping.blocked.label)
    labels |= set(mapping.refinement_labels())
    if item_id is not None:
        labels.add(marker_label(mapping, item_id))
    return labels


OUTCOME_LABEL = "spike-outcome:"
"""A closed spike's outcome as a label (`spike-outcome:validated`): searchable by JQL."""
OUTCOME_LABELS = frozenset(OUTCOME_LABEL + o.value for o in SpikeOutcome)


def outcome_label(record: FieldValue) -> str | None:
    outcome = parse_record(None if record is None else str(record)).outcome
    return None if outcome is None else OUTCOME_LABEL + outcome.value


def item_description(item: WorkItem) -> str:
    """The Jira description of a new issue: the item's, then the tool's own section."""
    timebox = item.timebox
    checklist = ticked(checklist_value(item.acceptance_criteria, item.definition_of_done),
                       item.checked)
    section = ToolSection(
        timebox.hypothesis if timebox else None,
        timebox.length_days if timebox else None,
        tuple(record_lines(timebox.record_text() if timebox else None)),
        tuple(checklist),
    )
    return join(Description(item.description, section))


def item_due(item: WorkItem, mapping: JiraMapping) -> str | None:
    """The due date to write: the item's own, else the day a started spike's time-box ends
    in the team's time zone (`WorkItem.effective_due`)."""
    if item.due is not None:
        return item.due.isoformat()
    if mapping.fields.spike_due_from_timebox and item.timebox is not None:
        due = item.effective_due
        return due.isoformat() if due else None
    return None


def labels_for(
    mapping: JiraMapping,
    schema: JiraSchema,
    item_id: str,
    *,
    kind: str,
    track: str,
    blocked: bool,
    labels: Iterable[str],
    keep: Iterable[str] = (),
    outcome: str | None = None,
) -> list[str]:
    """The full Jira label list for an issue: user labels plus the tool's own labels.
    `keep`: labels of the tool's own that stay as they are (stage refinements)."""
    out = set(labels) - reserved_labels(mapping, item_id)
    out |= set(keep)
    out.add(marker_label(mapping, item_id))
    if kind == Kind.SPIKE.value and schema.spike_uses_label:
        out.add(mapping.spike_fallback.label)
    if mapping.tracks.as_ == "label":
        out.add(mapping.tracks.name_for(Track(track)))
    if blocked and mapping.blocked.as_ == "label":
        out.add(mapping.blocked.label)
    if outcome is not None:
        out.add(outcome)
    return sorted(out)


def user(schema: JiraSchema, who: str | None) -> JsonDict | None:
    if who is None:
        return None
    return {"accountId": who} if schema.is_cloud else {"name": who}


def parent_fields(schema: JiraSchema, parent_key: str | None) -> JsonDict:
    if schema.epic_link_field is not None:
        return {schema.epic_link_field: parent_key}
    return {"parent": {"key": parent_key} if parent_key else None}


def to_remote(
    item: WorkItem, mapping: JiraMapping, schema: JiraSchema, parent_key: str | None = None
) -> JsonDict:
    """The `fields` of a create request for this item (stage and sprint are set later)."""
    fields: JsonDict = {
        "project": {"id": schema.project_id},
        "issuetype": {"id": schema.issue_type_ids[item.kind]},
        "summary": item.title,
        "labels": labels_for(
            mapping,
            schema,
            item.id,
            kind=item.kind.value,
            track=item.track.value,
            blocked=item.blocked,
            labels=item.labels,
            outcome=outcome_label(item.sync_values()["spike"]),
        ),
    }
    description = item_description(item)
    if description:
        fields["description"] = description
    if mapping.tracks.as_ == "component":
        fields["components"] = [{"name": mapping.tracks.name_for(item.track)}]
    if item.points is not None and schema.points_field:
        fields[schema.points_field] = item.points
    due = item_due(item, mapping)
    if due is not None:
        fields["duedate"] = due
    if item.assignee is not None:
        fields["assignee"] = user(schema, item.assignee)
    if item.blocked and mapping.blocked.as_ == "flag" and schema.flagged_field:
        fields[schema.flagged_field] = [{"value": "Impediment"}]
    if item.kind is Kind.EPIC and schema.epic_name_field:
        fields[schema.epic_name_field] = item.title
    if parent_key is not None:
        fields.update(parent_fields(schema, parent_key))
    return fields


DESCRIPTION_FIELDS = frozenset({"description", "spike", "acceptance", "checked"})
"""Fields the description carries (the item's text and the tool's section)."""
LABEL_FIELDS = frozenset({"labels", "track", "blocked", "kind", "spike"})
"""Fields Jira keeps in the one `labels` list (a spike's outcome is a label too)."""


def update_to_remote(
    changes: Mapping[str, FieldValue],
    mapping: JiraMapping,
    schema: JiraSchema,
    current: Mapping[str, FieldValue] | None = None,
    item_id: str | None = None,
    written: Description | None = None,
    keep: Iterable[str] = (),
) -> JsonDict:
    """The `fields` of an edit. `current` (canonical values read from the issue) is needed
    only when a label-borne field changes, since Jira keeps them all in one `labels` list;
    `written` (the description as on the issue, taken apart) keeps a spike's section under
    a new description, and the person's text around it under a new record."""
    fields: JsonDict = {}
    if DESCRIPTION_FIELDS & set(changes):
        described = written or Description()
        if "description" in changes:
            described = with_text(described, str(changes["description"] or ""))
        section = described.section or ToolSection()
        if "spike" in changes:
            section = replace(section, record=tuple(record_lines(_text(changes["spike"]))))
        if {"acceptance", "checked"} & set(changes):
            written_value, checked = described.checklist
            wanted = _text(changes["acceptance"]) if "acceptance" in changes else written_value
            boxes = changes.get("checked", checked)
            ticks = boxes if isinstance(boxes, tuple) else ()
            section = replace(section, checklist=tuple(ticked(wanted, ticks)))
        fields["description"] = join(replace(described, section=section))
    for name, value in changes.items():
        if name == "title":
            fields["summary"] = value
        elif name == "points" and schema.points_field:
            fields[schema.points_field] = value
        elif name == "due":
            fields["duedate"] = value
        elif name == "assignee":
            fields["assignee"] = user(schema, value if isinstance(value, str) else None)
        elif name == "kind" and isinstance(value, str):
            fields["issuetype"] = {"id": schema.issue_type_ids[Kind(value)]}
        elif name == "track" and mapping.tracks.as_ == "component" and isinstance(value, str):
            fields["components"] = [{"name": mapping.tracks.name_for(Track(value))}]
        elif name == "blocked" and mapping.blocked.as_ == "flag" and schema.flagged_field:
            fields[schema.flagged_field] = [{"value": "Impediment"}] if value else None
    if LABEL_FIELDS & set(changes) and current is not None and item_id is not None:
        merged = {**current, **changes}
        labels = merged.get("labels") or ()
        fields["labels"] = labels_for(
            mapping,
            schema,
            item_id,
            kind=str(merged.get("kind") or Kind.TASK.value),
            track=str(merged.get("track") or Track.ENGINEERING.value),
            blocked=bool(merged.get("blocked")),
            labels=labels if isinstance(labels, tuple) else (),
            keep=keep,
            outcome=outcome_label(merged.get("spike")),
        )
    return fields


def _text(value: FieldValue) -> str | None:
    return None if value is None else str(value)


def item_id_of(mapping: JiraMapping, labels: Iterable[str]) -> str | None:
    """The item id of the issue's one marker label; None with none, or with several (two
    items claim the issue: it belongs to neither until a person keeps one)."""
    found = markers_of(mapping, labels)
    return found[0] if len(found) == 1 else None


def markers_of(mapping: JiraMapping, labels: Iterable[str]) -> list[str]:
    prefix = mapping.marker.label_prefix
    return sorted({label[len(prefix) :] for label in labels if label.startswith(prefix)})


def parse_time(text: str) -> datetime:
    """Jira timestamps (`2026-01-31T14:05:09.123+0100`) as aware UTC datetimes."""
    value = (
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
        if "." in text
        else (datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z"))
    )
    return value.astimezone(UTC)


def from_remote(
    issue: Mapping[str, Any],
    mapping: JiraMapping,
    schema: JiraSchema,
    *,
    key_to_item: Mapping[str, str] | None = None,
    sprint_to_item: Mapping[str, str] | None = None,
) -> tuple[str | None, dict[str, FieldValue]]:
    """(item id from the marker, canonical values) for one issue as search/GET returns it.

    Parent and sprint come back as canonical ids when the lookups know them (left out when
    they point at something the lookups cannot name).
    """
    fields: Mapping[str, Any] = issue.get("fields") or {}
    raw_labels = [str(label) for label in fields.get("labels") or ()]
    item_id = item_id_of(mapping, raw_labels)
    claims = markers_of(mapping, raw_labels)
    if len(claims) > 1:
        log.warning(
            "%s carries the markers of several items (%s): not used for any of them; "
            "remove the labels that are not its own",
            issue.get("key"),
            ", ".join(claims),
        )
    values: dict[str, FieldValue] = {
        "title": str(fields.get("summary") or ""),
    }
    described = split(str(fields.get("description") or ""))
    values["description"] = described.text
    values["spike"] = described.record
    values["acceptance"], values["checked"] = described.checklist
    issuetype = fields.get("issuetype") or {}
    kind = _kind(mapping, schema, issuetype, raw_labels)
    if kind is not None:
        values["kind"] = kind.value
    values["track"] = _track(mapping, fields, raw_labels).value
    if mapping.blocked.as_ == "label":
        values["blocked"] = mapping.blocked.label in raw_labels
    elif schema.flagged_field:
        values["blocked"] = bool(fields.get(schema.flagged_field))
    values["labels"] = tuple(sorted(set(raw_labels) - reserved_labels(mapping, item_id)))
    if schema.points_field:
        points = fields.get(schema.points_field)
        values["points"] = float(points) if isinstance(points, int | float) else None
    values["due"] = fields.get("duedate") or None
    assignee = fields.get("assignee") or {}
    values["assignee"] = (
        assignee.get("accountId") if schema.is_cloud else assignee.get("name")
    ) or None
    status = (fields.get("status") or {}).get("name")
    changelog = issue.get("changelog")
    histories = (
        _chronological(changelog.get("histories") or ())
        if isinstance(changelog, Mapping)
        else None
    )
    stage = read_stage(mapping, str(status), raw_labels, histories) if status else None
    stranded = (issue.get("properties") or {}).get(STRANDED_PROPERTY)
    status_id = str((fields.get("status") or {}).get("id") or "")
    if isinstance(stranded, Mapping) and stranded.get("status") == status_id:
        # Our own move stopped part way here: the issue still means where it started, not
        # a person's move (one who moves it on changes the status, and this no longer holds).
        stage = Stage(str(stranded["stage"])) if stranded.get("stage") in STAGE_VALUES else stage
    if stage is not None:
        values["stage"] = stage.value
    # A parent or sprint we cannot name canonically is left out, not reported as None.
    parent_key = parent_key_of(fields, schema)
    if parent_key is None:
        values["parent"] = None
    elif parent_key in (key_to_item or {}):
        values["parent"] = (key_to_item or {})[parent_key]
    if schema.sprint_field:
        sprint = current_sprint_id(fields.get(schema.sprint_field))
        if sprint is None:
            values["sprint"] = None
        elif sprint in (sprint_to_item or {}):
            values["sprint"] = (sprint_to_item or {})[sprint]
    return item_id, values


def parent_key_of(fields: Mapping[str, Any], schema: JiraSchema) -> str | None:
    if schema.epic_link_field is not None:
        link = fields.get(schema.epic_link_field)
        return str(link) if link else None
    parent = fields.get("parent") or {}
    key = parent.get("key") if isinstance(parent, Mapping) else None
    return str(key) if key else None


def current_sprint_id(value: Any) -> str | None:
    """The open (else newest) sprint of a Sprint field value (list of dicts or DC strings)."""
    if not value:
        return None
    sprints = value if isinstance(value, list) else [value]
    chosen: str | None = None
    for sprint in sprints:
        if isinstance(sprint, Mapping):
            chosen = str(sprint.get("id"))
            if sprint.get("state") in ("active", "future"):
                return chosen
        elif isinstance(sprint, str) and "id=" in sprint:
            # Old Data Center format: "com.atlassian...Sprint@1[id=3,state=ACTIVE,...]"
            chosen = sprint.split("id=", 1)[1].split(",", 1)[0]
            if "state=ACTIVE" in sprint or "state=FUTURE" in sprint:
                return chosen
    return chosen


def _kind(
    mapping: JiraMapping, schema: JiraSchema, issuetype: Mapping[str, Any], labels: list[str]
) -> Kind | None:
    name = str(issuetype.get("name") or schema.issue_type_names.get(str(issuetype.get("id")), ""))
    fallback = mapping.spike_fallback
    if (
        schema.spike_uses_label
        and fallback.label in labels
        and name.casefold() == fallback.issue_type.casefold()
    ):
        return Kind.SPIKE
    for kind, type_name in mapping.kinds.items():
        if kind is Kind.SPIKE and schema.spike_uses_label:
            continue
        if type_name.casefold() == name.casefold():
            return Kind(kind)
    return None


def _track(mapping: JiraMapping, fields: Mapping[str, Any], labels: list[str]) -> Track:
    names = set(labels)
    if mapping.tracks.as_ == "component":
        names = {str(c.get("name")) for c in fields.get("components") or ()}
    return Track.RESEARCH if mapping.tracks.research in names else Track.ENGINEERING


def stage_changes(
    issue: Mapping[str, Any], mapping: JiraMapping
) -> list[tuple[Stage | None, Stage, datetime]]:
    """Stage moves from an `expand=changelog` issue, oldest first: status moves and stage
    refinements (several stages on one status) alike."""
    histories = ((issue.get("changelog") or {}).get("histories")) or ()
    return stage_history(mapping, _chronological(histories), parse_time)


def _chronological(histories: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Oldest first (a stable sort: entries of the same millisecond keep their order)."""
    return sorted(histories, key=lambda history: parse_time(str(history["created"])))


_CATEGORY_STAGES = {"new": Stage.BACKLOG, "indeterminate": Stage.IN_PROGRESS, "done": Stage.DONE}
"""Jira's three status categories: where an issue in a status the mapping does not name is
counted (it is still work: a tracker-born item in "QA" is in progress, not missing)."""


def unmapped_of(
    issue: Mapping[str, Any], values: Mapping[str, FieldValue]
) -> tuple[tuple[str, ...], dict[str, FieldValue]]:
    """(what the mapping did not know, fallback values for a tracker-born item)."""
    fields: Mapping[str, Any] = issue.get("fields") or {}
    notes: list[str] = []
    fallback: dict[str, FieldValue] = {}
    if "kind" not in values:
        name = (fields.get("issuetype") or {}).get("name") or "?"
        notes.append(f'issue type "{name}" is not in the mapping (counted as a task)')
        fallback["kind"] = Kind.TASK.value
    status = fields.get("status") or {}
    if "stage" not in values and status.get("name"):
        category = str((status.get("statusCategory") or {}).get("key") or "new")
        stage = _CATEGORY_STAGES.get(category, Stage.BACKLOG)
        notes.append(
            f'status "{status["name"]}" is not in the mapping (counted as {stage.value}, '
            f"from its status category)"
        )
        fallback["stage"] = stage.value
    return tuple(notes), fallback


def sprint_entered_at(issue: Mapping[str, Any], sprint_id: str | None) -> datetime | None:
    """When the issue last joined sprint `sprint_id`, from an `expand=changelog` issue."""
    if sprint_id is None:
        return None
    entered: datetime | None = None
    for history in ((issue.get("changelog") or {}).get("histories")) or ():
        for entry in history.get("items") or ():
            if entry.get("field") != "Sprint":
                continue
            before = {s.strip() for s in str(entry.get("from") or "").split(",")}
            after = {s.strip() for s in str(entry.get("to") or "").split(",")}
            if sprint_id in after and sprint_id not in before:
                moment = parse_time(str(history["created"]))
                entered = moment if entered is None or moment > entered else entered
    return entered
