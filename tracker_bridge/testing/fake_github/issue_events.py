"""Issue events: `GET /repos/{owner}/{repo}/issues/{number}/events`, as GitHub logs them.

GitHub logs `labeled`/`unlabeled` (with the label), `milestoned`/`demilestoned` (with the
milestone's title), `closed`/`reopened` (with `state_reason`) at the moment of the change,
also for the labels and milestone an issue is created with. The fake logs them by comparing
the issue with what its log last saw, each time a change is made (`log_changes`), so every
write path (REST, GraphQL, a person's edit) is covered without changing each one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import Context, not_found, page_response
from tracker_bridge.testing.fake_github.state import GitHubState, Ids, Issue, Repo, iso, node_id
from tracker_bridge.testing.server import FakeServer, Request, Response

Json = dict[str, Any]


def log_changes(
    ids: Ids, repo: Repo, issue: Issue, at: datetime, actor: str, commit_id: str | None = None
) -> None:
    """Append an event per label, milestone and state change since the log last looked;
    `commit_id`: the commit that closed the issue (a merged pull request's `Fixes #N`)."""
    seen = issue.logged
    before_labels = list(seen.get("labels") or [])
    for name in before_labels:
        if name not in issue.labels:
            _log(ids, issue, "unlabeled", at, actor, label=name)
    for name in issue.labels:
        if name not in before_labels:
            _log(ids, issue, "labeled", at, actor, label=name)
    before_stone = seen.get("milestone")
    if before_stone != issue.milestone:
        if before_stone is not None:
            _log(ids, issue, "demilestoned", at, actor, milestone=_title(repo, before_stone))
        if issue.milestone is not None:
            _log(ids, issue, "milestoned", at, actor, milestone=_title(repo, issue.milestone))
    if seen.get("state", "open") != issue.state:
        kind = "closed" if issue.state == "closed" else "reopened"
        by_commit = {"commit_id": commit_id} if commit_id and kind == "closed" else {}
        _log(ids, issue, kind, at, actor, state_reason=issue.state_reason, **by_commit)
    issue.logged = {"labels": list(issue.labels), "milestone": issue.milestone,
                    "state": issue.state}


def _title(repo: Repo, number: int) -> str:
    stone = repo.milestones.get(number)
    return stone.title if stone is not None else ""


def _log(ids: Ids, issue: Issue, kind: str, at: datetime, actor: str, **extra: Any) -> None:
    event_id = ids.take()
    issue.events.append({"id": event_id, "event": kind, "at": at, "actor": actor, **extra})


def render_event(base: str, state: GitHubState, repo: Repo, issue: Issue, event: Json) -> Json:
    actor = state.users.get(str(event["actor"]))
    out: Json = {
        "id": event["id"],
        "node_id": node_id(_NODE_PREFIX.get(str(event["event"]), "E"), int(event["id"])),
        "url": f"{base}/repos/{repo.full_name}/issues/events/{event['id']}",
        "actor": render.user(base, actor) if actor is not None else None,
        "event": event["event"],
        "commit_id": event.get("commit_id"),
        "commit_url": (
            f"{base}/repos/{repo.full_name}/commits/{event['commit_id']}"
            if event.get("commit_id") else None
        ),
        "created_at": iso(event["at"]),
        "performed_via_github_app": None,
    }
    if "label" in event:
        label = repo.labels.get(str(event["label"]).lower())
        out["label"] = {"name": event["label"], "color": label.color if label else "ededed"}
    if "milestone" in event:
        out["milestone"] = {"title": event["milestone"]}
    if event["event"] in ("closed", "reopened"):
        out["state_reason"] = event.get("state_reason")
    return out


_NODE_PREFIX = {
    "labeled": "LE", "unlabeled": "UNLE", "milestoned": "MIE", "demilestoned": "DEMIE",
    "closed": "CE", "reopened": "REE",
}


class IssueEventRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", "/repos/{owner}/{repo}/issues/{number}/events", self.list_events)
        server.route("GET", "/repos/{owner}/{repo}/issues/events/{event_id}", self.get_event)

    def list_events(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        base = self.ctx.base()
        found = [render_event(base, self.ctx.state, repo, issue, e) for e in issue.events]
        return page_response(request, found, self.ctx)

    def get_event(self, request: Request) -> Response:
        """One event, with its issue (what a client completing a listed event reads)."""
        repo = self.ctx.repo(request)
        wanted = request.params["event_id"]
        for issue in repo.issues.values():
            for event in issue.events:
                if str(event["id"]) == wanted:
                    base = self.ctx.base()
                    out = render_event(base, self.ctx.state, repo, issue, event)
                    out["issue"] = render.issue(base, self.ctx.state, issue)
                    return Response(200, out)
        raise not_found()
