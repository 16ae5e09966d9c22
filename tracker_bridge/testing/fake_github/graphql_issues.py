"""GraphQL `createIssue`: one mutation sets labels, assignees, milestone, issue type and the
parent (a sub-issue link), as GitHub's does. Everything is checked before the issue exists:
an unknown id or a parent that cannot take it more refuses the whole create."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from tracker_bridge.testing.fake_github.common import Context
from tracker_bridge.testing.fake_github.graphql_objects import Builder
from tracker_bridge.testing.fake_github.graphql_paging import GitHubGraphQLError, Obj, not_found
from tracker_bridge.testing.fake_github.rest_issues import IssueRoutes
from tracker_bridge.testing.fake_github.rest_sub_issues import may_adopt
from tracker_bridge.testing.server import HTTPError

T = TypeVar("T")


class IssueMutations:
    def __init__(self, ctx: Context, issues: IssueRoutes) -> None:
        self.ctx = ctx
        self.issues = issues

    def create_issue(self, builder: Builder, data: Obj) -> Obj:
        state = self.ctx.state
        repo = _by_id(state.repos.values(), data["repositoryId"], lambda r: r.node_id)
        payload: Obj = {"title": data["title"], "body": data.get("body")}
        if data.get("labelIds"):
            labels = [_by_id(repo.labels.values(), i, lambda x: x.node_id)
                      for i in data["labelIds"]]
            payload["labels"] = [label.name for label in labels]
        if data.get("assigneeIds"):
            people = [_by_id(state.users.values(), i, lambda u: u.node_id)
                      for i in data["assigneeIds"]]
            payload["assignees"] = [person.login for person in people]
        if data.get("milestoneId"):
            stone = _by_id(repo.milestones.values(), data["milestoneId"], lambda m: m.node_id)
            payload["milestone"] = stone.number
        if data.get("issueTypeId"):
            kind = _by_id(state.issue_types.values(), data["issueTypeId"], lambda t: t.node_id)
            payload["type"] = kind.name
        parent = None
        if data.get("parentIssueId"):
            parent = state.issue_by_node(data["parentIssueId"])
            if parent is None or parent.is_pull_request:
                raise _missing(data["parentIssueId"])
        found = parent

        def parent_takes_it() -> None:
            if found is not None:
                may_adopt(found, repo.full_name)

        try:
            issue = self.issues.new_issue(repo, payload, check=parent_takes_it)
        except HTTPError as exc:  # the REST validation's 422, in GraphQL's shape
            body = exc.body if isinstance(exc.body, dict) else {}
            details = [str(e.get("message") or e.get("field")) for e in body.get("errors") or []]
            raise GitHubGraphQLError("UNPROCESSABLE", "; ".join(details) or str(exc)) from None
        if parent is not None:
            issue.parent_id = parent.id
            parent.sub_issue_ids.append(issue.id)
            self.ctx.touch(parent)
        return {"clientMutationId": data.get("clientMutationId"), "issue": builder.content(issue)}


def _by_id(candidates: Iterable[T], wanted: str, node_id: Callable[[T], str]) -> T:
    found = next((c for c in candidates if node_id(c) == wanted), None)
    if found is None:
        raise _missing(wanted)
    return found


def _missing(wanted: str) -> GitHubGraphQLError:
    return not_found(f"Could not resolve to a node with the global id of '{wanted}'.")
