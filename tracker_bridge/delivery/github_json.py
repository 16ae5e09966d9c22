"""GitHub's pull request, deployment (+ status) and release JSON -> delivery facts (pure).

The same objects arrive in REST answers and in webhook payloads (`pull_request`,
`deployment_status`, `release` events), so both ways in share this translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tracker_bridge.delivery.facts import Deployment, Fact, PullRequest, Release

Json = Mapping[str, Any]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def pull_fact(repo: str, raw: Json, *, ready_at: datetime | None = None) -> PullRequest:
    opened = _time(raw.get("created_at")) or datetime.now(UTC)
    draft = bool(raw.get("draft"))
    merged_at = _time(raw.get("merged_at"))
    return PullRequest(
        repo=repo,
        number=int(raw["number"]),
        title=_text(raw.get("title")),
        body=_text(raw.get("body")),
        branch=_text((raw.get("head") or {}).get("ref")),
        draft=draft,
        opened_at=opened,
        ready_at=ready_at or (None if draft else opened),
        merged_at=merged_at,
        merge_sha=_text(raw.get("merge_commit_sha")) or None if merged_at else None,
    )


def deployment_fact(tracker: str, raw: Json, status: Json | None) -> Deployment:
    """`status`: the deployment's latest status (None: none reported yet)."""
    state = _text((status or {}).get("state")) or "pending"
    at = _time((status or {}).get("created_at")) or _time(raw.get("created_at"))
    return Deployment(
        source=tracker,
        id=str(raw["id"]),
        environment=_text(raw.get("environment")),
        sha=_text(raw.get("sha")),
        state=state,
        at=at or datetime.now(UTC),
    )


def release_fact(repo: str, raw: Json) -> Release:
    return Release(
        repo=repo,
        id=str(raw["id"]),
        tag=_text(raw.get("tag_name")),
        sha="",  # resolved through the tag when its history is read
        published_at=_time(raw.get("published_at")),
        draft=bool(raw.get("draft")),
        prerelease=bool(raw.get("prerelease")),
    )


def webhook_facts(tracker: str, event: str | None, payload: Any) -> list[Fact]:
    """Facts in a `pull_request`, `deployment_status` or `release` webhook (none for others)."""
    if not isinstance(payload, Mapping):
        return []
    repo = _text((payload.get("repository") or {}).get("full_name"))
    if not repo:
        return []
    action = payload.get("action")
    if event == "pull_request" and isinstance(payload.get("pull_request"), Mapping):
        raw = payload["pull_request"]
        ready = _time(raw.get("updated_at")) if action == "ready_for_review" else None
        return [pull_fact(repo, raw, ready_at=ready)]
    if event == "deployment_status" and isinstance(payload.get("deployment"), Mapping):
        status = payload.get("deployment_status")
        return [
            deployment_fact(
                tracker, payload["deployment"], status if isinstance(status, Mapping) else None
            )
        ]
    published = action in ("published", "released", "edited", "prereleased")
    if event == "release" and published and isinstance(payload.get("release"), Mapping):
        return [release_fact(repo, payload["release"])]
    return []
