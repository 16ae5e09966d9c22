"""Jira's error JSON: `{"errorMessages": [...], "errors": {field: message}}`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker_bridge.testing.server import HTTPError


def error_body(messages: Sequence[str] = (), errors: Mapping[str, str] | None = None) -> Any:
    return {"errorMessages": list(messages), "errors": dict(errors or {})}


def jira_error(
    status: int, messages: Sequence[str] = (), errors: Mapping[str, str] | None = None
) -> HTTPError:
    return HTTPError(status, error_body(messages, errors))


def not_found_issue() -> HTTPError:
    return jira_error(404, ["Issue does not exist or you do not have permission to see it."])


def not_on_screen(field: str) -> str:
    return f"Field '{field}' cannot be set. It is not on the appropriate screen, or unknown."
