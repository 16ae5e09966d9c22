"""Project versions (releases) and the `fixVersions` / `versions` fields that point at them.

A version belongs to one project; issues name versions by `{"name"}` or `{"id"}`, and Jira
refuses a name or id the issue's project does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import Request, Response

from .errors import jira_error

if TYPE_CHECKING:
    from .app import FakeJira
    from .data import JiraData
    from .state import Issue

VERSION_FIELDS = ("fixVersions", "versions")


@dataclass
class Version:
    id: str
    project: str  # key
    name: str
    description: str | None = None
    archived: bool = False
    released: bool = False
    release_date: str | None = None  # YYYY-MM-DD


def add_version(
    data: JiraData,
    project: str,
    name: str,
    *,
    description: str | None = None,
    released: bool = False,
    archived: bool = False,
    release_date: str | None = None,
) -> Version:
    found = data.project(project)
    if found is None:
        raise jira_error(404, [f"No project could be found with key '{project}'."])
    if not name.strip():
        raise jira_error(400, [], {"name": "You must specify a valid version name"})
    if any(v.project == found.key and v.name == name for v in data.versions.values()):
        raise jira_error(
            400, [], {"name": "A version with this name already exists in this project."}
        )
    version = Version(
        str(10000 + len(data.versions)),
        found.key,
        name,
        description,
        archived,
        released,
        release_date,
    )
    data.versions[version.id] = version
    return version


def render(version: Version, base: str) -> dict[str, Any]:
    """A version as an issue field carries it (the version routes add `projectId`)."""
    out: dict[str, Any] = {"self": f"{base}/rest/api/2/version/{version.id}", "id": version.id}
    if version.description is not None:
        out["description"] = version.description
    out.update(name=version.name, archived=version.archived, released=version.released)
    if version.release_date:
        out["releaseDate"] = version.release_date
    return out


def check(data: JiraData, issue_project: str | None, value: Any) -> str:
    """Why these versions cannot be set ("" when they can)."""
    if value is None:
        return ""
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        return "Versions must be a list of {name} or {id} objects."
    for ref in value:
        if find(data, issue_project, ref) is None:
            if "id" in ref:
                return f"Version id '{ref.get('id')}' is not valid"
            return f"Version name '{ref.get('name')}' is not valid"
    return ""


def find(data: JiraData, project: str | None, ref: Mapping[str, Any]) -> Version | None:
    for version in data.versions.values():
        if project is not None and version.project != project:
            continue
        if ("id" in ref and str(ref["id"]) == version.id) or (
            "id" not in ref and ref.get("name") == version.name
        ):
            return version
    return None


def ids(data: JiraData, issue: Issue, value: Any) -> list[str]:
    """The stored form: version ids, in the order given, without repeats."""
    found = [find(data, issue.project, ref) for ref in value or []]
    return list(dict.fromkeys(v.id for v in found if v is not None))


def names(data: JiraData, stored: Any) -> str:
    return ", ".join(data.versions[i].name for i in stored or [] if i in data.versions)


def register(jira: FakeJira) -> None:
    from .routes_meta import API_VERSIONS

    data = jira.data

    def full(version: Version) -> dict[str, Any]:
        out = render(version, jira.url)
        out["projectId"] = int(data.projects[version.project].id)
        return out

    def project_versions(request: Request) -> Response:
        project = data.project(request.params["project"])
        if project is None:
            raise jira_error(
                404, [f"No project could be found with key '{request.params['project']}'."]
            )
        return Response(200, [full(v) for v in data.versions.values() if v.project == project.key])

    def create(request: Request) -> Response:
        body = request.json() or {}
        if not isinstance(body, dict):
            raise jira_error(400, ["The request body must be a JSON object."])
        project = body.get("project") or body.get("projectId")
        if project is None:
            raise jira_error(400, [], {"project": "Project must be specified."})
        version = add_version(
            data,
            str(project),
            str(body.get("name") or ""),
            description=body.get("description"),
            released=bool(body.get("released")),
            archived=bool(body.get("archived")),
            release_date=body.get("releaseDate"),
        )
        return Response(201, full(version))

    def get(request: Request) -> Response:
        version = data.versions.get(request.params["id"])
        if version is None:
            raise jira_error(404, [f"Could not find version for id '{request.params['id']}'"])
        return Response(200, full(version))

    for v in API_VERSIONS:
        base = f"/rest/api/{v}"
        jira.route("GET", f"{base}/project/{{project}}/versions", project_versions)
        jira.route("POST", f"{base}/version", create)
        jira.route("GET", f"{base}/version/{{id}}", get)
