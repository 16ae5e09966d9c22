"""What `mapping init` reads from a live repository and board (reads only); mapping_init.py
renders it. The board is the one the options or the mapping name, else the owner's first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.adapters.github.client import GraphQLError
from tracker_bridge.adapters.github.mapping_init import BoardFacts, RepoFacts
from tracker_bridge.adapters.github.projects import FIELDS
from tracker_bridge.tracker import AdapterError

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

BOARDS = """
query($login:String!){ %s(login:$login){ projectsV2(first:20){ nodes{ number title closed } } } }
"""


def read_facts(
    adapter: GitHubAdapter, *, owner: str | None = None, number: int | None = None
) -> RepoFacts:
    client = adapter.client
    reply = client.rest("GET", f"{adapter.repo_path}/labels", params={"per_page": 100})
    if reply.status == 404:
        raise AdapterError(adapter.missing)
    labels = [str(label["name"]) for label in reply.data or []]
    types = client.rest("GET", f"{adapter.repo_path}/issue-types")
    issue_types = [str(t["name"]) for t in types.data or []] if types.status == 200 else []
    login = owner or adapter.full_name.split("/", 1)[0]
    board, others = _board(adapter, login, number)
    return RepoFacts(adapter.full_name, labels, issue_types, board, others)


def _board(
    adapter: GitHubAdapter, login: str, number: int | None
) -> tuple[BoardFacts | None, list[str]]:
    for kind in ("organization", "user"):
        try:
            data = adapter.client.graphql(BOARDS % kind, {"login": login})
        except GraphQLError:
            continue
        owner = (data or {}).get(kind)
        if not owner:
            continue
        boards = [b for b in owner["projectsV2"]["nodes"] if b and not b.get("closed")]
        chosen = number if number is not None else (boards[0]["number"] if boards else None)
        if chosen is None:
            return None, []
        others = [f"{login}#{b['number']} ({b['title']})" for b in boards
                  if b["number"] != chosen]
        return _fields(adapter, login, kind, int(chosen)), others
    return None, []


def _fields(adapter: GitHubAdapter, login: str, kind: str, number: int) -> BoardFacts:
    try:
        data = adapter.client.graphql(FIELDS % kind, {"login": login, "n": number})
    except GraphQLError as exc:
        raise AdapterError(f"project {login}#{number}: {exc}") from None
    project: dict[str, Any] = ((data or {}).get(kind) or {}).get("projectV2") or {}
    if not project:
        raise AdapterError(f"project {login}#{number} not found")
    fields = [f for f in project["fields"]["nodes"] if f]
    selects = [f for f in fields if "options" in f]
    status = next((f for f in selects if str(f["name"]).casefold() == "status"),
                  selects[0] if selects else None)
    return BoardFacts(
        owner=login,
        owner_kind=kind,
        number=number,
        title=str(project.get("title") or ""),
        status_field=str(status["name"]) if status else None,
        options=[str(o["name"]) for o in status["options"]] if status else [],
        iteration_fields=[str(f["name"]) for f in fields if "configuration" in f],
        number_fields=[str(f["name"]) for f in fields if f.get("dataType") == "NUMBER"],
    )
