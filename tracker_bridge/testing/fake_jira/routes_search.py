"""JQL search: Cloud's cursor-paged `/search/jql` (old `/search` answers 410), DC's `/search`."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tracker_bridge.testing.server import Request, Response

from . import jql, jql_fields
from .errors import jira_error
from .expansions import expand_issue
from .routes_meta import API_VERSIONS
from .state import Issue

if TYPE_CHECKING:
    from .app import FakeJira

CLOUD_CHANGELOG_LIMIT = 40  # /search/jql returns only the newest 40 histories per issue
DC_PAGE_CAP = 1000
GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at "
    "https://developer.atlassian.com/changelog/#CHANGE-2046"
)
_TEXT_FIELDS = {
    "project", "key", "issuekey", "id", "labels", "status", "statuscategory", "issuetype",
    "type", "parent", "sprint", "resolution", "summary", "assignee", "epic link",
}  # fmt: skip
_CHECKED = {"project": "project", "status": "status", "issuetype": "issuetype", "type": "issuetype"}


def _params(request: Request) -> dict[str, Any]:
    """Search parameters from the query string (GET) or the JSON body (POST)."""
    if request.method == "POST":
        body = request.json() or {}
        if not isinstance(body, dict):
            raise jira_error(400, ["The request body must be a JSON object."])
        return {
            k: _as_list(v) if k in ("fields", "expand", "properties") else v
            for k, v in body.items()
        }
    out: dict[str, Any] = {k: v[0] for k, v in request.query.items() if v}
    for name in ("fields", "expand", "properties"):
        out[name] = [p for v in request.query.get(name, []) for p in v.split(",") if p]
    return out


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in value.split(",") if p]
    return [str(v) for part in value for v in str(part).split(",") if v]


class Searcher:
    def __init__(self, jira: FakeJira) -> None:
        self.jira = jira
        self.data = jira.data

    def lookup(self, issue: Issue) -> Callable[[str], jql_fields.JqlValue]:
        d = self.data

        def get(field: str) -> jql_fields.JqlValue:
            field = jql_fields.native(d, field)
            if field == "project":
                p = d.projects[issue.project]
                return {p.key.lower(), p.id, p.name.lower()}
            if field in ("key", "issuekey", "id"):
                return {issue.key.lower(), issue.id}
            if field == "labels":
                return {label.lower() for label in issue.values.get("labels") or []}
            if field == "status":
                s = d.workflow.status(issue.status)
                return {s.name.lower(), s.id}
            if field == "statuscategory":
                s = d.workflow.status(issue.status)
                return {s.category}
            if field in ("issuetype", "type"):
                entry = d.issuetype({"id": issue.issuetype})
                return {entry[1].lower(), entry[0]} if entry else set()
            if field == "parent":
                parent = issue.parent or (issue.values.get(d.custom.epic_link or "") or None)
                return {parent.lower(), d.issues[parent].id} if parent in d.issues else set()
            if field == "epic link" or field == _cf(d.custom.epic_link):
                link = issue.values.get(d.custom.epic_link or "")
                return {link.lower()} if link else set()
            if field == "sprint":
                sprints = [d.sprints[s] for s in d.open_sprints_of(issue)]
                return {str(s.id) for s in sprints} | {s.name.lower() for s in sprints}
            if field == "resolution":
                return {issue.resolution} if issue.resolution else set()
            if field == "summary":
                return {str(issue.values.get("summary") or "").lower()}
            if field == "assignee":
                name = issue.values.get("assignee")
                return {d.people[name], name} if name else set()
            if field == "updated":
                return issue.updated
            if field == "created":
                return issue.created
            if field == "resolutiondate":
                return issue.resolutiondate
            if field == "duedate":
                due = issue.values.get("duedate")
                return datetime.fromisoformat(due).replace(tzinfo=self.zone) if due else None
            return jql_fields.lookup(d, issue, field, self.zone)

        return get

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.data.user_timezone)

    def validate(self, query: jql.Query) -> None:
        known = _TEXT_FIELDS | jql.DATE_FIELDS | jql_fields.names(self.data)
        for clause in jql.clauses(query.where):
            if clause.field not in known:
                raise jira_error(
                    400,
                    [
                        f"Field '{clause.field}' does not exist or you do not have permission "
                        "to view it."
                    ],
                )
            kind = _CHECKED.get(clause.field)
            for value in clause.values:
                if value is not None and (
                    problem := jql_fields.unknown_value(self.data, clause.field, value)
                ):
                    raise jira_error(400, [problem])
                if kind and value is not None and not self._exists(kind, value):
                    raise jira_error(
                        400, [f"The value '{value}' does not exist for the field '{clause.field}'."]
                    )
        for name, _ in query.order:
            if name not in _SORT_KEYS and name not in jql_fields.names(self.data):
                raise jira_error(400, [f"Not able to sort using field '{name}'."])

    def _exists(self, kind: str, value: str) -> bool:
        d = self.data
        if kind == "project":
            return d.project(value) is not None
        if kind == "status":
            return d.workflow.find_status(value) is not None
        return d.issuetype(value) is not None

    def run(self, text: str) -> list[Issue]:
        try:
            query = jql.parse(text or "")
            me = self.data.username  # currentUser(): matched by login or Cloud account id
            query = jql.Query(jql.substitute(query.where, {"currentuser()": me}), query.order)
            self.validate(query)
            now = self.jira.clock.now()
            kinds = jql_fields.kinds(self.data)
            hits = [
                issue
                for issue in self.data.issues.values()
                if query.where is None
                or jql.evaluate(query.where, self.lookup(issue), self.zone, now, kinds)
            ]
        except jql.JqlError as exc:
            raise jira_error(400, [str(exc)]) from None
        hits.sort(key=lambda i: int(i.id))
        for name, descending in reversed(query.order or (("key", True),)):
            key = _SORT_KEYS[name](self.data) if name in _SORT_KEYS else None
            hits.sort(
                key=key or jql_fields.sort_key(self.data, name, self.zone), reverse=descending
            )
        return hits


def _cf(field_id: str | None) -> str:
    return f"cf[{field_id.split('_')[1]}]" if field_id else "\0"


_SORT_KEYS: dict[str, Callable[[Any], Callable[[Issue], Any]]] = {
    "key": lambda d: lambda i: (i.project, i.number),
    "issuekey": lambda d: lambda i: (i.project, i.number),
    "id": lambda d: lambda i: int(i.id),
    "updated": lambda d: lambda i: i.updated,
    "created": lambda d: lambda i: i.created,
    "summary": lambda d: lambda i: str(i.values.get("summary") or ""),
    "priority": lambda d: lambda i: -int(i.values.get("priority") or 3),
    "status": lambda d: lambda i: [s.id for s in d.workflow.statuses].index(i.status),
    "rank": lambda d: lambda i: (i.rank, i.number),
}


def _token(offset: int, text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return base64.urlsafe_b64encode(json.dumps([offset, digest]).encode()).decode()


def _offset(token: str, text: str) -> int:
    try:
        offset, digest = json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        digest, offset = None, 0
    if digest != hashlib.sha256(text.encode()).hexdigest()[:12]:
        raise jira_error(400, ["The provided next page token is invalid or expired."])
    return int(offset)


def register(jira: FakeJira) -> None:
    searcher = Searcher(jira)

    def render_page(
        issues: list[Issue], params: dict[str, Any], default: str, limit: int
    ) -> list[Any]:
        render = jira.render
        fields = render.select(params.get("fields") or [], default)
        expand = params.get("expand", [])
        changelog = limit if "changelog" in expand else None
        answers = [
            render.issue(i, fields, properties=params.get("properties") or [], changelog=changelog)
            for i in issues
        ]
        for answer in answers:
            expand_issue(jira.data, answer, expand)
        return answers

    def cloud_search(request: Request) -> Response:
        params = _params(request)
        text = str(params.get("jql") or "")
        hits = searcher.run(text)
        fields = params.get("fields") or ["id"]
        light = set(",".join(fields).split(",")) <= {"id", "key"}
        size = max(1, min(int(params.get("maxResults") or 50), 5000 if light else 100))
        start = _offset(params["nextPageToken"], text) if params.get("nextPageToken") else 0
        chunk = hits[start : start + size]
        body: dict[str, Any] = {
            "issues": render_page(chunk, {**params, "fields": fields}, "id", CLOUD_CHANGELOG_LIMIT)
        }
        if start + size < len(hits):
            body["nextPageToken"] = _token(start + size, text)
        body["isLast"] = start + size >= len(hits)
        return Response(200, body)

    def dc_search(request: Request) -> Response:
        params = _params(request)
        hits = searcher.run(str(params.get("jql") or ""))
        start = int(params.get("startAt") or 0)
        size = max(0, min(int(params.get("maxResults") or 50), DC_PAGE_CAP))
        chunk = hits[start : start + size]
        return Response(
            200,
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": size,
                "total": len(hits),
                "issues": render_page(chunk, params, "*navigable", 0),
            },
        )

    def gone(request: Request) -> Response:
        raise jira_error(410, [GONE])

    for v in API_VERSIONS:
        base = f"/rest/api/{v}"
        for method in ("GET", "POST"):
            if jira.flavour == "cloud":
                jira.route(method, f"{base}/search/jql", cloud_search)
                jira.route(method, f"{base}/search", gone)
            else:
                jira.route(method, f"{base}/search", dc_search)
