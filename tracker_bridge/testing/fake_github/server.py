"""`FakeGitHub`: REST + GraphQL (Projects v2) over real HTTP, stateful and deterministic.

PyGithub talks to it with `Github(base_url=gh.url, auth=Auth.Token(gh.token))`; an httpx
GraphQL client posts to `gh.graphql_url` (`/graphql`, also served at `/api/graphql`, where
PyGithub sends GraphQL for a GHES-style base URL).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tracker_bridge.testing.fake_github import delivery_helpers, helpers, render, seeding
from tracker_bridge.testing.fake_github.answers import github_headers, rate_limit_body
from tracker_bridge.testing.fake_github.common import Context
from tracker_bridge.testing.fake_github.graphql_api import GraphQLApi, is_mutation
from tracker_bridge.testing.fake_github.hooks import Hook, Hooks
from tracker_bridge.testing.fake_github.issue_events import IssueEventRoutes
from tracker_bridge.testing.fake_github.limits import (
    PRIMARY_DOCS,
    PRIMARY_MESSAGE,
    SECONDARY_DOCS,
    SECONDARY_MESSAGE,
    UNAUTHENTICATED,
    RateLimits,
    etag,
    etag_matches,
)
from tracker_bridge.testing.fake_github.persist import decode, encode
from tracker_bridge.testing.fake_github.projects import Project, status_options
from tracker_bridge.testing.fake_github.rest_deployments import DeploymentRoutes
from tracker_bridge.testing.fake_github.rest_environments import EnvironmentRoutes
from tracker_bridge.testing.fake_github.rest_issues import IssueRoutes
from tracker_bridge.testing.fake_github.rest_meta import MetaRoutes
from tracker_bridge.testing.fake_github.rest_people import PeopleRoutes
from tracker_bridge.testing.fake_github.rest_pulls import PullRoutes
from tracker_bridge.testing.fake_github.rest_search import SearchRoutes
from tracker_bridge.testing.fake_github.rest_sub_issues import SubIssueRoutes
from tracker_bridge.testing.fake_github.state import GitHubState, Ids
from tracker_bridge.testing.server import FakeServer, Request, Response

GRAPHQL_PATHS = ("/graphql", "/api/graphql")
FREE_PATHS = ("/rate_limit",)


class FakeGitHub(FakeServer):
    """A fake GitHub for tests and demos. See the package docstring for the API."""

    def __init__(
        self,
        *,
        owner: str = "acme",
        repos: Sequence[str] = ("trending-now",),
        token: str = "fake-token-xyz",
        seed: int = 0,
        secondary_limit_per_minute: int | None = None,
        secondary_window_seconds: float = 60.0,
        secondary_limit_status: int = 403,
        primary_limit: int = 5000,
        primary_window_seconds: float = 3600.0,
        issue_types: bool | Sequence[str] = False,
        projects: bool = True,
        project_status: str | Sequence[str] = "mlops",
        user: str = "bridge-bot",
        token_scopes: Sequence[str] | None = ("project", "read:org", "repo"),
        collaborators: Sequence[str] = ("alice", "bob", "carol"),
        pull_requests_per_repo: int = 2,
        port: int = 0,
        host: str = "127.0.0.1",
        state_file: Path | str | None = None,
    ) -> None:
        super().__init__(seed=seed, host=host, port=port, state_file=state_file)
        if secondary_limit_status not in (403, 429):
            raise ValueError("secondary_limit_status must be 403 or 429")
        self.token = token
        # What the classic token was granted (GitHub echoes it in `x-oauth-scopes`); None
        # plays a fine-grained token, whose answers carry no scopes header.
        self.token_scopes = tuple(token_scopes) if token_scopes is not None else None
        self.owner = owner
        self.limits = RateLimits(
            now=self.clock.now,
            primary_limit=primary_limit,
            primary_window=primary_window_seconds,
            secondary_per_window=secondary_limit_per_minute,
            secondary_window=secondary_window_seconds,
            secondary_status=secondary_limit_status,
        )
        self.state = GitHubState()
        self.ids = Ids(self.rng)
        self.projects: list[Project] = []
        self.ctx = Context(self.state, self.ids, self.rng, self.clock.now, self._base, user)
        self._local = threading.local()
        seeding.populate(
            self.ctx,
            self.projects,
            owner=owner,
            repos=repos,
            collaborators=collaborators,
            issue_types=issue_types,
            with_projects=projects,
            pull_requests=pull_requests_per_repo,
            status=status_options(
                project_status if isinstance(project_status, str) else tuple(project_status)
            ),
        )
        self.issue_routes = IssueRoutes(self.ctx)
        MetaRoutes(self.ctx, self.issue_routes).register(self)
        self.issue_routes.register(self)
        SubIssueRoutes(self.ctx).register(self)
        PeopleRoutes(self.ctx).register(self)
        IssueEventRoutes(self.ctx).register(self)
        SearchRoutes(self.ctx).register(self)
        PullRoutes(self.ctx).register(self)
        DeploymentRoutes(self.ctx).register(self)
        EnvironmentRoutes(self.ctx).register(self)
        self.hooks = Hooks()
        self.graphql = GraphQLApi(self.ctx, self.projects, self.issue_routes)
        self.route("GET", "/rate_limit", self._rate_limit)
        self.route("GET", "/_fake/github/limits", self._limit_stats)
        for path in GRAPHQL_PATHS:
            self.route("POST", path, self._graphql)

    # -- addresses ---------------------------------------------------------------------
    def _base(self) -> str:
        return self.url

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    # -- harness hooks -----------------------------------------------------------------
    def error_body(self, status: int, message: str) -> Any:
        return render.error(message, status)

    def authenticate(self, request: Request) -> Response | None:
        if request.path.startswith("/_fake/"):
            return None
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("token", "bearer") and given.strip() == self.token:
            return None
        docs = "https://docs.github.com/graphql" if request.path in GRAPHQL_PATHS else render.DOCS
        self._local.free = True
        return Response(401, render.error("Bad credentials", 401, docs))

    def before_request(self, request: Request) -> Response | None:
        self._local.free = request.path in FREE_PATHS or request.path.startswith("/_fake/")
        if self._local.free:
            return None
        graphql = request.path in GRAPHQL_PATHS
        resource = _resource(request)
        if self.limits.primary_exhausted(resource):
            self._local.free = True
            user_id = self.state.users[self.ctx.viewer].id
            message = PRIMARY_MESSAGE.format(user_id=user_id)
            if graphql:
                return Response(200, {"errors": [{"type": "RATE_LIMITED", "message": message}]})
            return Response(403, {"message": message, "documentation_url": PRIMARY_DOCS})
        method = request.method
        if graphql:  # only mutations create content; a query is a POST too
            method = "POST" if is_mutation(request) else "GET"
        wait = self.limits.secondary_wait(method)
        if wait is not None:
            self._local.free = True
            body = {"message": SECONDARY_MESSAGE, "documentation_url": SECONDARY_DOCS}
            return Response(self.limits.secondary_status, body, {"retry-after": str(wait)})
        return None

    def decorate(self, request: Request, response: Response) -> None:
        free = getattr(self._local, "free", False)
        self._local.free = False
        graphql = request.path in GRAPHQL_PATHS
        if 200 <= response.status < 300 and response.body is not None and not graphql:
            encoded = response.encoded()
            response.body = encoded  # serialised once: the harness sends bytes as they are
            tag = etag(encoded)
            response.headers["ETag"] = tag
            conditional = request.headers.get("if-none-match")
            if request.method == "GET" and etag_matches(conditional, tag):
                response.status, response.body, free = 304, None, True
        response.headers.update(github_headers(self.seed, self.token_scopes, response.status))
        if response.status == 401:  # counted apart, like GitHub's 60/hour without a token
            response.headers.update(self.limits.charge(UNAUTHENTICATED).headers("core"))
            return
        resource = _resource(request)
        # GraphQL is charged inside its handler, so that `rateLimit{}` already sees the cost.
        charged = free or graphql
        budget = self.limits.budget(resource) if charged else self.limits.charge(resource)
        response.headers.update(budget.headers(resource))

    # -- built-in routes ---------------------------------------------------------------
    def _graphql(self, request: Request) -> Response:
        return self.graphql.answer(request, self.limits.charge("graphql"))

    def _rate_limit(self, request: Request) -> Response:
        return Response(200, rate_limit_body(self.limits))

    def _limit_stats(self, request: Request) -> Response:
        return Response(200, {"provoked": dict(self.limits.provoked)})

    # -- persistence -------------------------------------------------------------------
    def dump_state(self) -> dict[str, Any]:
        return {
            "state": encode(self.state),
            "projects": encode(self.projects),
            "next_id": self.ids.next,
        }

    def load_state(self, data: dict[str, Any]) -> None:
        with self.lock:
            wanted = list(self.state.collaborators)  # this start's team (--collaborator)
            self.state = decode(data["state"])
            self.ctx.state = self.state
            self.projects[:] = decode(data["projects"])
            self.ids.next = int(data["next_id"])
            for login in wanted:  # files saved before collaborators were kept have none
                seeding.add_collaborator(self.ctx, login)

    # -- set-up an owner would do -----------------------------------------------------
    def add_collaborator(self, login: str) -> None:
        """Give `login` push access to the owner's repositories, so issues can be assigned to
        them (anyone else in `assignees` gets GitHub's 422)."""
        with self.lock:
            seeding.add_collaborator(self.ctx, login)

    def add_user(self, login: str) -> None:
        """A GitHub account that exists (`GET /users/{login}`) without access to the repos."""
        with self.lock:
            seeding.add_user(self.ctx, login)

    # -- helpers that act like a person in the UI, and inspection ----------------------
    def human_edit_issue(self, owner_repo: str, number: int, **changes: Any) -> dict[str, Any]:
        return helpers.human_edit_issue(self, owner_repo, number, changes)

    def human_create_issue(self, owner_repo: str, title: str, **fields: Any) -> dict[str, Any]:
        return helpers.human_create_issue(self, owner_repo, title, fields)

    def human_comment(self, owner_repo: str, number: int, body: str) -> None:
        helpers.human_comment(self, owner_repo, number, body)

    def human_set_project_status(
        self, owner_repo: str, number: int, option_name: str, *, project_number: int = 1
    ) -> None:
        helpers.human_set_field(self, owner_repo, number, "Status", option_name, project_number)

    def human_set_project_field(
        self, owner_repo: str, number: int, field_name: str, value: Any, *, project_number: int = 1
    ) -> None:
        helpers.human_set_field(self, owner_repo, number, field_name, value, project_number)

    def issue_count(self, owner_repo: str) -> int:
        return len(self.issues(owner_repo))

    def issues(self, owner_repo: str) -> list[dict[str, Any]]:
        """Issues (not pull requests) as the REST API renders them, by number."""
        return helpers.issues(self, owner_repo)

    def milestones(self, owner_repo: str) -> list[dict[str, Any]]:
        """Milestones (open and closed) as the REST API renders them, by number."""
        return helpers.milestones(self, owner_repo)

    def comments(self, owner_repo: str, number: int) -> list[dict[str, Any]]:
        """An issue's comments as the REST API renders them, oldest first."""
        return helpers.comments(self, owner_repo, number)

    def project(self, number: int = 1, *, owner: str | None = None) -> dict[str, Any]:
        return helpers.project(self, number, owner or self.owner)

    # -- delivery: a developer and a CI system at work (see delivery_helpers) -----------
    def add_webhook(self, url: str, secret: str | None, events: Sequence[str] = ("*",)) -> Hook:
        """A repository webhook: every later event in `events` is POSTed to `url`."""
        hook = Hook(url, secret, tuple(events))
        self.hooks.hooks.append(hook)
        return hook

    def open_pull_request(self, owner_repo: str, title: str, **options: Any) -> int:
        return delivery_helpers.open_pull_request(self, owner_repo, title, **options)

    def ready_for_review(self, owner_repo: str, number: int) -> None:
        delivery_helpers.ready_for_review(self, owner_repo, number)

    def merge_pull_request(self, owner_repo: str, number: int, **options: Any) -> str:
        return delivery_helpers.merge_pull_request(self, owner_repo, number, **options)

    def deploy(self, owner_repo: str, environment: str, **options: Any) -> int:
        return delivery_helpers.deploy(self, owner_repo, environment, **options)

    def report_deployment_status(self, owner_repo: str, deployment_id: int, state: str) -> None:
        delivery_helpers.report_status(self, owner_repo, deployment_id, state)

    def publish_release(self, owner_repo: str, tag_name: str, **options: Any) -> int:
        return delivery_helpers.publish_release(self, owner_repo, tag_name, **options)

    @property
    def rate_limit_hits(self) -> dict[str, int]:
        """How many primary / secondary limit answers the fake has given."""
        return dict(self.limits.provoked)


def _resource(request: Request) -> str:
    """The primary budget a request spends: GraphQL, search, or the core REST budget."""
    if request.path in GRAPHQL_PATHS:
        return "graphql"
    return "search" if request.path.startswith("/search/") else "core"
