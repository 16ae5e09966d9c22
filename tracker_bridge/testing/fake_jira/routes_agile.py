"""Agile REST (`/rest/agile/1.0`): boards, board configuration, sprints and their state
machine, moving issues to sprints and to the backlog (50 per request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import Request, Response

from .errors import jira_error
from .routes_issues import _body, _csv
from .routes_meta import page
from .routes_search import Searcher
from .sprints import apply_sprint_update, parse_date
from .state import Board, Issue, Sprint

if TYPE_CHECKING:
    from .app import FakeJira

AGILE = "/rest/agile/1.0"
MOVE_LIMIT = 50


def register(jira: FakeJira) -> None:
    data = jira.data
    searcher = Searcher(jira)

    def board_of(request: Request) -> Board:
        board = (
            data.boards.get(int(request.params["board"]))
            if request.params["board"].isdigit()
            else None
        )
        if board is None:
            raise jira_error(404, ["Board does not exist or you do not have permission to see it."])
        return board

    def sprint_of(request: Request) -> Sprint:
        raw = request.params["sprint"]
        sprint = data.sprints.get(int(raw)) if raw.isdigit() else None
        if sprint is None:
            raise jira_error(
                404,
                [f"Sprint with id {raw} does not exist or you do not have permission to see it."],
            )
        return sprint

    def board_json(board: Board) -> dict[str, Any]:
        project = data.projects[board.project]
        return {
            "id": board.id,
            "self": f"{jira.url}{AGILE}/board/{board.id}",
            "name": board.name,
            "type": board.type,
            "location": {
                "projectId": int(project.id),
                "displayName": f"{project.name} ({project.key})",
                "projectName": project.name,
                "projectKey": project.key,
                "projectTypeKey": "software",
                "avatarURI": f"/secure/projectavatar?size=small&pid={project.id}",
                "name": f"{project.name} ({project.key})",
            },
        }

    def boards(request: Request) -> Response:
        chosen = list(data.boards.values())
        wanted_project = request.arg("projectKeyOrId")
        if wanted_project:
            project = data.project(wanted_project)
            chosen = [b for b in chosen if project is not None and b.project == project.key]
        if request.arg("type"):
            chosen = [b for b in chosen if b.type in _csv(request, "type")]
        if request.arg("name"):
            chosen = [b for b in chosen if (request.arg("name") or "").lower() in b.name.lower()]
        return Response(200, page(request, [board_json(b) for b in chosen]))

    def board(request: Request) -> Response:
        return Response(200, board_json(board_of(request)))

    def configuration(request: Request) -> Response:
        b = board_of(request)
        project = data.projects[b.project]
        columns = []
        for column in b.columns:
            entry: dict[str, Any] = {
                "name": column["name"],
                "statuses": [
                    {"id": s, "self": f"{jira.url}/rest/api/2/status/{s}"}
                    for s in column["statuses"]
                ],
            }
            for limit in ("min", "max"):
                if column.get(limit) is not None:
                    entry[limit] = column[limit]
            columns.append(entry)
        points = data.field_by_id[data.custom.story_points]
        return Response(
            200,
            {
                "id": b.id,
                "name": b.name,
                "type": b.type,
                "self": f"{jira.url}{AGILE}/board/{b.id}/configuration",
                "location": {
                    "type": "project",
                    "key": project.key,
                    "id": project.id,
                    "self": f"{jira.url}/rest/api/2/project/{project.id}",
                    "name": project.name,
                },
                "filter": {
                    "id": str(10000 + b.id),
                    "self": f"{jira.url}/rest/api/2/filter/{10000 + b.id}",
                },
                "columnConfig": {"columns": columns, "constraintType": b.constraint},
                "estimation": {
                    "type": "field",
                    "field": {"fieldId": points.id, "displayName": points.name},
                },
                "ranking": {"rankCustomFieldId": int(data.custom.rank.split("_")[1])},
            },
        )

    def issues_page(request: Request, issues: list[Issue]) -> dict[str, Any]:
        text = request.arg("jql")
        if text:
            allowed = {i.key for i in searcher.run(text)}
            issues = [i for i in issues if i.key in allowed]
        issues = sorted(issues, key=lambda i: (i.project, i.number))
        start = int(request.arg("startAt") or 0)
        size = min(int(request.arg("maxResults") or 50), 100)
        render = jira.render
        fields = render.select(_csv(request, "fields"), "*navigable")
        return {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(issues),
            "issues": [render.issue(i, fields) for i in issues[start : start + size]],
        }

    def board_issues(request: Request) -> Response:
        b = board_of(request)
        return Response(
            200, issues_page(request, [i for i in data.issues.values() if i.project == b.project])
        )

    def board_backlog(request: Request) -> Response:
        b = board_of(request)
        done = {s.id for s in data.workflow.statuses if s.category == "done"}
        backlog = [
            i
            for i in data.issues.values()
            if i.project == b.project and not data.open_sprints_of(i) and i.status not in done
        ]
        return Response(200, issues_page(request, backlog))

    def board_sprints(request: Request) -> Response:
        b = board_of(request)
        states = _csv(request, "state") or ["future", "active", "closed"]
        chosen = [
            data_sprint
            for data_sprint in data.sprints.values()
            if data_sprint.board_id == b.id and data_sprint.state in states
        ]
        return Response(200, page(request, [jira.render.sprint(s) for s in chosen]))

    # -- sprints -------------------------------------------------------------------------------
    def create_sprint(request: Request) -> Response:
        body = _body(request)
        name = str(body.get("name") or "").strip()
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "The sprint name cannot be empty."
        board_id = body.get("originBoardId")
        if int(board_id or 0) not in data.boards:
            errors["originBoardId"] = (
                "The board does not exist or you do not have permission to view it."
            )
        if errors:
            raise jira_error(400, [], errors)
        sprint = Sprint(
            id=data.next_sprint_id,
            name=name,
            board_id=int(board_id or 0),
            goal=body.get("goal"),
            start=parse_date(body.get("startDate"), "startDate"),
            end=parse_date(body.get("endDate"), "endDate"),
            created=jira.clock.now(),
        )
        data.next_sprint_id += 1
        data.sprints[sprint.id] = sprint
        return Response(201, jira.render.sprint(sprint))

    def get_sprint(request: Request) -> Response:
        return Response(200, jira.render.sprint(sprint_of(request)))

    def update_sprint(request: Request) -> Response:
        sprint = sprint_of(request)
        if request.method == "POST" and not jira.partial_sprint_updates:
            raise jira_error(405, ["Method Not Allowed"])
        body = _body(request)
        if request.method == "PUT":  # full update: what is left out becomes null
            body = {k: body.get(k) for k in ("name", "goal", "startDate", "endDate")} | {
                k: body[k] for k in ("state",) if k in body
            }
        apply_sprint_update(jira, sprint, body)
        return Response(200, jira.render.sprint(sprint))

    def delete_sprint(request: Request) -> Response:
        sprint = sprint_of(request)
        if sprint.state == "active":
            raise jira_error(400, ["An active sprint cannot be deleted."])
        for issue in data.issues.values():
            if sprint.id in issue.sprints:
                issue.sprints.remove(sprint.id)
        del data.sprints[sprint.id]
        return Response(204)

    def sprint_issues(request: Request) -> Response:
        sprint = sprint_of(request)
        return Response(
            200, issues_page(request, [i for i in data.issues.values() if sprint.id in i.sprints])
        )

    def issues_from_body(request: Request) -> list[Issue]:
        keys = _body(request).get("issues")
        if not isinstance(keys, list) or not keys:
            raise jira_error(400, [], {"issues": "Issues must be a non-empty list."})
        if len(keys) > MOVE_LIMIT:
            raise jira_error(400, [f"The number of issues exceeds the limit of {MOVE_LIMIT}."])
        found = []
        for key in keys:
            issue = data.find_issue(str(key))
            if issue is None:
                raise jira_error(
                    400, [f"Issue {key} does not exist or you do not have permission to see it."]
                )
            found.append(issue)
        return found

    def move_to_sprint(request: Request) -> Response:
        sprint = sprint_of(request)
        issues = issues_from_body(request)
        if sprint.state == "closed":
            raise jira_error(400, ["Cannot move issues to a closed sprint."])
        data.move_to_sprint(issues, sprint)
        return Response(204)

    def move_to_backlog(request: Request) -> Response:
        if "board" in request.params:
            board_of(request)
        data.move_to_backlog(issues_from_body(request))
        return Response(204)

    jira.route("GET", f"{AGILE}/board", boards)
    jira.route("GET", f"{AGILE}/board/{{board}}", board)
    jira.route("GET", f"{AGILE}/board/{{board}}/configuration", configuration)
    jira.route("GET", f"{AGILE}/board/{{board}}/issue", board_issues)
    jira.route("GET", f"{AGILE}/board/{{board}}/backlog", board_backlog)
    jira.route("GET", f"{AGILE}/board/{{board}}/sprint", board_sprints)
    jira.route("POST", f"{AGILE}/sprint", create_sprint)
    jira.route("GET", f"{AGILE}/sprint/{{sprint}}", get_sprint)
    jira.route("POST", f"{AGILE}/sprint/{{sprint}}", update_sprint)
    jira.route("PUT", f"{AGILE}/sprint/{{sprint}}", update_sprint)
    jira.route("DELETE", f"{AGILE}/sprint/{{sprint}}", delete_sprint)
    jira.route("GET", f"{AGILE}/sprint/{{sprint}}/issue", sprint_issues)
    jira.route("POST", f"{AGILE}/sprint/{{sprint}}/issue", move_to_sprint)
    jira.route("POST", f"{AGILE}/backlog/issue", move_to_backlog)
    jira.route("POST", f"{AGILE}/backlog/{{board}}/issue", move_to_backlog)
