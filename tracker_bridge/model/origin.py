"""Ids of work born in a tracker: derived once from the tracker key, never changed after."""

from __future__ import annotations

import re

_ADAPTER_PREFIX = {"github": "gh"}
_NOT_ID = re.compile(r"[^a-z0-9._-]+")


def born_id(tracker: str, key: str) -> str:
    """`jira:TREND` + `TREND-37` -> `jira-trend-37`; `github:acme/repo` + `12` ->
    `gh-acme-repo-12`. The reconciler stores it the first time it sees the issue and finds
    it again by the issue's immutable id, so a later move, transfer or mirror never
    changes it. Jira keys already name their project, so only the adapter is prefixed."""
    adapter, _, project = tracker.partition(":")
    prefix = _ADAPTER_PREFIX.get(adapter, adapter)
    raw = f"{prefix}-{key}" if adapter == "jira" else f"{prefix}-{project}-{key}"
    slug = _NOT_ID.sub("-", raw.lower()).strip("-._")
    return slug[:80]
