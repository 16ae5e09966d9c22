"""REST: sub-issues (`/issues/{n}/sub_issues`, `/sub_issue`, `/parent`), as GitHub checks them.

`sub_issue_id` is the child's database id, a JSON integer (a string is a 422); a child has one
parent unless `replace_parent`; a parent takes at most 100 children; parent and child share
an owner; no cycles.
"""

from __future__ import annotations

import json
from typing import Any

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import Context, body_object, not_found, paginate
from tracker_bridge.testing.fake_github.state import SUB_ISSUE_LIMIT, Issue
from tracker_bridge.testing.server import FakeServer, HTTPError, Request, Response

ISSUE = "/repos/{owner}/{repo}/issues/{number}"
SUB_DOCS = "https://docs.github.com/rest/issues/sub-issues"


def may_adopt(parent: Issue, child_repo: str) -> None:
    """GitHub's rules for giving `parent` one more sub-issue from `child_repo` (a 422)."""
    if child_repo.split("/")[0].lower() != parent.repo.split("/")[0].lower():
        raise _rule("Sub issue must belong to a repository of the same owner")
    if len(parent.sub_issue_ids) >= SUB_ISSUE_LIMIT:
        raise _rule(f"Parent issue cannot have more than {SUB_ISSUE_LIMIT} sub-issues")


def _rule(message: str) -> HTTPError:
    problem = {"resource": "Issue", "field": "sub_issue_id", "code": "custom", "message": message}
    return HTTPError(422, {**render.error("Validation Failed", 422, SUB_DOCS), "errors": [problem]})


class SubIssueRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", ISSUE + "/sub_issues", self.list_children)
        server.route("POST", ISSUE + "/sub_issues", self.add_child)
        server.route("PATCH", ISSUE + "/sub_issues/priority", self.reprioritise)
        server.route("DELETE", ISSUE + "/sub_issue", self.remove_child)
        server.route("GET", ISSUE + "/parent", self.get_parent)

    def _with_repository(self, parent: Issue) -> dict[str, Any]:
        base, state = self.ctx.base(), self.ctx.state
        repo = state.repos[parent.repo.lower()]
        return {
            **render.issue(base, state, parent),
            "repository": render.repository(base, state, repo),
        }

    def _child(self, payload: dict[str, Any], key: str = "sub_issue_id") -> Issue:
        raw = payload.get(key)
        if isinstance(raw, bool) or not isinstance(raw, int):
            message = (
                f"Invalid request.\n\nFor 'properties/{key}', {json.dumps(raw)} is not an integer."
            )
            raise HTTPError(422, render.error(message, 422, SUB_DOCS))
        child = self.ctx.state.issues_by_id.get(raw)
        if child is None:
            raise not_found()
        return child

    def list_children(self, request: Request) -> Response:
        _, parent = self.ctx.issue(request)
        children = [self.ctx.state.issues_by_id[i] for i in parent.sub_issue_ids]
        chunk, headers = paginate(request, children, self.ctx.base())
        # children may live in other repositories of the owner, so each names its own
        return Response(200, [self._with_repository(c) for c in chunk], headers)

    def add_child(self, request: Request) -> Response:
        _, parent = self.ctx.issue(request)
        payload = body_object(request)
        child = self._child(payload)
        if child.id == parent.id or self._is_ancestor(child, parent):
            raise _rule("Sub issue cannot be a parent of its own ancestor")
        if child.parent_id == parent.id:
            raise _rule("Sub issue already exists on this issue")
        if child.parent_id is not None and not payload.get("replace_parent"):
            raise _rule("Sub issue may only have one parent")
        may_adopt(parent, child.repo)
        if child.parent_id is not None:
            old = self.ctx.state.issues_by_id[child.parent_id]
            old.sub_issue_ids.remove(child.id)
            self.ctx.touch(old)
        child.parent_id = parent.id
        parent.sub_issue_ids.append(child.id)
        self.ctx.touch(child)
        self.ctx.touch(parent)
        return Response(201, self._with_repository(parent))

    def _is_ancestor(self, candidate: Issue, issue: Issue) -> bool:
        current = issue.parent_id
        while current is not None:
            if current == candidate.id:
                return True
            current = self.ctx.state.issues_by_id[current].parent_id
        return False

    def remove_child(self, request: Request) -> Response:
        _, parent = self.ctx.issue(request)
        child = self._child(body_object(request))
        if child.parent_id != parent.id:
            raise not_found()
        parent.sub_issue_ids.remove(child.id)
        child.parent_id = None
        self.ctx.touch(child)
        self.ctx.touch(parent)
        return Response(200, self._with_repository(parent))

    def reprioritise(self, request: Request) -> Response:
        _, parent = self.ctx.issue(request)
        payload = body_object(request)
        child = self._child(payload)
        if child.parent_id != parent.id:
            raise not_found()
        anchor_key = "after_id" if "after_id" in payload else "before_id"
        order = [i for i in parent.sub_issue_ids if i != child.id]
        if payload.get(anchor_key) is None:  # PyGithub sends after_id=None for "to the top"
            at = 0
        else:
            anchor = self._child(payload, anchor_key)
            if anchor.parent_id != parent.id:
                raise not_found()
            at = order.index(anchor.id) + (1 if anchor_key == "after_id" else 0)
        order.insert(at, child.id)
        parent.sub_issue_ids = order
        return Response(200, self._with_repository(parent))

    def get_parent(self, request: Request) -> Response:
        _, issue = self.ctx.issue(request)
        if issue.parent_id is None:
            raise not_found()
        parent = self.ctx.state.issues_by_id[issue.parent_id]
        return Response(200, render.issue(self.ctx.base(), self.ctx.state, parent))
