"""`POST /graphql`: real parsing, validation and execution (graphql-core), GitHub's error shape.

Errors come back with HTTP 200 and `{"errors": [{"type", "path", "locations", "message"}]}`,
beside whatever `data` could still be resolved, as GitHub does.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, execute_sync, parse, validate

from tracker_bridge.testing.fake_github.common import Context
from tracker_bridge.testing.fake_github.graphql_issues import IssueMutations
from tracker_bridge.testing.fake_github.graphql_objects import Builder
from tracker_bridge.testing.fake_github.graphql_paging import (
    GitHubGraphQLError,
    Obj,
    connection,
    not_found,
)
from tracker_bridge.testing.fake_github.graphql_schema import schema
from tracker_bridge.testing.fake_github.limits import Budget
from tracker_bridge.testing.fake_github.projects import Project, ProjectField, ProjectItem
from tracker_bridge.testing.fake_github.rest_issues import IssueRoutes
from tracker_bridge.testing.fake_github.state import iso, node_id
from tracker_bridge.testing.server import HTTPError, Request, Response

MUTATION = re.compile(r"^\s*mutation\b", re.MULTILINE)


class GraphQLApi:
    def __init__(self, ctx: Context, projects: list[Project], issues: IssueRoutes) -> None:
        self.ctx = ctx
        self.projects = projects
        self.issue_mutations = IssueMutations(ctx, issues)

    def answer(self, request: Request, budget: Budget) -> Response:
        payload = request.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return Response(
                400,
                {
                    "message": "Problems parsing JSON",
                    "documentation_url": "https://docs.github.com/graphql",
                },
            )
        builder = Builder(self.ctx.state, self.projects, self.ctx.base(), self.ctx.now().date())
        document, problems = _document(payload["query"])
        if document is None:
            return Response(200, {"errors": [_error(e) for e in problems]})
        result = execute_sync(
            schema(),
            document,
            root_value=self._root(builder, budget),
            variable_values=payload.get("variables") or None,
            operation_name=payload.get("operationName"),
        )
        body: Obj = {}
        if result.data is not None:
            body["data"] = result.data
        if result.errors:
            body["errors"] = [_error(e) for e in result.errors]
        return Response(200, body)

    # -- root fields -------------------------------------------------------------------
    def _root(self, builder: Builder, budget: Budget) -> Obj:
        users = self.ctx.state.users

        def owner(kind: str, login: str) -> Obj:
            person = users.get(login)
            if person is None or (person.kind == "Organization") != (kind == "Organization"):
                article = "an" if kind == "Organization" else "a"
                raise not_found(
                    f"Could not resolve to {article} {kind} with the login of '{login}'."
                )
            return builder.owner(person)

        def repository(info: Any, owner: str, name: str, followRenames: bool = True) -> Obj:
            repo = self.ctx.state.repo(f"{owner}/{name}")
            if repo is None:
                raise not_found(
                    f"Could not resolve to a Repository with the name '{owner}/{name}'."
                )
            return builder.repository(repo)

        return {
            "organization": lambda info, login: owner("Organization", login),
            "user": lambda info, login: owner("User", login),
            "viewer": lambda info: builder.owner(users[self.ctx.viewer]),
            "node": lambda info, id: self._node(builder, id),
            "nodes": lambda info, ids: [self._node(builder, i, strict=False) for i in ids],
            "repository": repository,
            "repositoryOwner": lambda info, login: (
                builder.owner(users[login]) if login in users else None
            ),
            "rateLimit": lambda info, dryRun=False: {
                "cost": 1,
                "limit": budget.limit,
                "nodeCount": 0,
                "remaining": budget.remaining,
                "used": budget.used,
                "resetAt": iso(_utc(budget.reset_at or 0)),
            },
            "createIssue": lambda info, input: self.issue_mutations.create_issue(builder, input),
            "addProjectV2ItemById": lambda info, input: self.add_item(builder, input),
            "updateProjectV2ItemFieldValue": lambda info, input: self.update_value(builder, input),
            "clearProjectV2ItemFieldValue": lambda info, input: self.clear_value(builder, input),
            "deleteProjectV2Item": lambda info, input: self.delete_item(input),
            "updateProjectV2ItemPosition": lambda info, input: self.move_item(builder, input),
        }

    def _node(self, builder: Builder, wanted: str, *, strict: bool = True) -> Obj | None:
        for project in self.projects:
            if project.id == wanted:
                return builder.project(project)
            for item in project.items:
                if item.id == wanted:
                    return builder.item(project, item)
            for found in project.fields:
                if found.id == wanted:
                    return builder.field(project, found)
        issue = self.ctx.state.issue_by_node(wanted)
        if issue is not None:
            return builder.content(issue)
        for person in self.ctx.state.users.values():
            if person.node_id == wanted:
                return builder.owner(person)
        if wanted.startswith("DE_"):
            for repo in self.ctx.state.repos.values():
                shipped = [d for d in repo.deployments.values() if d.node_id == wanted]
                if shipped:
                    return builder.deployment(shipped[0])
        if strict:
            raise not_found(f"Could not resolve to a node with the global id of '{wanted}'")
        return None

    # -- mutations ---------------------------------------------------------------------
    def _project(self, project_id: str) -> Project:
        found = next((p for p in self.projects if p.id == project_id), None)
        if found is None:
            raise not_found(
                f"Could not resolve to ProjectV2 node with the global id of '{project_id}'."
            )
        return found

    def _item(self, project: Project, item_id: str) -> ProjectItem:
        found = project.item(item_id)
        if found is None:
            raise not_found(
                f"Could not resolve to ProjectV2Item node with the global id of '{item_id}'."
            )
        return found

    def add_item(self, builder: Builder, data: Obj) -> Obj:
        project = self._project(data["projectId"])
        issue = self.ctx.state.issue_by_node(data["contentId"])
        if issue is None:
            raise not_found(
                f"Could not resolve to a node with the global id of '{data['contentId']}'"
            )
        item = project.item_for(issue.node_id)  # adding twice answers with the existing item
        if item is None:
            now = self.ctx.now()
            item_db = self.ctx.ids.take()
            item = ProjectItem(node_id("PVTI", item_db), item_db, issue.node_id, now, now)
            project.items.append(item)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "item": builder.item(project, item),
        }

    def update_value(self, builder: Builder, data: Obj) -> Obj:
        project = self._project(data["projectId"])
        item = self._item(project, data["itemId"])
        found = self._field(project, data["fieldId"])
        value = data["value"]
        kind = found.data_type
        key = {
            "SINGLE_SELECT": "singleSelectOptionId",
            "ITERATION": "iterationId",
            "NUMBER": "number",
            "TEXT": "text",
            "DATE": "date",
        }.get(kind)
        if key is None:
            raise _unprocessable(f"The field of type {kind.lower()} is currently not supported")
        raw = value.get(key)
        if raw is None:
            raise _unprocessable(
                f"Did not receive a {_human(key)} to update a field of type {kind.lower()}"
            )
        if kind == "SINGLE_SELECT" and found.option(raw) is None:
            raise _unprocessable("The single select option Id does not belong to the field")
        if kind == "ITERATION" and found.iteration(raw) is None:
            raise _unprocessable("The iteration Id does not belong to the field")
        if kind == "DATE":
            try:
                raw = date.fromisoformat(str(raw)[:10]).isoformat()
            except ValueError as exc:
                raise _unprocessable(f"'{raw}' is not a valid date") from exc
        item.set_value(found.id, float(raw) if kind == "NUMBER" else raw, self.ctx.now())
        item.updated_at = self.ctx.now()
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": builder.item(project, item),
        }

    @staticmethod
    def _field(project: Project, field_id: str) -> ProjectField:
        found = project.field_by_id(field_id)
        if found is None:
            raise not_found(f"Could not resolve to a node with the global id of '{field_id}'")
        return found

    def clear_value(self, builder: Builder, data: Obj) -> Obj:
        project = self._project(data["projectId"])
        item = self._item(project, data["itemId"])
        found = self._field(project, data["fieldId"])
        item.set_value(found.id, None, self.ctx.now())
        return {
            "clientMutationId": data.get("clientMutationId"),
            "projectV2Item": builder.item(project, item),
        }

    def move_item(self, builder: Builder, data: Obj) -> Obj:
        """Put the item right after `afterId`, or at the top of the project without one."""
        project = self._project(data["projectId"])
        item = self._item(project, data["itemId"])
        after = data.get("afterId")
        anchor = self._item(project, after) if after else None
        project.items.remove(item)
        at = project.items.index(anchor) + 1 if anchor is not None else 0
        project.items.insert(at, item)
        return {
            "clientMutationId": data.get("clientMutationId"),
            "items": lambda info, **page: connection(
                "items", project.items, lambda i: builder.item(project, i), **page
            ),
        }

    def delete_item(self, data: Obj) -> Obj:
        project = self._project(data["projectId"])
        item = self._item(project, data["itemId"])
        project.items.remove(item)
        return {"clientMutationId": data.get("clientMutationId"), "deletedItemId": item.id}


@lru_cache(maxsize=512)
def _document(query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parsed and validated once per distinct query text: clients repeat the same few."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc,)
    problems = validate(schema(), document)
    return (None, tuple(problems)) if problems else (document, ())


def is_mutation(request: Request) -> bool:
    try:
        payload = request.json()
    except HTTPError:  # the handler answers bad JSON; this only classifies the request
        return False
    return isinstance(payload, dict) and bool(MUTATION.search(str(payload.get("query", ""))))


def _unprocessable(message: str) -> GitHubGraphQLError:
    return GitHubGraphQLError("UNPROCESSABLE", message)


def _human(key: str) -> str:
    return {"singleSelectOptionId": "single select option Id", "iterationId": "iteration Id"}.get(
        key, key
    )


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _error(error: GraphQLError) -> Obj:
    shaped: Obj = {}
    original = error.original_error
    if isinstance(original, GitHubGraphQLError):
        shaped["type"] = original.kind
    if error.path is not None:
        shaped["path"] = list(error.path)
    if error.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    shaped["message"] = error.message
    return shaped
