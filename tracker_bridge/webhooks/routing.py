"""Which configured targets a webhook payload is about (pure: no I/O, no secrets read).

GitHub: `repository.full_name` -> `github:<owner>/<repo>` (organization-level events such as
`projects_v2_item` carry no repository: every target of that owner is a candidate).
Jira: the project key from the issue (or the project/board in project and board events), or,
for sprint events, the board (a target's `options.board_id`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import SecretStr

Source = Literal["github", "jira"]
SOURCES: tuple[Source, ...] = ("github", "jira")

SIGNATURE_HEADER: Mapping[Source, str] = {
    "github": "X-Hub-Signature-256",
    "jira": "X-Hub-Signature",
}
DELIVERY_HEADER: Mapping[Source, str] = {
    "github": "X-GitHub-Delivery",
    "jira": "X-Atlassian-Webhook-Identifier",  # stable across Jira's retries
}
EVENT_HEADER = "X-GitHub-Event"


@dataclass(frozen=True)
class Target:
    """A configured target as the receiver sees it."""

    project: str
    tracker: str
    secret: SecretStr | None = None
    board_id: str | None = None

    @property
    def adapter(self) -> str:
        return self.tracker.split(":", 1)[0]

    @property
    def remote(self) -> str:
        """`acme/trending-now` for `github:acme/trending-now`, `TREND` for `jira:TREND`."""
        return self.tracker.split(":", 1)[1]


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def candidates(source: Source, payload: Any, targets: Iterable[Target]) -> list[Target]:
    """The targets this payload may be for; the signature decides which it really is."""
    of_source = [t for t in targets if t.adapter == source]
    if source == "github":
        return _github(payload, of_source)
    return _jira(payload, of_source)


def _github(payload: Any, targets: list[Target]) -> list[Target]:
    full_name = _text(_get(payload, "repository", "full_name"))
    if full_name is not None:
        # GitHub names are case-insensitive.
        return [t for t in targets if t.remote.casefold() == full_name.casefold()]
    owner = _text(_get(payload, "organization", "login"))
    if owner is not None:
        return [t for t in targets if t.remote.split("/", 1)[0].casefold() == owner.casefold()]
    return []


def jira_project_key(payload: Any) -> str | None:
    """The project key an issue, project or board event is about, if it says."""
    for path in (
        ("issue", "fields", "project", "key"),
        ("project", "key"),
        ("board", "location", "projectKey"),
    ):
        key = _text(_get(payload, *path))
        if key is not None:
            return key
    issue_key = _text(_get(payload, "issue", "key"))  # TREND-12: a deleted issue's fallback
    if issue_key is not None and "-" in issue_key:
        return issue_key.rsplit("-", 1)[0]
    return None


def jira_board_id(payload: Any) -> str | None:
    for path in (("sprint", "originBoardId"), ("board", "id")):
        board = _text(_get(payload, *path))
        if board is not None:
            return board
    return None


def _jira(payload: Any, targets: list[Target]) -> list[Target]:
    key = jira_project_key(payload)
    if key is not None:
        return [t for t in targets if t.remote.upper() == key.upper()]
    board = jira_board_id(payload)
    if board is not None:
        return [t for t in targets if t.board_id == board]
    return []
