"""The `expand=` parts of an issue answer beyond the changelog: `names` and `schema` (field id →
name / schema, how export scripts label custom fields) and `renderedFields` (text as HTML,
times in the user's format), as Jira adds them to `GET /issue` and to each search hit."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .data import JiraData

_TEXT_TYPES = ("textarea", "textfield")


def expand_issue(data: JiraData, answer: dict[str, Any], wanted: Iterable[str]) -> None:
    """Add the requested expansions to one rendered issue (in place)."""
    wanted = set(wanted)
    fields = answer.get("fields")
    if not isinstance(fields, dict):
        return
    if "names" in wanted:
        answer["names"] = {fid: data.field_name(fid) for fid in fields}
    if "schema" in wanted:
        answer["schema"] = {
            fid: data.field_by_id[fid].schema for fid in fields if fid in data.field_by_id
        }
    if "renderedFields" in wanted:
        answer["renderedFields"] = {fid: _rendered(data, fid, v) for fid, v in fields.items()}


def _rendered(data: JiraData, field_id: str, value: Any) -> Any:
    if value is None:
        return None
    definition = data.field_by_id.get(field_id)
    kind = definition.schema.get("type") if definition else None
    custom = str(definition.schema.get("custom", "")) if definition else ""
    if field_id in ("description", "environment") or custom.endswith(_TEXT_TYPES):
        return _html(value) if isinstance(value, str) else None
    if kind == "datetime" and isinstance(value, str):
        moment = _when(data, value)  # Jira's default "dd/MMM/yy h:mm a", in the user's zone
        return (
            moment.strftime("%d/%b/%y ") + f"{moment.hour % 12 or 12}" + moment.strftime(":%M %p")
        )
    if kind == "date" and isinstance(value, str):
        return datetime.fromisoformat(value).strftime("%d/%b/%y")
    if field_id == "comment" and isinstance(value, dict):
        comments = [
            {**c, "body": _html(c["body"]) if isinstance(c.get("body"), str) else c.get("body")}
            for c in value.get("comments", [])
        ]
        return {**value, "comments": comments}
    return None  # Jira renders only text and times; everything else is null here


def _html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def _when(data: JiraData, stamp: str) -> datetime:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")
    return moment.astimezone(ZoneInfo(data.user_timezone))
