"""Every sprint of the repository, closed ones included (for `import`): its milestones, or in
iteration mode the project's iterations (current, future and completed).

A milestone has a due date and no start: the start is left to the caller (the sprint before
ends the day before, or the cadence says). An open milestone or a not-yet-completed
iteration is reported `active`; whether it has begun depends on the day, which the caller
knows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker_bridge.tracker import AdapterError, RemoteSprint

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

PAGE = 100


def list_sprints(adapter: GitHubAdapter) -> list[RemoteSprint]:
    if adapter.mapping.sprint_mode == "iteration":
        return _iterations(adapter)
    return _milestones(adapter)


def _milestones(adapter: GitHubAdapter) -> list[RemoteSprint]:
    found: list[RemoteSprint] = []
    page = 1
    while True:
        params = {"state": "all", "per_page": PAGE, "page": page, "sort": "due_on"}
        reply = adapter.client.rest("GET", f"{adapter.repo_path}/milestones", params=params)
        if reply.status == 404:
            raise AdapterError(adapter.missing)
        stones = list(reply.data or [])
        found += [_milestone(stone) for stone in stones]
        if len(stones) < PAGE:
            break
        page += 1
    return sorted(found, key=lambda s: (s.end is None, s.end or date.min, int(s.remote_id)))


def _milestone(stone: dict[str, Any]) -> RemoteSprint:
    due = stone.get("due_on")
    return RemoteSprint(
        remote_id=str(stone["number"]),
        name=str(stone.get("title") or f"Milestone {stone['number']}"),
        start=None,
        end=date.fromisoformat(str(due)[:10]) if due else None,
        state="closed" if stone.get("state") == "closed" else "active",
        goal=_goal(stone.get("description")),
        claim_kind="milestone",
    )


def _goal(description: Any) -> str:
    """The description without a marker we wrote on an earlier seed."""
    text = str(description or "")
    return text.split("<!-- tracker-bridge:sprint=", 1)[0].strip()


def _iterations(adapter: GitHubAdapter) -> list[RemoteSprint]:
    if adapter.project is None:
        return []
    name = adapter.mapping.project.iteration_field
    schema = adapter.project.schema()
    found = schema.fields.get(name.casefold()) if name else None
    config = (found or {}).get("configuration") or {}
    rows = [(i, "active") for i in config.get("iterations", [])]
    rows += [(i, "closed") for i in config.get("completedIterations", [])]
    sprints = []
    for iteration, state in rows:
        start = date.fromisoformat(str(iteration["startDate"])[:10])
        days = max(int(iteration.get("duration") or 1), 1)
        sprints.append(
            RemoteSprint(
                remote_id=str(iteration["id"]),
                name=str(iteration.get("title") or f"Iteration {start}"),
                start=start,
                end=start + timedelta(days=days - 1),
                state="closed" if state == "closed" else "active",
                claim_kind="iteration",
            )
        )
    return sorted(sprints, key=lambda s: (s.start or date.min, s.remote_id))
