"""Every sprint of the project's board, closed ones included (for `import`).

The Agile API lists a board's sprints 50 to a page, oldest first, with their dates as the
team set them. A future sprint may have no dates yet.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from tracker_bridge.tracker import RemoteSprint

from .client import JiraCallError, JiraClient
from .metadata import Metadata, call_error

_STATES: dict[str, Literal["future", "active", "closed"]] = {
    "future": "future",
    "active": "active",
    "closed": "closed",
}


def list_board_sprints(client: JiraClient, metadata: Metadata) -> list[RemoteSprint]:
    board, start = metadata.board_id(), 0
    found: list[RemoteSprint] = []
    try:
        while True:
            params = {"startAt": start, "maxResults": 50, "state": "future,active,closed"}
            page = client.get(f"board/{board}/sprint", params, agile=True)
            values = list((page or {}).get("values") or ())
            found += [_sprint(value) for value in values]
            if (page or {}).get("isLast", True) or not values:
                break
            start += len(values)
    except JiraCallError as exc:
        raise call_error(exc, "listing the board's sprints", metadata.url) from None
    return found


def _sprint(value: dict[str, Any]) -> RemoteSprint:
    return RemoteSprint(
        remote_id=str(value["id"]),
        name=str(value.get("name") or f"Sprint {value['id']}"),
        start=_day(value.get("startDate")),
        end=_day(value.get("endDate")),
        state=_STATES.get(str(value.get("state") or "future").lower(), "future"),
        goal=str(value.get("goal") or ""),
    )


def _day(text: Any) -> date | None:
    """The date as written (`2026-09-07T00:00:00.000+00:00`), as `Sprints` compares it."""
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None
