"""Creates in one write: GraphQL `createIssue` carries labels, assignees, milestone, issue type
and the parent (`parentIssueId`), where REST needs a second write for the sub-issue link.

It needs node ids, which cost reads, never writes: the repository's (one query), the labels'
(from the listing `ensure_labels` reads anyway), the milestones' (from `ensure_sprint`), the
issue types' (from `prepare`), people's (one query each) and the parent's (known when we
created it, else one GET). A label the repository lacks is made first (REST would have made it
on the create). A refusal creates nothing, so the caller falls back to REST create + link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.adapters.github.client import GraphQLError
from tracker_bridge.adapters.github.translate import Json
from tracker_bridge.model import RemoteRef

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.writing import Writer

CREATE = """mutation($input: CreateIssueInput!){ createIssue(input: $input){ issue{
  id databaseId number url title body state updatedAt
  labels(first: 100){ nodes{ name } } assignees(first: 20){ nodes{ login } }
  milestone{ number title description } parent{ number } issueType{ name } } } }"""
REPOSITORY = "query($o:String!,$n:String!){ repository(owner:$o, name:$n){ id } }"
PERSON = "query($login:String!){ user(login:$login){ id } }"


class NodeIds:
    """Node ids this adapter has met, by what REST calls the object."""

    def __init__(self) -> None:
        self.repository: str | None = None
        self.labels: dict[str, str] = {}
        """Folded label name -> node id."""
        self.milestones: dict[int, str] = {}
        self.issue_types: dict[str, str] = {}
        self.issues: dict[int, str] = {}
        self.people: dict[str, str | None] = {}
        """Login -> node id (None: GitHub knows no such user)."""


def create_in_one(writer: Writer, payload: Json, parent: RemoteRef) -> Json:
    """Create the issue with `payload` (the REST create body) under `parent`; its REST-shaped
    JSON. Raises GraphQLError when GitHub refused (nothing created), WriteUncertain when no
    answer came (the caller looks it up by its marker)."""
    ids = writer.ids
    data: dict[str, Any] = {
        "repositoryId": _repository(writer), "title": payload["title"],
        "body": payload.get("body") or "", "parentIssueId": _issue(writer, int(parent.key)),
    }  # fmt: skip
    labels = [_label(writer, name) for name in payload.get("labels") or []]
    if labels:
        data["labelIds"] = labels
    people = [found for login in payload.get("assignees") or []
              if (found := _person(writer, login))]
    if people:
        data["assigneeIds"] = people
    if payload.get("milestone") is not None:
        data["milestoneId"] = _milestone(writer, int(payload["milestone"]))
    if payload.get("type"):
        kind = writer.ids.issue_types.get(str(payload["type"]))
        if kind is None:
            raise GraphQLError("NOT_FOUND", f"issue type {payload['type']!r} has no known id")
        data["issueTypeId"] = kind
    issue = _ask(writer, CREATE, {"input": data}, "createIssue", "issue")
    raw = _rest_shaped(writer, issue)
    ids.issues[int(raw["number"])] = str(raw["node_id"])
    return raw


def _ask(writer: Writer, query: str, variables: Json, *path: str) -> Json:
    """The object at `path` in the answer's data. No such object (no GraphQL API here, an
    answer of another shape) is a refusal with no kind: nothing was created."""
    found: Any = writer.a.client.graphql(query, variables)
    for name in path:
        found = found.get(name) if isinstance(found, dict) else None
    if not isinstance(found, dict):
        raise GraphQLError("", f"GitHub's GraphQL answer has no {'.'.join(path)}")
    return found


def _repository(writer: Writer) -> str:
    if writer.ids.repository is None:
        owner, name = writer.a.full_name.split("/", 1)
        found = _ask(writer, REPOSITORY, {"o": owner, "n": name}, "repository")
        writer.ids.repository = str(found["id"])
    return writer.ids.repository


def _issue(writer: Writer, number: int) -> str:
    if number not in writer.ids.issues:
        raw = writer.a.issue(number)
        if raw is None:
            raise GraphQLError("NOT_FOUND", f"parent #{number} not found")
        writer.ids.issues[number] = str(raw["node_id"])
    return writer.ids.issues[number]


def _label(writer: Writer, name: str) -> str:
    folded = name.casefold()
    if folded not in writer.ids.labels:
        made = writer.send("POST", f"{writer.a.repo_path}/labels",
                           {"name": name, "color": "ededed"})
        if made.status == 201:
            writer.ids.labels[folded] = str(made.data["node_id"])
        else:  # made meanwhile (422), or refused: read the list again
            writer.ensure_labels()
    found = writer.ids.labels.get(folded)
    if found is None:
        raise GraphQLError("NOT_FOUND", f"label {name!r} could not be made")
    return found


def _person(writer: Writer, login: str) -> str | None:
    if login in writer.unassignable:
        return None
    if login not in writer.ids.people:
        try:
            writer.ids.people[login] = str(_ask(writer, PERSON, {"login": login}, "user")["id"])
        except GraphQLError:
            writer.ids.people[login] = None  # as REST: unknown people are left out
            writer.unassignable.add(login)
    return writer.ids.people[login]


def _milestone(writer: Writer, number: int) -> str:
    if number not in writer.ids.milestones:
        reply = writer.a.client.rest("GET", f"{writer.a.repo_path}/milestones/{number}")
        if reply.status != 200:
            raise GraphQLError("NOT_FOUND", f"milestone {number} not found")
        writer.ids.milestones[number] = str(reply.data["node_id"])
    return writer.ids.milestones[number]


def _rest_shaped(writer: Writer, issue: Json) -> Json:
    """What REST would have answered, as far as translation and refs read it."""
    parent = issue.get("parent") or {}
    api = f"{writer.a.repo_path}/issues"
    return {
        "id": issue["databaseId"], "node_id": issue["id"], "number": issue["number"],
        "html_url": issue["url"], "updated_at": issue["updatedAt"], "title": issue["title"],
        "body": issue["body"], "state": str(issue["state"]).lower(),
        "labels": list((issue.get("labels") or {}).get("nodes") or []),
        "assignees": list((issue.get("assignees") or {}).get("nodes") or []),
        "milestone": issue.get("milestone"),
        "type": issue.get("issueType"),
        "parent_issue_url": f"{api}/{parent['number']}" if parent else None,
    }  # fmt: skip
