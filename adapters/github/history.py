"""When an issue last changed stage, sprint and points, from its issue events.

`GET /repos/{o}/{r}/issues/{n}/events` (oldest first) logs `labeled`/`unlabeled`,
`milestoned`/`demilestoned` and `closed`/`reopened` with `created_at`: the moment it happened
on GitHub. The pull's listing has no such times (`updated_at` is the issue's last change of any
kind, often our own mirror write), so the reconciler asks here, only for the issues whose change
in a run came from GitHub: one request per issue (two when its log runs past 100 events: the
last page holds the newest). Projects mode keeps its stage on the board, not in these events.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from tracker_bridge.adapters.github.client import GitHubClient
from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.translate import parse_time

LAST = re.compile(r'<([^>]+)>;\s*rel="last"')
SPRINT_EVENTS = frozenset({"milestoned", "demilestoned"})
LABEL_EVENTS = frozenset({"labeled", "unlabeled"})
STATE_EVENTS = frozenset({"closed", "reopened"})


def change_times(
    client: GitHubClient, repo_path: str, mapping: GitHubMapping, keys: Collection[str]
) -> dict[str, dict[str, datetime]]:
    """Issue number -> {field: when it last changed}, for the fields its events date."""
    out: dict[str, dict[str, datetime]] = {}
    for key in sorted(set(keys), key=str):
        events = _events(client, f"{repo_path}/issues/{key}/events")
        if events is not None:
            out[key] = field_times(events, mapping)
    return out


def issue_events(
    client: GitHubClient, repo_path: str, number: str
) -> list[Mapping[str, Any]] | None:
    """One issue's events (its newest ones always included); None: gone or hidden."""
    return _events(client, f"{repo_path}/issues/{number}/events")


def _events(client: GitHubClient, path: str) -> list[Mapping[str, Any]] | None:
    reply = client.rest("GET", path, params={"per_page": 100})
    if reply.status != 200 or not isinstance(reply.data, list):
        return None  # gone or hidden: the caller falls back to what the pull saw
    events = list(reply.data)
    last = LAST.search(str(reply.headers.get("Link") or reply.headers.get("link") or ""))
    if last:
        tail = client.rest("GET", last.group(1))
        if tail.status == 200 and isinstance(tail.data, list):
            events += list(tail.data)
    return events


def field_times(
    events: Sequence[Mapping[str, Any]], mapping: GitHubMapping
) -> dict[str, datetime]:
    """The last event that set each field's current value (pure)."""
    stage_labels = {name.casefold() for name in mapping.labels.stages.values()}
    prefix = mapping.labels.points_prefix
    times: dict[str, datetime] = {}
    for event in events:
        kind = str(event.get("event") or "")
        at = event.get("created_at")
        if not at:
            continue
        when = parse_time(str(at))
        label = str((event.get("label") or {}).get("name") or "")
        if kind in SPRINT_EVENTS and mapping.sprint_mode == "milestone":
            times["sprint"] = when
        elif mapping.mode == "labels" and (
            kind in STATE_EVENTS or (kind in LABEL_EVENTS and label.casefold() in stage_labels)
        ):
            times["stage"] = when
        elif (kind in LABEL_EVENTS and prefix is not None and mapping.mode == "labels"
              and label.startswith(prefix)):
            times["points"] = when
    return times
