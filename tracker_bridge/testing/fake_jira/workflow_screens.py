"""Transition screens beyond Resolution: a required Assignee and a required work log.

Jira checks a required screen field against the value the issue would have after the
transition: an Assignee already set passes without being sent, an empty one fails. A work log
is never a `fields` value: it is sent as `update: {"worklog": [{"add": {"timeSpent": "1h"}}]}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import not_on_screen
from .state import Issue, jira_time
from .values import check_value, store_value

if TYPE_CHECKING:
    from .data import JiraData
    from .workflow import Transition

_DURATION = re.compile(r"^\s*(\d+\s*[wdhm]\s*)+$")


@dataclass
class Screen:
    errors: dict[str, str] = field(default_factory=dict)
    assignee: tuple[bool, Any] = (False, None)
    worklogs: list[dict[str, Any]] = field(default_factory=list)

    def store(self, data: JiraData, issue: Issue) -> None:
        """Apply the screen's values once the transition has gone through."""
        given, value = self.assignee
        if given:
            item = store_value(data, issue, "assignee", value)
            if item:
                data.touch(issue, [item])
        for entry in self.worklogs:
            issue.values.setdefault("worklog", []).append(
                {**entry, "started": jira_time(data.now())}
            )


def check_screen(
    data: JiraData,
    issue: Issue,
    transition: Transition,
    fields: Mapping[str, Any],
    update: Mapping[str, Any] | None,
) -> Screen:
    screen = Screen()
    if "assignee" in fields:
        problem = check_value(data, "assignee", fields["assignee"], None)
        if problem:
            screen.errors["assignee"] = problem
        screen.assignee = (True, fields["assignee"])
    if "assignee" in transition.requires:
        value = fields["assignee"] if "assignee" in fields else issue.values.get("assignee")
        if not value:
            screen.errors["assignee"] = "Assignee is required."
    for field_id in transition.validators:
        if not issue.values.get(field_id):
            name = data.field_by_id[field_id].name if field_id in data.field_by_id else field_id
            screen.errors[field_id] = f"{name} is required."
    operations = (update or {}).get("worklog")
    if operations is not None:
        if "worklog" not in transition.requires:
            screen.errors["worklog"] = not_on_screen("worklog")
        else:
            _worklogs(operations, screen)
    elif "worklog" in transition.requires:
        screen.errors["worklog"] = "Log Work is required."
    return screen


def _worklogs(operations: Any, screen: Screen) -> None:
    if not isinstance(operations, list) or not operations:
        screen.errors["worklog"] = "Log Work is required."
        return
    for operation in operations:
        entry = operation.get("add") if isinstance(operation, Mapping) else None
        if not isinstance(entry, Mapping):
            screen.errors["worklog"] = "Log Work is required."
            return
        spent = entry.get("timeSpent")
        if not isinstance(spent, str) or not _DURATION.match(spent):
            screen.errors["worklog"] = "Invalid time duration entered."
            return
        screen.worklogs.append({"timeSpent": spent, "comment": str(entry.get("comment") or "")})


def screen_as_a_person(
    data: JiraData, issue: Issue, transition: Transition
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a person fills in on a transition screen: Done, themselves if unassigned, 1h."""
    fields: dict[str, Any] = {}
    update: dict[str, Any] = {}
    if "resolution" in transition.requires:
        fields["resolution"] = {"name": "Done"}
    if "assignee" in transition.requires and not issue.values.get("assignee"):
        # The person clicking assigns themselves: the first team member (not the API user).
        me = next((name for name in data.people if name != data.username), data.username)
        ident = data.people[me] if data.flavour == "cloud" else me
        fields["assignee"] = {"accountId" if data.flavour == "cloud" else "name": ident}
    if "worklog" in transition.requires:
        update["worklog"] = [{"add": {"timeSpent": "1h"}}]
    return fields, update
