"""Users: look one up, search, assignable search, and `PUT /issue/{key}/assignee`.

What `jira.user()`, `search_users()`, `search_assignable_users_for_issues()` and
`assign_issue()` call. Searches answer a plain JSON list, as Jira does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import Request, Response

from .errors import jira_error
from .routes_meta import API_VERSIONS

if TYPE_CHECKING:
    from .app import FakeJira


def register(jira: FakeJira) -> None:
    data = jira.data

    def login_of(request: Request) -> str | None:
        account = request.arg("accountId")
        if account is not None:
            return data.name_by_account.get(account)
        name = request.arg("username") or request.arg("key")
        if name and name.startswith("JIRAUSER"):  # DC user keys
            index = int(name.removeprefix("JIRAUSER")) - 10000
            return list(data.people)[index] if 0 <= index < len(data.people) else None
        return name if name in data.people else None

    def get_user(request: Request) -> Response:
        login = login_of(request)
        if login is None:
            wanted = request.arg("accountId") or request.arg("username") or request.arg("key")
            raise jira_error(
                404, [f"The user with the specified identifier '{wanted}' was not found."]
            )
        return Response(200, jira.render.user(login))

    def matches(request: Request) -> list[dict[str, Any]]:
        text = (request.arg("query") or request.arg("username") or "").lower()
        if not text:
            raise jira_error(400, ["The query parameter 'query' is required."])
        found = [
            login
            for login in data.people
            if text in login.lower() or text in f"{login}@example.com" or text == "."
        ]
        start = int(request.arg("startAt") or 0)
        size = int(request.arg("maxResults") or 50)
        return [jira.render.user(login) for login in found[start : start + size]]

    def search(request: Request) -> Response:
        return Response(200, matches(request))

    def assignable(request: Request) -> Response:
        if request.arg("issueKey"):
            data.issue(request.arg("issueKey") or "")
        if request.arg("project") and data.project(request.arg("project") or "") is None:
            raise jira_error(
                404, [f"No project could be found with key '{request.arg('project')}'."]
            )
        return Response(200, matches(request))

    def assign(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        body = request.json()
        if body is not None and not isinstance(body, dict):
            raise jira_error(400, ["The request body must be a JSON object."])
        unassign = not body or (body.get("accountId") is None and body.get("name") in (None, "-1"))
        wanted = None if unassign else body
        data.edit(issue, {"assignee": wanted}, None)
        return Response(204)

    for v in (*API_VERSIONS, "latest"):  # `assign_issue` calls /rest/api/latest
        base = f"/rest/api/{v}"
        jira.route("GET", f"{base}/user", get_user)
        jira.route("GET", f"{base}/user/search", search)
        jira.route("GET", f"{base}/user/assignable/search", assignable)
        jira.route("PUT", f"{base}/issue/{{key}}/assignee", assign)
