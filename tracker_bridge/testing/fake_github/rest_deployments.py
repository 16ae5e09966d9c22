"""REST: deployments and their statuses, releases and tags.

`GET /deployments` filters by `sha`, `ref`, `task`, `environment`, newest first;
`GET /deployments/{id}/statuses` newest first; `GET /releases` newest first (drafts
included: the token has push access); `GET /tags`. Paginated with `Link`, ETag'd by the server.
"""

from __future__ import annotations

from tracker_bridge.testing.fake_github import delivery_ops as ops
from tracker_bridge.testing.fake_github import render_delivery as shapes
from tracker_bridge.testing.fake_github.common import (
    Context,
    body_object,
    invalid,
    not_found,
    page_response,
)
from tracker_bridge.testing.fake_github.delivery_state import DEFAULT_BRANCH
from tracker_bridge.testing.server import FakeServer, Request, Response

REPO = "/repos/{owner}/{repo}"
DEPLOYMENT = REPO + "/deployments/{deployment_id}"


class DeploymentRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", REPO + "/deployments", self.list_deployments)
        server.route("POST", REPO + "/deployments", self.create_deployment)
        server.route("GET", DEPLOYMENT, self.get_deployment)
        server.route("GET", DEPLOYMENT + "/statuses", self.list_statuses)
        server.route("POST", DEPLOYMENT + "/statuses", self.create_status)
        server.route("GET", REPO + "/releases", self.list_releases)
        server.route("POST", REPO + "/releases", self.create_release)
        server.route("GET", REPO + "/releases/{release_id}", self.get_release)
        server.route("GET", REPO + "/tags", self.list_tags)

    # -- deployments -------------------------------------------------------------------
    def list_deployments(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        wanted = {k: request.arg(k) for k in ("sha", "ref", "task", "environment")}
        found = [
            d
            for d in repo.deployments.values()
            if all(v is None or getattr(d, k) == v for k, v in wanted.items())
        ]
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        base, state = self.ctx.base(), self.ctx.state
        return page_response(
            request, [shapes.deployment(base, state, repo, d) for d in found], self.ctx
        )

    def get_deployment(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = ops.deployment(repo, request.params["deployment_id"])
        return Response(200, shapes.deployment(self.ctx.base(), self.ctx.state, repo, found))

    def create_deployment(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        data = body_object(request)
        ref = data.get("ref")
        if not isinstance(ref, str) or not ref:
            raise invalid("Deployment", "ref", "missing_field")
        payload = data.get("payload") or {}
        if not isinstance(payload, dict):
            raise invalid("Deployment", "payload")
        made = ops.create_deployment(
            self.ctx,
            repo,
            ref=ref,
            environment=str(data.get("environment") or "production"),
            user=self.ctx.viewer,
            task=str(data.get("task") or "deploy"),
            description=data.get("description"),
            payload=payload,
            production=data.get("production_environment"),
            transient=bool(data.get("transient_environment", False)),
        )
        return Response(201, shapes.deployment(self.ctx.base(), self.ctx.state, repo, made))

    def list_statuses(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = ops.deployment(repo, request.params["deployment_id"])
        base, state = self.ctx.base(), self.ctx.state
        statuses = sorted(found.statuses, key=lambda s: (s.created_at, s.id), reverse=True)
        rendered = [shapes.deployment_status(base, state, repo, found, s) for s in statuses]
        return page_response(request, rendered, self.ctx)

    def create_status(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = ops.deployment(repo, request.params["deployment_id"])
        data = body_object(request)
        state = data.get("state")
        if not isinstance(state, str):
            raise invalid("DeploymentStatus", "state", "missing_field")
        made = ops.add_status(
            self.ctx,
            repo,
            found,
            state=state,
            user=self.ctx.viewer,
            description=str(data.get("description") or ""),
            log_url=str(data.get("log_url") or data.get("target_url") or ""),
            environment_url=str(data.get("environment_url") or ""),
            environment=data.get("environment"),
        )
        body = shapes.deployment_status(self.ctx.base(), self.ctx.state, repo, found, made)
        return Response(201, body)

    # -- releases and tags -------------------------------------------------------------
    def list_releases(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = sorted(repo.releases.values(), key=lambda r: (r.created_at, r.id), reverse=True)
        base, state = self.ctx.base(), self.ctx.state
        return page_response(
            request, [shapes.release(base, state, repo, r) for r in found], self.ctx
        )

    def get_release(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        try:
            found = repo.releases.get(int(request.params["release_id"]))
        except ValueError:
            found = None
        if found is None:
            raise not_found()
        return Response(200, shapes.release(self.ctx.base(), self.ctx.state, repo, found))

    def create_release(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        data = body_object(request)
        tag_name = data.get("tag_name")
        if not isinstance(tag_name, str) or not tag_name:
            raise invalid("Release", "tag_name", "missing_field")
        made = ops.create_release(
            self.ctx,
            repo,
            tag_name=tag_name,
            target=str(data.get("target_commitish") or DEFAULT_BRANCH),
            user=self.ctx.viewer,
            name=data.get("name"),
            body=data.get("body"),
            draft=bool(data.get("draft", False)),
            prerelease=bool(data.get("prerelease", False)),
        )
        return Response(201, shapes.release(self.ctx.base(), self.ctx.state, repo, made))

    def list_tags(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        base = self.ctx.base()
        tags = [
            shapes.tag(base, repo, n, s) for n, s in sorted(repo.git.tags.items(), reverse=True)
        ]
        return page_response(request, tags, self.ctx)
