"""The entry-point object: builds a GitHubAdapter from a tracker id, settings and a mapping."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from tracker_bridge.adapters.github.adapter import GitHubAdapter
from tracker_bridge.adapters.github.client import GitHubClient
from tracker_bridge.adapters.github.mapping import GitHubMapping, Pacing, load_mapping
from tracker_bridge.adapters.github.projects import ProjectBoard
from tracker_bridge.adapters.github.scope import issue_scope
from tracker_bridge.mappings import default_mapping_path
from tracker_bridge.network import Timeouts
from tracker_bridge.tracker import AdapterError

PACING_OPTIONS = {"writes_per_minute", "seconds_between_reads", "rate_limit_reserve",
                  "read_retries", "max_wait_seconds", "overlap_seconds"}


class GitHubFactory:
    name = "github"

    def default_mapping(self) -> Path:
        return default_mapping_path("github")

    def open(
        self,
        tracker: str,
        *,
        settings: Mapping[str, Any],
        mapping_path: Path | None = None,
    ) -> GitHubAdapter:
        """Connect (no request is sent here; the first read or write checks access)."""
        prefix, _, project = tracker.partition(":")
        owner, _, repo = project.partition("/")
        if prefix != self.name or not owner or not repo or "/" in repo:
            raise AdapterError(f"tracker id {tracker!r}: expected github:OWNER/REPO")
        token = settings.get("token")
        secret = token.get_secret_value() if isinstance(token, SecretStr) else token
        if not secret:
            raise AdapterError(f"{tracker}: no token configured; set the GitHub token setting")
        options = dict(settings.get("options") or {})
        mapping = with_options(load_mapping(mapping_path), options)
        url = str(settings.get("url") or "https://api.github.com")
        client = GitHubClient(url, str(secret), mapping.pacing,
                              graphql_url=options.get("graphql_url"),
                              timeouts=Timeouts.from_options(options))
        board = None
        number = options.get("project_number", mapping.project.number)
        board_owner = options.get("project_owner") or mapping.project.owner
        if mapping.mode == "projects":
            if number is None:
                raise AdapterError(f"{tracker}: projects mode needs project.number in the mapping")
            board = ProjectBoard(client, mapping, str(options.get("project_owner")
                                 or mapping.project.owner or owner), int(number), f"{owner}/{repo}")
        hint = (str(board_owner) if board_owner else None,
                int(number) if number is not None else None)
        return GitHubAdapter(tracker, client, mapping, owner=owner, repo=repo, project=board,
                             scope=issue_scope(tracker, settings.get("scope") or {}),
                             board_hint=hint)


def with_options(mapping: GitHubMapping, options: Mapping[str, Any]) -> GitHubMapping:
    """Per-tracker options override the mapping's pacing (and project owner/number)."""
    pacing = {k: v for k, v in options.items() if k in PACING_OPTIONS}
    if not pacing:
        return mapping
    try:
        merged = Pacing.model_validate({**mapping.pacing.model_dump(), **pacing})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AdapterError(f"option {first['loc'][0]}: {first['msg']}") from None
    return mapping.model_copy(update={"pacing": merged})


factory = GitHubFactory()
