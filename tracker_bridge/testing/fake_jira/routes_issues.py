"""Issues: create, bulk create, get, edit, delete, comments, properties, transitions, changelog."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import HTTPError, Request, Response

from .errors import error_body, jira_error
from .expansions import expand_issue
from .routes_meta import API_VERSIONS, page

if TYPE_CHECKING:
    from .app import FakeJira

BULK_LIMIT = 50
PROPERTY_KEY_LIMIT = 255
PROPERTY_VALUE_LIMIT = 32768


def _body(request: Request) -> dict[str, Any]:
    try:
        payload = request.json()
    except HTTPError:
        raise jira_error(400, ["Unexpected character in the request body."]) from None
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise jira_error(400, ["The request body must be a JSON object."])
    return payload


def _csv(request: Request, name: str) -> list[str]:
    return [part for value in request.query.get(name, []) for part in value.split(",") if part]


def register(jira: FakeJira) -> None:
    data = jira.data

    def created(issue_id: str, key: str) -> dict[str, Any]:
        return {"id": issue_id, "key": key, "self": f"{jira.url}/rest/api/2/issue/{issue_id}"}

    def create(request: Request) -> Response:
        body = _body(request)
        issue = data.create(body.get("fields") or {})
        if body.get("update"):
            data.edit(issue, None, body["update"])
        return Response(201, created(issue.id, issue.key))

    def bulk(request: Request) -> Response:
        updates = _body(request).get("issueUpdates")
        if not isinstance(updates, list):
            raise jira_error(400, ["Issue updates must be a list."])
        if len(updates) > BULK_LIMIT:
            raise jira_error(
                400, [f"The number of issues to create exceeds the limit of {BULK_LIMIT}."]
            )
        issues, errors = [], []
        for index, element in enumerate(updates):
            try:
                issue = data.create((element or {}).get("fields") or {})
            except HTTPError as exc:
                errors.append(
                    {"status": exc.status, "elementErrors": exc.body, "failedElementNumber": index}
                )
                continue
            issues.append(created(issue.id, issue.key))
        return Response(201 if issues else 400, {"issues": issues, "errors": errors})

    def get(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        render = jira.render
        expand = _csv(request, "expand")
        out = render.issue(
            issue,
            render.select(_csv(request, "fields"), "*all"),
            properties=_csv(request, "properties"),
            changelog=0 if "changelog" in expand else None,
        )
        expand_issue(data, out, expand)
        if "transitions" in expand or "transitions.fields" in expand:
            with_fields = "transitions.fields" in expand  # as Jira: the screens' fields too
            out["transitions"] = [transition_json(t, with_fields) for t in data.transitions(issue)]
        return Response(200, out)

    def edit(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        body = _body(request)
        data.edit(issue, body.get("fields"), body.get("update"))
        return Response(204)

    def delete(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        del data.issues[issue.key]
        del data.key_by_id[issue.id]
        return Response(204)

    def comments(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        rendered = [jira.render.comment(issue, c) for c in issue.comments]
        body = page(request, rendered, "comments", cap=5000)
        body.pop("isLast")
        return Response(200, body)

    def add_comment(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        text = _body(request).get("body")
        if not text:
            raise jira_error(400, [], {"comment": "Comment body can not be empty!"})
        return Response(201, jira.render.comment(issue, data.add_comment(issue, text)))

    # -- properties (they never bump `updated`, as in real Jira) --------------------------------
    def property_keys(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        base = f"{jira.url}/rest/api/2/issue/{issue.id}/properties"
        keys = [{"self": f"{base}/{k}", "key": k} for k in issue.properties]
        return Response(200, {"keys": keys})

    def get_property(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        name = request.params["prop"]
        if name not in issue.properties:
            raise jira_error(404, [f"The property with key '{name}' does not exist."])
        return Response(200, {"key": name, "value": issue.properties[name]})

    def put_property(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        name = request.params["prop"]
        if len(name) > PROPERTY_KEY_LIMIT:
            raise jira_error(400, ["The property key cannot be longer than 255 characters."])
        if len(request.body) > PROPERTY_VALUE_LIMIT:
            raise jira_error(400, ["The property value cannot be longer than 32768 characters."])
        try:
            value = json.loads(request.body)
        except ValueError:
            raise jira_error(400, ["The property value must be valid JSON."]) from None
        existed = name in issue.properties
        issue.properties[name] = value
        return Response(200 if existed else 201)

    def delete_property(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        if issue.properties.pop(request.params["prop"], None) is None:
            raise jira_error(
                404, [f"The property with key '{request.params['prop']}' does not exist."]
            )
        return Response(204)

    # -- workflow ------------------------------------------------------------------------------
    def transition_json(transition: Any, with_fields: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": transition.id,
            "name": transition.name,
            "to": jira.render.status(transition.target),
            "hasScreen": bool(transition.requires),
            "isGlobal": transition.is_global,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }
        if with_fields:
            out["fields"] = {name: _transition_field(jira, name) for name in transition.requires}
        return out

    def list_transitions(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        with_fields = "transitions.fields" in _csv(request, "expand")
        wanted = request.arg("transitionId")
        shown = [
            transition_json(t, with_fields)
            for t in data.transitions(issue)
            if wanted is None or t.id == wanted
        ]
        return Response(200, {"expand": "transitions", "transitions": shown})

    def do_transition(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        body = _body(request)
        ref = body.get("transition") or {}
        if not isinstance(ref, dict) or not ref.get("id"):
            raise jira_error(400, ["Missing 'transition' identifier"])
        data.transition(issue, str(ref["id"]), body.get("fields"), body.get("update"))
        return Response(204)

    def changelog(request: Request) -> Response:
        issue = data.issue(request.params["key"])
        histories = [jira.render.history(h) for h in issue.histories]
        body = page(request, histories, cap=100)
        body["self"] = f"{jira.url}{request.path}?startAt={body['startAt']}"
        if not body["isLast"]:
            following = body["startAt"] + body["maxResults"]
            body["nextPage"] = f"{jira.url}{request.path}?startAt={following}"
        return Response(200, body)

    for v in API_VERSIONS:
        base = f"/rest/api/{v}/issue"
        jira.route("POST", base, create)
        jira.route("POST", f"{base}/bulk", bulk)
        jira.route("GET", f"{base}/{{key}}", get)
        jira.route("PUT", f"{base}/{{key}}", edit)
        jira.route("DELETE", f"{base}/{{key}}", delete)
        jira.route("GET", f"{base}/{{key}}/comment", comments)
        jira.route("POST", f"{base}/{{key}}/comment", add_comment)
        jira.route("GET", f"{base}/{{key}}/properties", property_keys)
        jira.route("GET", f"{base}/{{key}}/properties/{{prop}}", get_property)
        jira.route("PUT", f"{base}/{{key}}/properties/{{prop}}", put_property)
        jira.route("DELETE", f"{base}/{{key}}/properties/{{prop}}", delete_property)
        jira.route("GET", f"{base}/{{key}}/transitions", list_transitions)
        jira.route("POST", f"{base}/{{key}}/transitions", do_transition)
        jira.route("GET", f"{base}/{{key}}/changelog", changelog)


def _transition_field(jira: FakeJira, name: str) -> dict[str, Any]:
    from .state import RESOLUTIONS

    if name == "assignee":
        return {
            "required": True,
            "schema": {"type": "user", "system": "assignee"},
            "name": "Assignee",
            "key": "assignee",
            "autoCompleteUrl": f"{jira.url}/rest/api/2/user/assignable/search?username=",
            "hasDefaultValue": False,
            "operations": ["set"],
        }
    if name == "worklog":
        return {
            "required": True,
            "schema": {"type": "array", "items": "worklog", "system": "worklog"},
            "name": "Log Work",
            "key": "worklog",
            "hasDefaultValue": False,
            "operations": ["add"],
        }
    if name != "resolution":
        return {"required": True, "name": name, "key": name, "operations": ["set"]}
    return {
        "required": True,
        "schema": {"type": "resolution", "system": "resolution"},
        "name": "Resolution",
        "key": "resolution",
        "hasDefaultValue": False,
        "operations": ["set"],
        "allowedValues": [jira.render.resolution(rid) for rid, _ in RESOLUTIONS],
    }


__all__ = ["error_body", "register"]
