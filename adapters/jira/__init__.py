"""The Jira adapter: canonical MLOps work model <-> a Jira project (Cloud or Data Center).

Entry point `tracker_bridge.adapters.jira:factory`. Settings: `url`, `username` (Cloud e-mail;
None on Data Center, where `token` is a personal access token), `token` (SecretStr) and
`options` (e.g. `overlap_seconds`, `retry_attempts`, `rate_limit_max_wait`, `timeout_seconds`,
`max_concurrency`: single-item writes the reconciler runs at once, default 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tracker_bridge.mappings import default_mapping_path
from tracker_bridge.model import TrackerId
from tracker_bridge.tracker import AdapterError

from .adapter import JiraAdapter
from .mapping import JiraMapping, load_mapping, parse_mapping

__all__ = [
    "JiraAdapter",
    "JiraAdapterFactory",
    "JiraMapping",
    "factory",
    "load_mapping",
    "parse_mapping",
]


class JiraAdapterFactory:
    name = "jira"

    def default_mapping(self) -> Path:
        return default_mapping_path("jira")

    def open(
        self,
        tracker: TrackerId,
        *,
        settings: Mapping[str, Any],
        mapping_path: Path | None = None,
    ) -> JiraAdapter:
        if not tracker.startswith("jira:") or len(tracker) <= len("jira:"):
            raise AdapterError(f"not a Jira tracker id: {tracker!r} (expected jira:PROJECTKEY)")
        url = settings.get("url")
        if not url:
            raise AdapterError(f"{tracker}: no Jira url in the settings")
        token = settings.get("token")
        secret = token.get_secret_value() if isinstance(token, SecretStr) else token
        return JiraAdapter(
            tracker,
            url=str(url),
            username=settings.get("username"),
            token=secret,
            mapping=load_mapping(mapping_path),
            options=dict(settings.get("options") or {}),
            scope=dict(settings.get("scope") or {}),
        )


factory = JiraAdapterFactory()
