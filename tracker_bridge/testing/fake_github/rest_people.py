"""REST: users (`/users/{login}`), who can be assigned, and an issue's assignees.

Assignable people are the collaborators (push access). Naming anyone else in an issue's
`assignees` on create or edit is a 422; the assignees endpoint instead drops them silently,
and answers 404 when a login is not a GitHub user at all, as GitHub does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import (
    Context,
    body_object,
    not_found,
    page_response,
)
from tracker_bridge.testing.server import FakeServer, Request, Response

REPO = "/repos/{owner}/{repo}"
ASSIGNEES_LIMIT = 10  # GitHub adds at most 10 per request


class PeopleRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", "/users/{login}", self.get_user)
        server.route("GET", "/users/{login}/repos", self.list_repos)
        server.route("GET", "/orgs/{login}", self.get_org)
        server.route("GET", "/orgs/{login}/repos", self.list_repos)
        server.route("GET", REPO + "/assignees", self.list_assignable)
        server.route("GET", REPO + "/assignees/{login}", self.check_assignable)
        server.route("GET", REPO + "/collaborators", self.list_collaborators)
        server.route("GET", REPO + "/collaborators/{login}", self.check_assignable)
        server.route("POST", REPO + "/issues/{number}/assignees", self.add_assignees)
        server.route("DELETE", REPO + "/issues/{number}/assignees", self.remove_assignees)

    def get_user(self, request: Request) -> Response:
        person = self.ctx.state.users.get(request.params["login"])
        if person is None:
            raise not_found()
        return Response(200, render.full_user(self.ctx.base(), self.ctx.state, person))

    def get_org(self, request: Request) -> Response:
        """`GET /orgs/{org}` (PyGithub's `get_organization`); users are not organisations."""
        person = self.ctx.state.users.get(request.params["login"])
        if person is None or person.kind != "Organization":
            raise not_found()
        return Response(200, render.organization(self.ctx.base(), self.ctx.state, person))

    def list_repos(self, request: Request) -> Response:
        login = request.params["login"]
        person = self.ctx.state.users.get(login)
        wants_org = request.path.startswith("/orgs/")
        if person is None or wants_org != (person.kind == "Organization"):
            raise not_found()
        base, state = self.ctx.base(), self.ctx.state
        owned = sorted((r for r in state.repos.values() if r.owner == login), key=lambda r: r.name)
        return page_response(request, [render.repository(base, state, r) for r in owned], self.ctx)

    def list_assignable(self, request: Request) -> Response:
        self.ctx.repo(request)
        base, users = self.ctx.base(), self.ctx.state.users
        people = [render.user(base, users[login]) for login in self.ctx.state.collaborators]
        return page_response(request, people, self.ctx)

    def check_assignable(self, request: Request) -> Response:
        self.ctx.repo(request)
        if unquote(request.params["login"]) not in self.ctx.state.collaborators:
            raise not_found()
        return Response(204)

    def list_collaborators(self, request: Request) -> Response:
        self.ctx.repo(request)
        base, users = self.ctx.base(), self.ctx.state.users
        people = []
        for login in self.ctx.state.collaborators:
            admin = login == self.ctx.viewer
            people.append(
                {
                    **render.user(base, users[login]),
                    "permissions": {
                        "admin": admin,
                        "maintain": admin,
                        "push": True,
                        "triage": True,
                        "pull": True,
                    },
                    "role_name": "admin" if admin else "write",
                }
            )
        return page_response(request, people, self.ctx)

    def _logins(self, request: Request) -> list[str]:
        raw: Any = body_object(request).get("assignees", [])
        logins = [raw] if isinstance(raw, str) else [str(x) for x in raw or []]
        if any(login not in self.ctx.state.users for login in logins):
            raise not_found()
        return logins[:ASSIGNEES_LIMIT]

    def add_assignees(self, request: Request) -> Response:
        _, issue = self.ctx.issue(request)
        wanted = [x for x in self._logins(request) if x in self.ctx.state.collaborators]
        merged = issue.assignees + [x for x in wanted if x not in issue.assignees]
        if merged != issue.assignees:
            issue.assignees = merged
            self.ctx.touch(issue)
        return Response(201, render.issue(self.ctx.base(), self.ctx.state, issue))

    def remove_assignees(self, request: Request) -> Response:
        _, issue = self.ctx.issue(request)
        dropped = set(self._logins(request))
        kept = [x for x in issue.assignees if x not in dropped]
        if kept != issue.assignees:
            issue.assignees = kept
            self.ctx.touch(issue)
        return Response(200, render.issue(self.ctx.base(), self.ctx.state, issue))
