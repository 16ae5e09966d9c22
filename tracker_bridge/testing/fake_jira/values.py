"""Field values: what may be set, how it is stored, and the changelog item it produces."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import custom_fields, versions
from .custom_fields import CustomField
from .errors import jira_error, not_on_screen
from .state import PRIORITIES, Issue
from .versions import VERSION_FIELDS

if TYPE_CHECKING:
    from .data import JiraData

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_value(
    data: JiraData,
    field_id: str,
    value: Any,
    type_entry: tuple[str, str, bool] | None,
    project: str | None = None,
) -> str:
    """Why this value cannot be set ("" when it can); `project` is the issue's project key."""
    c = data.custom
    if field_id == "summary":
        if not isinstance(value, str) or not value.strip():
            return "You must specify a summary of the issue."
        return "Summary must be less than 255 characters." if len(value) > 254 else ""
    if field_id == "description":
        return "" if value is None or isinstance(value, str | dict) else "Invalid description"
    if field_id == "labels":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "Labels must be a list of strings."
        bad = next((v for v in value if " " in v or not v), None)
        return f"The label '{bad}' contains spaces which is invalid." if bad is not None else ""
    if field_id == "duedate":
        ok = value is None or (isinstance(value, str) and _DATE.match(value))
        return "" if ok else f"Error parsing date string: {value}"
    if field_id == "priority":
        if value is None:
            return ""
        ok = isinstance(value, Mapping) and any(
            str(value.get("id")) == pid or str(value.get("name", "")).lower() == name.lower()
            for pid, name in PRIORITIES
        )
        return "" if ok else "Specify the Priority (id or name) in the string format"
    if field_id in ("assignee", "reporter"):
        if value is None:
            return "" if field_id == "assignee" else "Reporter is required."
        wanted = (
            value.get("accountId" if data.flavour == "cloud" else "name")
            if isinstance(value, Mapping)
            else None
        )
        known = data.name_by_account if data.flavour == "cloud" else data.people
        return "" if wanted in known else f"User '{wanted}' does not exist."
    if field_id == "components":
        ok = isinstance(value, list) and all(isinstance(v, Mapping) for v in value)
        return "" if ok else "Components must be a list of {name} or {id} objects."
    if field_id == "parent":
        return check_parent(data, value, type_entry)
    if field_id == c.story_points:
        ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        return "" if ok else "Operation value must be a number"
    if field_id == c.sprint:
        if value is None:
            return ""
        sprint = data.sprints.get(value) if isinstance(value, int) else None
        if sprint is None:
            return f"Sprint with id {value} does not exist."
        return "" if sprint.state != "closed" else "Issues cannot be added to a closed sprint."
    if c.epic_link and field_id == c.epic_link:
        if value is None:
            return ""
        target = data.find_issue(str(value))
        if target is None or not data.is_epic(target):
            return f"The issue {value} is not an Epic."
        return ""
    if c.epic_name and field_id == c.epic_name:
        return "" if value is None or isinstance(value, str) else "Epic Name must be text."
    if field_id in VERSION_FIELDS:
        return versions.check(data, project, value)
    if field_id in data.custom_defs:
        return custom_fields.check(data, data.custom_defs[field_id], value)
    return not_on_screen(field_id)


def check_parent(data: JiraData, value: Any, type_entry: tuple[str, str, bool] | None) -> str:
    if value is None:
        return ""
    subtask = bool(type_entry and type_entry[2])
    if data.flavour == "datacenter" and not subtask:
        return not_on_screen("parent")
    ref = value.get("key") or value.get("id") if isinstance(value, Mapping) else None
    target = data.find_issue(str(ref)) if ref else None
    if target is None:
        return "Could not find issue by id or key."
    if not subtask and (not data.is_epic(target) or (type_entry and type_entry[1] == "Epic")):
        return "Given parent work item does not belong to appropriate hierarchy."
    return ""


