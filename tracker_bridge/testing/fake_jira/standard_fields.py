"""System fields every real issue carries that the sync itself never sets: sub-tasks, links,
votes, watchers, attachments, work log, time tracking, environment, last viewed.

Tools built on the `jira` library read them (`issue.fields.subtasks`, `.issuelinks`,
`.votes.votes`, `.watches.watchCount`…) and fail on a missing key, so the fake answers with
Jira's shapes: the sub-tasks it really has, and empty or zero values for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import ISSUE_TYPES, FieldDef

if TYPE_CHECKING:
    from .data import JiraData
    from .render import Renderer
    from .state import Issue

STANDARD_FIELDS: tuple[FieldDef, ...] = (
    FieldDef(
        "subtasks", "Sub-tasks", {"type": "array", "items": "issuelinks", "system": "subtasks"}
    ),
    FieldDef(
        "issuelinks",
        "Linked Issues",
        {"type": "array", "items": "issuelinks", "system": "issuelinks"},
    ),
    FieldDef(
        "attachment", "Attachment", {"type": "array", "items": "attachment", "system": "attachment"}
    ),
    FieldDef("votes", "Votes", {"type": "votes", "system": "votes"}),
    FieldDef("watches", "Watchers", {"type": "watches", "system": "watches"}),
    FieldDef(
        "worklog",
        "Log Work",
        {"type": "array", "items": "worklog", "system": "worklog"},
        navigable=False,
    ),
    FieldDef("timetracking", "Time tracking", {"type": "timetracking", "system": "timetracking"}),
    FieldDef("environment", "Environment", {"type": "string", "system": "environment"}),
    FieldDef("lastViewed", "Last Viewed", {"type": "datetime", "system": "lastViewed"}),
)


def render_standard(render: Renderer, issue: Issue) -> dict[str, Any]:
    data = render.data
    api = f"{render.base}/rest/api/2/issue/{issue.key}"
    children = render.subtasks.get(issue.key, [])
    creator = issue.values.get("creator") or data.username
    return {
        "subtasks": [render.issue_summary(child) for child in children],
        "issuelinks": [],
        "attachment": [],
        "votes": {"self": f"{api}/votes", "votes": 0, "hasVoted": False},
        # Jira makes whoever creates an issue its first watcher.
        "watches": {
            "self": f"{api}/watchers",
            "watchCount": 1,
            "isWatching": creator == data.username,
        },
        "worklog": {"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []},
        "timetracking": {},
        "environment": issue.values.get("environment"),
        "lastViewed": None,
    }


def subtasks_by_parent(data: JiraData) -> dict[str, list[Issue]]:
    """Each parent's sub-tasks in key order (built once per answer, not once per issue)."""
    kinds = {entry[0] for entry in ISSUE_TYPES if entry[2]}
    found: dict[str, list[Issue]] = {}
    for issue in sorted(data.issues.values(), key=lambda i: i.number):
        if issue.parent and issue.issuetype in kinds:
            found.setdefault(issue.parent, []).append(issue)
    return found
