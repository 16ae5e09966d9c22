"""REST: pull requests (`/pulls` list, get, create, merge), commits and compare.

List filters as GitHub has them: `state` (open | closed | all, default open), `head`
(`user:ref`), `base`, `sort` (created | updated | popularity | long-running, default created),
`direction` (default desc), `per_page`/`page` with a `Link` header; every answer carries an
ETag (the server adds it) so an unchanged page is a free 304.
"""

from __future__ import annotations

from tracker_bridge.testing.fake_github import delivery_ops as ops
from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github import render_delivery as shapes
from tracker_bridge.testing.fake_github.common import (
    Context,
    body_object,
    invalid,
    not_found,
    page_response,
    parse_time,
)
from tracker_bridge.testing.fake_github.state import Issue
from tracker_bridge.testing.server import FakeServer, HTTPError, Request, Response

REPO = "/repos/{owner}/{repo}"
SORTS = ("created", "updated", "popularity", "long-running")


class PullRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", REPO + "/pulls", self.list_pulls)
        server.route("POST", REPO + "/pulls", self.create)
        server.route("GET", REPO + "/pulls/{number}", self.get)
        server.route("PUT", REPO + "/pulls/{number}/merge", self.merge)
        server.route("GET", REPO + "/commits", self.commits)
        server.route("GET", REPO + "/compare/{basehead}", self.compare)

    def _render(self, issue: Issue) -> dict[str, object]:
        repo = self.ctx.state.repos[issue.repo.lower()]
        return shapes.pull_request(
            self.ctx.base(), self.ctx.state, repo, issue, repo.pulls[issue.number]
        )

    def list_pulls(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        state = request.arg("state", "open")
        sort = request.arg("sort", "created")
        direction = request.arg("direction", "desc")
        if state not in ("open", "closed", "all") or sort not in SORTS:
            raise invalid("PullRequest", "state" if sort in SORTS else "sort")
        if direction not in ("asc", "desc"):
            raise invalid("PullRequest", "direction")
        head, base = request.arg("head"), request.arg("base")
        found = []
        for number, pull in repo.pulls.items():
            issue = repo.issues[number]
            if state != "all" and issue.state != state:
                continue
            if base and pull.base_ref != base:
                continue
            if head and f"{repo.owner}:{pull.head_ref}" != head and pull.head_ref != head:
                continue
            found.append(issue)
        key = {
            "created": lambda i: (i.created_at, i.number),
            "updated": lambda i: (i.updated_at, i.number),
            "popularity": lambda i: (i.comment_count, i.number),
            "long-running": lambda i: (-i.created_at.timestamp(), i.number),
        }[sort]
        found.sort(key=key, reverse=direction == "desc")
        return page_response(request, [self._render(i) for i in found], self.ctx)

    def get(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        if issue.number not in repo.pulls:
            raise not_found()
        return Response(200, self._render(issue))

    def create(self, request: Request) -> Response:
        repo = self.ctx.repo(request)
        data = body_object(request)
        for name in ("title", "head", "base"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise invalid("PullRequest", name, "missing_field")
        issue, _ = ops.open_pull(
            self.ctx,
            repo,
            title=data["title"],
            head=data["head"],
            base=data["base"],
            body=data.get("body"),
            draft=bool(data.get("draft", False)),
            user=self.ctx.viewer,
        )
        return Response(201, self._render(issue))

    def merge(self, request: Request) -> Response:
        repo, issue = self.ctx.issue(request)
        data = body_object(request)
        method = data.get("merge_method", "merge")
        if method not in ("merge", "squash", "rebase"):
            raise invalid("PullRequest", "merge_method")
        sha = ops.merge(self.ctx, repo, issue.number, self.ctx.viewer, data.get("commit_title"))
        return Response(
            200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}
        )

    def commits(self, request: Request) -> Response:
        """Commits reachable from `sha` (a branch, tag or sha; default branch by default),
        newest first; `since`/`until` filter by commit date."""
        repo = self.ctx.repo(request)
        wanted = request.arg("sha") or ops.ensure_default_branch(self.ctx, repo)
        start = repo.git.resolve(wanted)
        if start is None:
            raise HTTPError(422, render.error(f"No commit found for SHA: {wanted}", 422))
        since, until = request.arg("since"), request.arg("until")
        low = parse_time(since, "Commit", "since") if since else None
        high = parse_time(until, "Commit", "until") if until else None
        found = [
            c
            for c in repo.git.reachable(start)
            if (low is None or c.at >= low) and (high is None or c.at <= high)
        ]
        base = self.ctx.base()
        return page_response(request, [shapes.commit(base, repo, c) for c in found], self.ctx)

    def compare(self, request: Request) -> Response:
        """`base...head`: the commits reachable from head but not from base, oldest first."""
        repo = self.ctx.repo(request)
        left, sep, right = request.params["basehead"].partition("...")
        if not sep:
            raise not_found()
        base_sha, head_sha = repo.git.resolve(left), repo.git.resolve(right)
        if base_sha is None or head_sha is None:
            raise not_found()
        from_base = {c.sha for c in repo.git.reachable(base_sha)}
        from_head = list(repo.git.reachable(head_sha))
        head_set = {c.sha for c in from_head}
        ahead = [c for c in from_head if c.sha not in from_base]
        behind = len(from_base - head_set)
        status = (
            "identical"
            if base_sha == head_sha
            else "ahead"
            if not behind
            else "behind"
            if not ahead
            else "diverged"
        )
        merge_base = next((c for c in from_head if c.sha in from_base), None)
        base = self.ctx.base()
        return Response(
            200,
            {
                "url": f"{base}/repos/{repo.full_name}/compare/{left}...{right}",
                "status": status,
                "ahead_by": len(ahead),
                "behind_by": behind,
                "total_commits": len(ahead),
                "base_commit": shapes.commit(base, repo, repo.git.commits[base_sha]),
                "merge_base_commit": shapes.commit(base, repo, merge_base) if merge_base else None,
                "commits": [shapes.commit(base, repo, c) for c in reversed(ahead[:250])],
                "files": [],
            },
        )