def store_value(data: JiraData, issue: Issue, field_id: str, value: Any) -> dict[str, Any] | None:
    """Store one (already checked) value; the changelog item when it changed."""
    c = data.custom
    if field_id == "parent":
        target = data.find_issue(str(value.get("key") or value.get("id"))) if value else None
        old, issue.parent = issue.parent, target.key if target else None
        return change_item("Parent", "jira", "parent", old, issue.parent)
    if field_id == c.sprint:
        if value is None:
            data.move_to_backlog([issue])
        else:
            data.move_to_sprint([issue], data.sprints[value])
        return None
    if field_id == "priority" and value is not None:
        value = next(
            pid
            for pid, name in PRIORITIES
            if str(value.get("id")) == pid or str(value.get("name", "")).lower() == name.lower()
        )
    if field_id in ("assignee", "reporter") and value is not None:
        # Stored as the login name; rendered as the flavour's user object.
        value = (
            data.name_by_account[value["accountId"]] if data.flavour == "cloud" else value["name"]
        )
    if field_id == "components":
        value = [str(v.get("name") or v.get("id")) for v in value]
    if field_id == "labels":
        value = list(dict.fromkeys(value))
    if field_id == c.story_points and value is not None:
        value = float(value)
    if field_id in data.custom_defs:
        value = custom_fields.store(data, data.custom_defs[field_id], value)
    if field_id in VERSION_FIELDS:
        value = versions.ids(data, issue, value)
    old = issue.values.get(field_id)
    if old == value or (field_id in VERSION_FIELDS and not old and not value):
        return None
    issue.values[field_id] = value
    if field_id in VERSION_FIELDS:  # Jira logs versions by name ("Fix Version")
        label = "Fix Version" if field_id == "fixVersions" else "Version"
        return change_item(
            label, "jira", field_id, old, value, versions.names(data, old) or None,
            versions.names(data, value) or None,
        )  # fmt: skip
    custom = field_id.startswith("customfield_")
    name = data.field_name(field_id) if custom else field_id
    return change_item(name, "custom" if custom else "jira", field_id, old, value)


# -- edit ----------------------------------------------------------------------------------
def apply_ops(issue: Issue, field_id: str, operations: Any, data: JiraData) -> Any:
    if not isinstance(operations, list):
        raise jira_error(400, [], {field_id: "Operations must be a list."})
    current = list(issue.values.get(field_id) or [])
    if field_id == "components":
        current = [{"name": name} for name in current]
    if field_id in VERSION_FIELDS:
        current = [{"id": i, "name": data.versions[i].name} for i in current]
    cf = data.custom_defs.get(field_id)
    listy = ("labels", "components", *VERSION_FIELDS)
    if cf is not None and cf.type == "multiselect":
        current = [{"value": v} for v in current]
    value: Any = current
    for operation in operations:
        if not isinstance(operation, Mapping) or len(operation) != 1:
            raise jira_error(400, [], {field_id: "Invalid operation."})
        verb, argument = next(iter(operation.items()))
        if verb == "set":
            value = argument
        elif verb == "add" and (field_id in listy or _is_list(cf)):
            value = [*value, argument]
        elif verb == "remove" and (field_id in listy or _is_list(cf)):
            value = [v for v in value if v != argument and not _same_ref(v, argument)]
        else:
            raise jira_error(400, [], {field_id: f"Operation '{verb}' is not supported."})
    return value


READ_ONLY = frozenset(
    {
        "status",
        "resolution",
        "created",
        "updated",
        "project",
        "issuetype",
        "resolutiondate",
        "creator",
    }
)


def _is_list(cf: CustomField | None) -> bool:
    return cf is not None and cf.type in ("multiselect", "labels")


def _same_ref(value: Any, argument: Any) -> bool:
    """Whether an `update` remove names this element (by id, name or option value)."""
    if isinstance(value, Mapping) and isinstance(argument, Mapping):
        return any(
            key in argument and value.get(key) is not None and value.get(key) == argument[key]
            for key in ("id", "name", "value")
        )
    return False


def change_item(
    field: str,
    fieldtype: str,
    field_id: str,
    old: Any,
    new: Any,
    old_text: Any = ...,
    new_text: Any = ...,
) -> dict[str, Any] | None:
    def text(value: Any) -> str | None:
        if value is None:
            return None
        return " ".join(map(str, value)) if isinstance(value, list) else str(value)

    if old == new:
        return None
    by_id = field_id in ("status", "resolution", "parent") or field == "Sprint"
    return {
        "field": field,
        "fieldtype": fieldtype,
        "fieldId": field_id,
        "from": text(old) if by_id else None,
        "fromString": text(old) if old_text is ... else old_text,
        "to": text(new) if by_id else None,
        "toString": text(new) if new_text is ... else new_text,
    }
