"""What `mapping init` reads from a live Jira project (reads only); mapping_init.py renders it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker_bridge.tracker import AdapterError

from .client import JiraCallError
from .doctor_workflow import read_graph
from .mapping_init import ProjectFacts, StatusInfo

if TYPE_CHECKING:
    from .adapter import JiraAdapter

SCREEN_VALUES = {
    "resolution": "Done",
    "assignee": "{keep: current}            # never overwrites who is assigned",
    "worklog": "{log_work: 1m}",
}


def read_facts(adapter: JiraAdapter) -> ProjectFacts:
    meta = adapter.meta
    project = meta.project_json()
    types = [str(t["name"]) for t in project.get("issueTypes") or () if not t.get("subtask")]
    try:
        per_type = adapter.client.get(f"project/{adapter.project}/statuses") or []
    except JiraCallError as exc:
        raise AdapterError(f"reading the statuses of {adapter.project}: {exc}") from None
    statuses: dict[str, StatusInfo] = {}
    for entry in per_type:
        if entry.get("subtask"):
            continue
        for status in entry.get("statuses") or ():
            category = str((status.get("statusCategory") or {}).get("key") or "indeterminate")
            name = str(status.get("name") or "")
            statuses.setdefault(name.casefold(), StatusInfo(name, category))
    schema = meta.schema()
    try:
        board: int | None = meta.board_id()
    except AdapterError:
        board = None
    screens: dict[str, str] = {}
    for type_id in sorted(set(schema.issue_type_ids.values())):
        graph, _ = read_graph(adapter, type_id)
        for edges in graph.edges.values():
            for transition in edges:
                for key, name in transition.required:
                    screens.setdefault(
                        key, SCREEN_VALUES.get(key, f"null   # {name}: required by a screen")
                    )
    return ProjectFacts(
        project=adapter.project,
        issue_types=types,
        statuses=list(statuses.values()),
        story_points=_field_name(adapter, schema.points_field),
        epic_link="auto",
        board_id=board,
        transition_fields={k: v for k, v in screens.items() if k != "resolution"},
    )


def _field_name(adapter: JiraAdapter, field_id: str | None) -> str | None:
    if field_id is None:
        return None
    try:
        fields = adapter.client.get("field") or []
    except JiraCallError:
        return field_id
    return next((str(f["name"]) for f in fields if f.get("id") == field_id), field_id)
