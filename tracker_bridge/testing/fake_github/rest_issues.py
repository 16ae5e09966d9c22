"""REST: list, create, get and update issues, and their comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import (
    Context,
    body_object,
    invalid,
    paginate,
    parse_time,
)
from tracker_bridge.testing.fake_github.state import Comment, Issue, Label, Repo, node_id
from tracker_bridge.testing.server import FakeServer, Request, Response

STATE_REASONS = {"completed", "not_planned", "reopened", "duplicate", None}
ISSUE = "/repos/{owner}/{repo}/issues/{number}"


class IssueRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", "/repos/{owner}/{repo}/issues", self.list_issues)
        server.route("POST", "/repos/{owner}/{repo}/issues", self.create_issue)
        server.route("GET", "/repos/{owner}/{repo}/issues/comments", self.list_repo_comments)
        server.route("GET", ISSUE, self.get_issue)
        server.route("PATCH", ISSUE, self.update_issue)
        server.route("GET", ISSUE + "/comments", self.list_comments)
        server.route("POST", ISSUE + "/comments", self.create_comment)

    # -- issues ------------------------------------------------------------------------
    def list_issues(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        wanted = self._filter(request)
        found = [i for i in repo.issues.values() if wanted(i)]
        sort = request.arg("sort", "created")
        if sort not in ("created", "updated", "comments"):
            raise invalid("Issue", "sort")
        key = {"created": "created_at", "updated": "updated_at", "comments": "comment_count"}[sort]
        found.sort(key=lambda i: (getattr(i, key), i.number))
        if request.arg("direction", "desc") != "asc":
            found.reverse()
        chunk, headers = paginate(request, found, self.ctx.base())
        base, state = self.ctx.base(), self.ctx.state
        return Response(200, [render.issue(base, state, i) for i in chunk], headers)

    def _filter(self, request: Request) -> Callable[[Issue], bool]:
        """The query's filters, parsed once per request (not once per issue)."""
        wanted_state = request.arg("state", "open")
        raw_labels = request.arg("labels") or ""
        labels = {n.strip().lower() for n in raw_labels.split(",") if n.strip()}
        since_text = request.arg("since")
        since = parse_time(since_text, "Issue", "since") if since_text else None
        milestone, kind = request.arg("milestone"), request.arg("type")
        assignee, creator = request.arg("assignee"), request.arg("creator")

        def wanted(issue: Issue) -> bool:
            if wanted_state != "all" and issue.state != wanted_state:
                return False
            if labels and not labels <= {name.lower() for name in issue.labels}:
                return False
            if since is not None and issue.updated_at < since:
                return False
            stone = str(issue.milestone) if issue.milestone is not None else None
            if not (_matches(milestone, stone) and _matches(kind, issue.type)):
                return False
            people: list[str | None] = [*issue.assignees] or [None]
            if not any(_matches(assignee, login) for login in people):
                return False
            return creator is None or creator == issue.user

        return wanted

    def get_issue(self, request: Request) -> Response:
        _, issue = self.ctx.issue(request)
        return Response(200, render.issue(self.ctx.base(), self.ctx.state, issue))

    def create_issue(self, request: Request) -> Response:
        issue = self.new_issue(self.ctx.repo(request), body_object(request))
        body = render.issue(self.ctx.base(), self.ctx.state, issue)
        return Response(201, body, {"Location": body["url"]})

    def new_issue(
        self, repo: Repo, payload: dict[str, Any], *, check: Callable[[], None] | None = None
    ) -> Issue:
        """Create an issue from a REST-shaped payload (also GraphQL's `createIssue`); `check`
        runs after validation, before anything is stored (a refusal leaves no issue)."""
        title = payload.get("title")
        if not isinstance(title, str | int) or title == "":
            raise invalid("Issue", "title", "missing_field")
        now = self.ctx.now()
        number = repo.next_number
        issue_id = self.ctx.ids.take()
        issue = Issue(
            id=issue_id,
            node_id=node_id("I", issue_id),
            repo=repo.full_name,
            number=number,
            title=str(title),
            body=payload.get("body"),
            user=self.ctx.viewer,
            created_at=now,
            updated_at=now,
        )
        self.apply_changes(repo, issue, payload, creating=True)
        if check is not None:
            check()
        repo.next_number += 1
        self.ctx.state.add_issue(repo, issue)
        self.ctx.log(issue)  # the labels and milestone it was created with
        return issue

    def update_issue(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        self.apply_changes(repo, issue, body_object(request), creating=False)
        return Response(200, render.issue(self.ctx.base(), self.ctx.state, issue))

    def apply_changes(
        self, repo: Repo, issue: Issue, payload: dict[str, Any], *, creating: bool
    ) -> None:
        """Validate everything first, then change: a 422 leaves the issue untouched."""
        changes: dict[str, Any] = {}
        if "title" in payload and not creating:
            if not isinstance(payload["title"], str) or not payload["title"]:
                raise invalid("Issue", "title", "missing_field")
            changes["title"] = payload["title"]
        if "body" in payload and not creating:
            changes["body"] = payload["body"]
        if "labels" in payload:
            changes["labels"] = self.label_names(repo, payload["labels"], create=True)
        if "assignees" in payload or "assignee" in payload:
            logins = payload.get("assignees")
            if logins is None:
                logins = [payload["assignee"]] if payload.get("assignee") else []
            refused = [login for login in logins if login not in self.ctx.state.collaborators]
            if refused:  # GitHub's answer for anyone without push access, create or edit
                raise invalid(
                    "Issue",
                    "assignees",
                    value=refused,
                    message=f"assignees {', '.join(map(str, refused))} cannot be assigned "
                    "to this issue",
                )
            changes["assignees"] = list(dict.fromkeys(logins))
        if "milestone" in payload:
            stone = payload["milestone"] or None  # PyGithub clears with "" (GitHub takes it)
            if stone is not None and (not isinstance(stone, int) or stone not in repo.milestones):
                raise invalid("Issue", "milestone", value=stone)
            changes["milestone"] = stone
        if "type" in payload:
            changes["type"] = self._type_name(repo, payload["type"])
        if payload.get("state_reason") not in STATE_REASONS:
            raise invalid("Issue", "state_reason")
        if "state" in payload and payload["state"] not in ("open", "closed"):
            raise invalid("Issue", "state")
        changed = False
        for name, value in changes.items():
            if name == "labels":
                changed = self.ctx.set_labels(issue, value) or changed
            elif getattr(issue, name) != value:
                setattr(issue, name, value)
                changed = True
        changed = self._set_state(issue, payload) or changed
        if changed and not creating:
            self.ctx.touch(issue)

    def _set_state(self, issue: Issue, payload: dict[str, Any]) -> bool:
        wanted = payload.get("state", issue.state)
        reason = payload.get("state_reason")
        if wanted == issue.state:
            if reason is not None and wanted == "closed" and reason != issue.state_reason:
                issue.state_reason = reason
                return True
            return False
        issue.state = wanted
        if wanted == "closed":
            issue.closed_at = self.ctx.now()
            issue.closed_by = self.ctx.viewer
            issue.state_reason = reason or "completed"
        else:
            issue.closed_at = None
            issue.closed_by = None
            issue.state_reason = "reopened"
        return True

    def _type_name(self, repo: Repo, value: Any) -> str | None:
        if value is None:
            return None
        known = self.ctx.state.issue_types.get(str(value).lower())
        if not repo.issue_types_enabled or known is None:
            raise invalid("Issue", "type", value=value)
        return known.name

    def label_names(self, repo: Repo, raw: Any, *, create: bool) -> list[str]:
        """Label names from `["a", {"name": "b"}]`; unknown ones are created, as GitHub does."""
        if isinstance(raw, dict):
            raw = raw.get("labels", [])
        if not isinstance(raw, list):
            raise invalid("Label", "labels")
        names: list[str] = []
        for entry in raw:
            name = entry.get("name") if isinstance(entry, dict) else entry
            if not isinstance(name, str) or not name.strip():
                raise invalid("Label", "name")
            existing = repo.labels.get(name.lower())
            if existing is None:
                if not create:
                    raise invalid("Label", "name", value=name)
                label_id = self.ctx.ids.take()
                existing = Label(label_id, node_id("LA", label_id), name, "ededed", None)
                repo.labels[name.lower()] = existing
            if existing.name not in names:
                names.append(existing.name)
        return names

    # -- comments ----------------------------------------------------------------------
    def list_comments(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        found = [c for c in repo.comments if c.issue_number == issue.number]
        return self._comment_page(request, repo, found)

    def list_repo_comments(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = list(repo.comments)
        if request.arg("sort") == "updated":
            found.sort(key=lambda c: (c.updated_at, c.id))
        if request.arg("direction") == "desc":
            found.reverse()
        return self._comment_page(request, repo, found)

    def _comment_page(self, request: Request, repo: Repo, found: list[Comment]) -> Response:
        since = request.arg("since")
        if since:
            moment = parse_time(since, "IssueComment", "since")
            found = [c for c in found if c.updated_at >= moment]
        chunk, headers = paginate(request, found, self.ctx.base())
        base, state = self.ctx.base(), self.ctx.state
        return Response(200, [render.comment(base, state, repo, c) for c in chunk], headers)

    def create_comment(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        text = body_object(request).get("body")
        if not isinstance(text, str) or not text:
            raise invalid("IssueComment", "body", "missing_field")
        now = self.ctx.now()
        comment_id = self.ctx.ids.take()
        comment = Comment(
            comment_id, node_id("IC", comment_id), issue.number, text, self.ctx.viewer, now, now
        )
        repo.comments.append(comment)
        issue.comment_count += 1
        self.ctx.touch(issue)
        body = render.comment(self.ctx.base(), self.ctx.state, repo, comment)
        return Response(201, body, {"Location": body["url"]})


def _matches(wanted: str | None, value: str | None) -> bool:
    """The `milestone` / `assignee` / `type` filters: a value, `*` (any) or `none`."""
    if wanted is None or wanted == "":
        return True
    if wanted == "*":
        return value is not None
    if wanted == "none":
        return value is None
    return value is not None and value.lower() == wanted.lower()
