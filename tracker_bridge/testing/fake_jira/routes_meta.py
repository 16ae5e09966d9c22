"""Instance metadata: serverInfo, myself, fields, types, statuses, projects, createmeta."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import Request, Response

from . import custom_fields, versions
from .errors import jira_error
from .state import ISSUE_TYPES, PRIORITIES, RESOLUTIONS, jira_time
from .versions import VERSION_FIELDS
from .workflow import CATEGORIES

if TYPE_CHECKING:
    from .app import FakeJira

API_VERSIONS = ("2", "3")


def page(request: Request, items: list[Any], key: str = "values", cap: int = 50) -> dict[str, Any]:
    """startAt/maxResults/total/isLast paging, as the newer list endpoints do."""
    start = int(request.arg("startAt") or 0)
    size = min(int(request.arg("maxResults") or cap), cap)
    chunk = items[start : start + size]
    return {
        "maxResults": size,
        "startAt": start,
        "total": len(items),
        "isLast": start + len(chunk) >= len(items),
        key: chunk,
    }


def register(jira: FakeJira) -> None:
    data = jira.data

    def server_info(request: Request) -> Response:
        cloud = jira.flavour == "cloud"
        version = (1001, 0, 0) if cloud else (9, 12, 2)
        now = jira_time(jira.clock.now())
        return Response(
            200,
            {
                "baseUrl": jira.url,
                "version": ".".join(map(str, version)) + ("-SNAPSHOT" if cloud else ""),
                "versionNumbers": list(version),
                "deploymentType": "Cloud" if cloud else "Server",
                "buildNumber": 100282 if cloud else 9120002,
                "buildDate": "2025-01-01T00:00:00.000+0000",
                "serverTime": now,
                "scmInfo": "0" * 40,
                "serverTitle": "Jira",
            },
        )

    def myself(request: Request) -> Response:
        return Response(200, jira.render.myself())

    def fields(request: Request) -> Response:
        return Response(200, [f.json() for f in data.fields])

    def issuetypes(request: Request) -> Response:
        return Response(200, [jira.render.issuetype(entry) for entry in ISSUE_TYPES])

    def statuses(request: Request) -> Response:
        return Response(200, [s.json(jira.url) for s in data.workflow.statuses])

    def categories(request: Request) -> Response:
        return Response(
            200,
            [
                {"self": f"{jira.url}/rest/api/2/statuscategory/{c['id']}", **c}
                for c in CATEGORIES.values()
            ],
        )

    def priorities(request: Request) -> Response:
        return Response(200, [jira.render.priority(pid) for pid, _ in PRIORITIES])

    def resolutions(request: Request) -> Response:
        return Response(200, [jira.render.resolution(rid) for rid, _ in RESOLUTIONS])

    def projects(request: Request) -> Response:
        wants_types = "issueTypes" in (request.arg("expand") or "")
        return Response(200, [jira.render.project(p, wants_types) for p in data.projects.values()])

    def project_of(request: Request) -> Any:
        found = data.project(request.params["project"])
        if found is None:
            raise jira_error(
                404, [f"No project could be found with key '{request.params['project']}'."]
            )
        return found

    def project(request: Request) -> Response:
        return Response(200, jira.render.project(project_of(request), issue_types=True))

    def project_statuses(request: Request) -> Response:
        project_of(request)
        all_statuses = [s.json(jira.url) for s in data.workflow.statuses]
        return Response(
            200,
            [{**jira.render.issuetype(entry), "statuses": all_statuses} for entry in ISSUE_TYPES],
        )

    def createmeta_types(request: Request) -> Response:
        project_of(request)
        types = [jira.render.issuetype(entry) for entry in ISSUE_TYPES]
        if jira.flavour == "cloud":
            body = page(request, types, "issueTypes")
            body.pop("isLast")
            return Response(200, body)
        return Response(200, page(request, types))

    def createmeta_fields(request: Request) -> Response:
        project = project_of(request)
        entry = data.issuetype({"id": request.params["type"]})
        if entry is None:
            raise jira_error(
                400, [f"The issue type with id '{request.params['type']}' does not exist."]
            )
        metas = [
            _field_meta(jira, field_id, entry, project.key)
            for field_id in _create_fields(jira, entry)
        ]
        if jira.flavour == "cloud":
            body = page(request, metas, "fields")
            body.pop("isLast")
            return Response(200, body)
        return Response(200, page(request, metas))

    def editmeta(request: Request) -> Response:
        """The issue's edit screen: the create screen's fields but the project."""
        issue = data.issue(request.params["key"])
        entry = data.issuetype({"id": issue.issuetype}) or ISSUE_TYPES[0]
        ids = [f for f in _create_fields(jira, entry) if f != "project"]
        return Response(
            200, {"fields": {f: _field_meta(jira, f, entry, issue.project) for f in ids}}
        )

    def my_permissions(request: Request) -> Response:
        wanted = [p for v in request.query.get("permissions", []) for p in v.split(",") if p]
        if jira.flavour == "cloud" and not wanted:
            raise jira_error(400, ["The 'permissions' query parameter is required."])
        if request.arg("projectKey") and data.project(request.arg("projectKey") or "") is None:
            raise jira_error(
                404, [f"No project could be found with key '{request.arg('projectKey')}'."]
            )
        granted = {
            name: {
                "id": str(n),
                "key": name,
                "name": name.replace("_", " ").title(),
                "type": "PROJECT",
                "description": "",
                "havePermission": name not in jira.denied_permissions,
            }
            for n, name in enumerate(wanted or ("BROWSE_PROJECTS",), start=10)
        }
        return Response(200, {"permissions": granted})

    def assignable(request: Request) -> Response:
        """Users who can be assigned issues in a project: by accountId (Cloud), username
        (Data Center) or a `query` prefix of the name."""
        key = request.arg("project") or ""
        if data.project(key) is None:
            raise jira_error(404, [f"No project could be found with key '{key}'."])
        account, username = request.arg("accountId"), request.arg("username")
        query = (request.arg("query") or "").casefold()
        found = [
            jira.render.user(name)
            for name, acc in sorted(data.people.items())
            if (account is None or acc == account)
            and (username is None or name == username)
            and name.casefold().startswith(query)
        ]
        return Response(200, found)

    for v in API_VERSIONS:
        base = f"/rest/api/{v}"
        jira.route("GET", f"{base}/user/assignable/search", assignable)
        jira.route("GET", f"{base}/serverInfo", server_info)
        jira.route("GET", f"{base}/mypermissions", my_permissions)
        jira.route("GET", f"{base}/myself", myself)
        jira.route("GET", f"{base}/field", fields)
        jira.route("GET", f"{base}/issuetype", issuetypes)
        jira.route("GET", f"{base}/status", statuses)
        jira.route("GET", f"{base}/statuscategory", categories)
        jira.route("GET", f"{base}/priority", priorities)
        jira.route("GET", f"{base}/resolution", resolutions)
        jira.route("GET", f"{base}/project", projects)
        jira.route("GET", f"{base}/project/{{project}}", project)
        jira.route("GET", f"{base}/project/{{project}}/statuses", project_statuses)
        jira.route("GET", f"{base}/issue/{{key}}/editmeta", editmeta)
        jira.route("GET", f"{base}/issue/createmeta/{{project}}/issuetypes", createmeta_types)
        jira.route(
            "GET", f"{base}/issue/createmeta/{{project}}/issuetypes/{{type}}", createmeta_fields
        )


def _create_fields(jira: FakeJira, entry: tuple[str, str, bool]) -> list[str]:
    c = jira.data.custom
    ids = ["summary", "issuetype", "project", "description", "labels", "duedate", "priority"]
    ids += ["assignee", "reporter", "components", "fixVersions", "versions"]
    ids += [c.story_points, c.sprint, *jira.data.custom_defs]
    if jira.flavour == "cloud" or entry[2]:
        ids.append("parent")
    if c.epic_link and entry[1] != "Epic":
        ids.append(c.epic_link)
    if c.epic_name and entry[1] == "Epic":
        ids.append(c.epic_name)
    return ids


def _field_meta(
    jira: FakeJira, field_id: str, entry: tuple[str, str, bool], project: str
) -> dict[str, Any]:
    field = jira.data.field_by_id[field_id]
    required = (
        field_id in ("summary", "issuetype", "project")
        or (field_id == jira.data.custom.epic_name)
        or (field_id == "parent" and entry[2])
    )
    meta: dict[str, Any] = {
        "required": required,
        "schema": field.schema,
        "name": field.name,
        "fieldId": field_id,
        "key": field_id,
        "hasDefaultValue": field_id == "priority",
        "operations": ["add", "set", "remove"] if field_id == "labels" else ["set"],
    }
    if field_id == "priority":
        meta["allowedValues"] = [jira.render.priority(pid) for pid, _ in PRIORITIES]
    if field_id == "issuetype":
        meta["allowedValues"] = [jira.render.issuetype(entry)]
    if field_id in VERSION_FIELDS:
        meta["operations"] = ["set", "add", "remove"]
        chosen = [v for v in jira.data.versions.values() if v.project == project]
        meta["allowedValues"] = [versions.render(v, jira.url) for v in chosen]
    custom = jira.data.custom_defs.get(field_id)
    if custom is not None and custom.options:
        meta["allowedValues"] = [
            custom_fields.option_json(custom, value, jira.url) for _, value in custom.options
        ]
    return meta
