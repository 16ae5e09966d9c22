"""REST: deployment environments, as `doctor` reads them.

`GET /repos/{owner}/{repo}/environments` answers `{total_count, environments}` (an object,
not a list), oldest first, paginated with `per_page`/`page` and a `Link` header;
`GET|PUT|DELETE .../environments/{environment_name}` read, create (or update) and delete one.
Names compare without case. A deployment to a new name makes its environment, as on GitHub.
"""

from __future__ import annotations

from tracker_bridge.testing.fake_github import delivery_ops as ops
from tracker_bridge.testing.fake_github.common import Context, not_found, paginate
from tracker_bridge.testing.fake_github.delivery_state import Environment
from tracker_bridge.testing.fake_github.render import Json
from tracker_bridge.testing.fake_github.state import Repo, iso
from tracker_bridge.testing.server import FakeServer, Request, Response

ENVIRONMENTS = "/repos/{owner}/{repo}/environments"
ENVIRONMENT = ENVIRONMENTS + "/{environment_name}"


class EnvironmentRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", ENVIRONMENTS, self.list_environments)
        server.route("GET", ENVIRONMENT, self.get_environment)
        server.route("PUT", ENVIRONMENT, self.put_environment)
        server.route("DELETE", ENVIRONMENT, self.delete_environment)

    def list_environments(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = sorted(repo.environments.values(), key=lambda e: e.id)
        chunk, headers = paginate(request, found, self.ctx.base())
        body = {
            "total_count": len(found),
            "environments": [self._shape(repo, e) for e in chunk],
        }
        return Response(200, body, headers)

    def get_environment(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        found = repo.environments.get(request.params["environment_name"].casefold())
        if found is None:
            raise not_found()
        return Response(200, self._shape(repo, found))

    def put_environment(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        made = ops.ensure_environment(self.ctx, repo, request.params["environment_name"])
        made.updated_at = self.ctx.now()
        return Response(200, self._shape(repo, made))

    def delete_environment(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        if repo.environments.pop(request.params["environment_name"].casefold(), None) is None:
            raise not_found()
        return Response(204)

    def _shape(self, repo: Repo, found: Environment) -> Json:
        base = self.ctx.base()
        return {
            "id": found.id,
            "node_id": found.node_id,
            "name": found.name,
            "url": f"{base}/repos/{repo.full_name}/environments/{found.name}",
            "html_url": f"{base}/{repo.full_name}/deployments/activity_log"
            f"?environments_filter={found.name}",
            "created_at": iso(found.created_at),
            "updated_at": iso(found.updated_at),
            "can_admins_bypass": True,
            "protection_rules": [],
            "deployment_branch_policy": None,
        }
