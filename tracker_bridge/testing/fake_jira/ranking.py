"""Rank, as Jira Software keeps it: a LexoRank-like string per issue, `ORDER BY Rank`, and
`PUT /rest/agile/1.0/issue/rank` (up to 50 issues, before or after one anchor issue).

Ranks are base-36 fractions: a new issue goes after the last one, and ranking an issue
between two others gives it a string between theirs, so no other issue changes. Each
ranked issue gets a changelog entry (field Rank) and a new `updated`, as in Jira.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.server import Request, Response

from .errors import jira_error
from .lexorank import between
from .routes_issues import _body
from .state import Issue

if TYPE_CHECKING:
    from .app import FakeJira
    from .data import JiraData

RANK_LIMIT = 50
AGILE = "/rest/agile/1.0"


def ordered(data: JiraData) -> list[Issue]:
    return sorted(data.issues.values(), key=lambda i: (i.rank, i.number))


def rank_issues(data: JiraData, issues: list[Issue], anchor: Issue, *, before: bool) -> None:
    moving = {i.key for i in issues}
    rest = [i for i in ordered(data) if i.key not in moving]
    at = rest.index(anchor)
    if before:
        low = rest[at - 1].rank if at > 0 else ""
        high: str | None = anchor.rank
    else:
        low, high = anchor.rank, (rest[at + 1].rank if at + 1 < len(rest) else None)
    for issue in issues:
        old = issue.rank
        issue.rank = between(low, high)
        low = issue.rank
        data.last_rank = max(data.last_rank, issue.rank)
        higher = "Ranked higher" if old > issue.rank else "Ranked lower"
        data.touch(issue, [{"field": "Rank", "fieldtype": "custom", "from": "",
                            "fromString": "", "to": "", "toString": higher}])


def register(jira: FakeJira) -> None:
    data = jira.data

    def rank(request: Request) -> Response:
        body: dict[str, Any] = _body(request)
        keys = body.get("issues")
        if not isinstance(keys, list) or not keys:
            raise jira_error(400, ["issues: at least one issue is required"])
        if len(keys) > RANK_LIMIT:
            raise jira_error(400, [f"The number of issues exceeds the limit of {RANK_LIMIT}."])
        before, after = body.get("rankBeforeIssue"), body.get("rankAfterIssue")
        if (before is None) == (after is None):
            raise jira_error(400, ["Give one of rankBeforeIssue and rankAfterIssue."])
        anchor = data.find_issue(str(before if before is not None else after))
        if anchor is None:
            raise jira_error(400, ["The anchor issue does not exist."])
        found: list[Issue] = []
        entries: list[dict[str, Any]] = []
        for key in keys:
            issue = data.find_issue(str(key))
            if issue is None or issue.key == anchor.key:
                entries.append({"issueId": None, "issueKey": str(key), "status": 404,
                                "errors": {"errorMessages": [f"Issue {key} cannot be ranked."],
                                           "errors": {}}})
            else:
                found.append(issue)
                entries.append({"issueId": int(issue.id), "issueKey": issue.key, "status": 200})
        if found:
            rank_issues(data, found, anchor, before=before is not None)
        if any(e["status"] != 200 for e in entries):
            return Response(207, {"entries": entries})
        return Response(204)

    jira.route("PUT", f"{AGILE}/issue/rank", rank)
