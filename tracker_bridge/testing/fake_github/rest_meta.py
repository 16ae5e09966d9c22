"""REST: the user, the repository, labels (repo and issue), milestones, issue types."""

from __future__ import annotations

import re
from urllib.parse import unquote

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import (
    Context,
    body_object,
    invalid,
    not_found,
    page_response,
    paginate,
    parse_time,
)
from tracker_bridge.testing.fake_github.rest_issues import IssueRoutes
from tracker_bridge.testing.fake_github.state import Label, Milestone, Repo, node_id
from tracker_bridge.testing.server import FakeServer, HTTPError, Request, Response

REPO = "/repos/{owner}/{repo}"
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


class MetaRoutes:
    def __init__(self, ctx: Context, issues: IssueRoutes) -> None:
        self.ctx = ctx
        self.issues = issues

    def register(self, server: FakeServer) -> None:
        server.route("GET", "/user", self.get_user)
        server.route("GET", REPO, self.get_repo)
        server.route("GET", REPO + "/issue-types", self.list_issue_types)
        server.route("GET", REPO + "/labels", self.list_labels)
        server.route("POST", REPO + "/labels", self.create_label)
        server.route("GET", REPO + "/labels/{name}", self.get_label)
        server.route("GET", REPO + "/milestones", self.list_milestones)
        server.route("POST", REPO + "/milestones", self.create_milestone)
        server.route("GET", REPO + "/milestones/{number}", self.get_milestone)
        server.route("PATCH", REPO + "/milestones/{number}", self.update_milestone)
        issue_labels = REPO + "/issues/{number}/labels"
        server.route("GET", issue_labels, self.list_issue_labels)
        server.route("POST", issue_labels, self.add_issue_labels)
        server.route("PUT", issue_labels, self.set_issue_labels)
        server.route("DELETE", issue_labels, self.clear_issue_labels)
        server.route("DELETE", issue_labels + "/{name}", self.remove_issue_label)

    def get_user(self, request: Request) -> Response:
        person = self.ctx.state.users[self.ctx.viewer]
        return Response(200, render.full_user(self.ctx.base(), self.ctx.state, person))

    def get_repo(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        return Response(200, render.repository(self.ctx.base(), self.ctx.state, repo))

    def list_issue_types(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        if not repo.issue_types_enabled:
            raise not_found()
        return Response(200, [render.issue_type(t) for t in self.ctx.state.issue_types.values()])

    # -- repository labels -------------------------------------------------------------
    def list_labels(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        base = self.ctx.base()
        return page_response(
            request, [render.label(base, repo, x) for x in repo.labels.values()], self.ctx
        )

    def get_label(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = repo.labels.get(unquote(request.params["name"]).lower())
        if found is None:
            raise not_found()
        return Response(200, render.label(self.ctx.base(), repo, found))

    def create_label(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        payload = body_object(request)
        name = payload.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Label", "name", "missing_field")
        if name.lower() in repo.labels:
            raise invalid("Label", "name", "already_exists")
        color = str(payload.get("color", "ededed")).removeprefix("#")
        if not COLOR.match(color):
            raise invalid("Label", "color")
        label_id = self.ctx.ids.take()
        label = Label(
            label_id, node_id("LA", label_id), name, color.lower(), payload.get("description")
        )
        repo.labels[name.lower()] = label
        return Response(201, render.label(self.ctx.base(), repo, label))

    # -- issue labels ------------------------------------------------------------------
    def _labels_of(self, repo: Repo, names: list[str]) -> list[dict[str, object]]:
        return [render.label(self.ctx.base(), repo, repo.labels[n.lower()]) for n in names]

    def list_issue_labels(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        return page_response(request, self._labels_of(repo, issue.labels), self.ctx)

    def add_issue_labels(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        added = self.issues.label_names(repo, request.json(), create=True)
        merged = issue.labels + [n for n in added if n not in issue.labels]
        if self.ctx.set_labels(issue, merged):
            self.ctx.touch(issue)
        return Response(200, self._labels_of(repo, issue.labels))

    def set_issue_labels(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        names = self.issues.label_names(repo, request.json(), create=True)
        if self.ctx.set_labels(issue, names):
            self.ctx.touch(issue)
        return Response(200, self._labels_of(repo, issue.labels))

    def clear_issue_labels(self, request: Request) -> Response:
        _, issue = self.ctx.issue(request)
        if self.ctx.set_labels(issue, []):
            self.ctx.touch(issue)
        return Response(204)

    def remove_issue_label(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        wanted = unquote(request.params["name"]).lower()
        kept = [n for n in issue.labels if n.lower() != wanted]
        if kept == issue.labels:
            raise HTTPError(404, render.error("Label does not exist", 404))
        self.ctx.set_labels(issue, kept)
        self.ctx.touch(issue)
        return Response(200, self._labels_of(repo, issue.labels))

    # -- milestones --------------------------------------------------------------------
    def list_milestones(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        wanted = request.arg("state", "open")
        found = [m for m in repo.milestones.values() if wanted == "all" or m.state == wanted]
        sort = request.arg("sort", "due_on")
        if sort == "completeness":
            found.sort(key=lambda m: m.number)
        else:
            found.sort(key=lambda m: (m.due_on is None, m.due_on or m.created_at, m.number))
        if request.arg("direction", "asc") == "desc":
            found.reverse()
        chunk, headers = paginate(request, found, self.ctx.base())
        base, state = self.ctx.base(), self.ctx.state
        return Response(200, [render.milestone(base, state, repo, m) for m in chunk], headers)

    def _milestone(self, request: Request) -> tuple[Repo, Milestone]:
        repo = self.ctx.repo(request)
        number = request.params["number"]
        found = repo.milestones.get(int(number)) if number.isdigit() else None
        if found is None:
            raise not_found()
        return repo, found

    def get_milestone(self, request: Request) -> Response:
        repo, stone = self._milestone(request)
        return Response(200, render.milestone(self.ctx.base(), self.ctx.state, repo, stone))

    def create_milestone(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        payload = body_object(request)
        title = payload.get("title")
        if not isinstance(title, str) or not title:
            raise invalid("Milestone", "title", "missing_field")
        if any(m.title == title for m in repo.milestones.values()):
            raise invalid("Milestone", "title", "already_exists")
        now = self.ctx.now()
        stone_id = self.ctx.ids.take()
        stone = Milestone(
            stone_id,
            node_id("MI", stone_id),
            repo.next_milestone,
            title,
            payload.get("description"),
            "open",
            None,
            now,
            now,
        )
        self._edit_milestone(stone, payload)
        repo.milestones[stone.number] = stone
        repo.next_milestone += 1
        return Response(201, render.milestone(self.ctx.base(), self.ctx.state, repo, stone))

    def update_milestone(self, request: Request) -> Response:
        repo, stone = self._milestone(request)
        payload = body_object(request)
        if "title" in payload:
            if not isinstance(payload["title"], str) or not payload["title"]:
                raise invalid("Milestone", "title", "missing_field")
            stone.title = payload["title"]
        if "description" in payload:
            stone.description = payload["description"]
        self._edit_milestone(stone, payload)
        stone.updated_at = self.ctx.now()
        return Response(200, render.milestone(self.ctx.base(), self.ctx.state, repo, stone))

    def _edit_milestone(self, stone: Milestone, payload: dict[str, object]) -> None:
        if "due_on" in payload:
            raw = payload["due_on"]
            if raw is None:
                stone.due_on = None
            else:
                # GitHub keeps only the date; it answers with 07:00Z (midnight US-Pacific, PDT).
                due = parse_time(str(raw), "Milestone", "due_on")
                stone.due_on = due.replace(hour=7, minute=0, second=0, microsecond=0)
        if "state" in payload:
            if payload["state"] not in ("open", "closed"):
                raise invalid("Milestone", "state")
            if payload["state"] != stone.state:
                stone.state = str(payload["state"])
                stone.closed_at = self.ctx.now() if stone.state == "closed" else None
