"""The Agile sprint state machine: future -> active -> closed, and what each state allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import jira_error
from .state import Sprint, parse_agile_time

if TYPE_CHECKING:
    from .app import FakeJira

SPRINT_FIELDS = ("name", "goal", "startDate", "endDate", "state", "completeDate", "originBoardId")


def parse_date(value: Any, name: str) -> Any:
    if value in (None, ""):
        return None
    try:
        return parse_agile_time(str(value))
    except ValueError:
        raise jira_error(400, [], {name: f"Invalid date format: {value}"}) from None


def apply_sprint_update(jira: FakeJira, sprint: Sprint, body: dict[str, Any]) -> None:
    """future -> active (needs both dates), active -> closed (sets completeDate); nothing else."""
    unknown = sorted(set(body) - set(SPRINT_FIELDS) - {"id", "self"})
    if unknown:
        raise jira_error(400, [f"Unrecognized field '{unknown[0]}'."])
    state = str(body.get("state") or sprint.state).lower()
    moved = any(
        key in body and parse_date(body[key], key) != getattr(sprint, attr)
        for key, attr in (("startDate", "start"), ("endDate", "end"))
    )  # a full update (PUT) repeats a closed sprint's dates as they are: that is no change
    if sprint.state == "closed" and (state != "closed" or moved):
        raise jira_error(400, ["A closed sprint can only have its name and goal changed."])
    if state not in ("future", "active", "closed"):
        raise jira_error(400, [], {"state": f"Invalid sprint state '{state}'."})
    if "name" in body and not str(body["name"] or "").strip():
        raise jira_error(400, [], {"name": "The sprint name cannot be empty."})
    start = parse_date(body["startDate"], "startDate") if "startDate" in body else sprint.start
    end = parse_date(body["endDate"], "endDate") if "endDate" in body else sprint.end
    legal = {
        ("future", "future"), ("future", "active"), ("active", "active"),
        ("active", "closed"), ("closed", "closed"),
    }  # fmt: skip
    if (sprint.state, state) not in legal:
        raise jira_error(
            400, [f"Cannot change the sprint state from '{sprint.state}' to '{state}'."]
        )
    if state == "active" and (start is None or end is None):
        raise jira_error(400, ["An active sprint must have a start date and an end date."])
    if start is not None and end is not None and end < start:
        raise jira_error(400, [], {"endDate": "The end date must be after the start date."})
    if "name" in body:
        sprint.name = str(body["name"]).strip()
    if "goal" in body:
        sprint.goal = body["goal"]
    sprint.start, sprint.end = start, end
    if sprint.state == "active" and state == "closed":
        sprint.complete = jira.clock.now()
    sprint.state = state
