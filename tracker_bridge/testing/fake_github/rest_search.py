"""REST: `GET /search/issues`, the qualifiers automation scripts use, on its own budget.

Supported: `repo:`, `org:`/`user:`, `is:`/`type:`/`state:`, `label:` (repeat for AND, `-label:`
to exclude), `no:label|assignee|milestone`, `assignee:`, `author:`, `milestone:`,
`created:`/`updated:`/`closed:` with `>`, `>=`, `<`, `<=` or `a..b`, `in:title|body`, and free
text. Answers `{total_count, incomplete_results, items}` with a `score` per item, paged with
`Link` headers up to GitHub's 1,000 results; charged to the `search` resource (30 a minute).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NoReturn

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.common import Context, paginate
from tracker_bridge.testing.fake_github.state import Issue
from tracker_bridge.testing.server import FakeServer, HTTPError, Request, Response

RESULT_CAP = 1000  # GitHub gives at most the first 1,000 results of any search
_RANGE = re.compile(r"^(>=|<=|>|<)?(\S+?)(?:\.\.(\S+))?$")
Test = Callable[[Issue], bool]


def _invalid(message: str) -> HTTPError:
    problem = {"message": message, "resource": "Search", "field": "q", "code": "invalid"}
    return HTTPError(422, {**render.error("Validation Failed", 422), "errors": [problem]})


def _day(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(f"The date '{text}' is not valid.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(value: str, attribute: str) -> Test:
    found = _RANGE.match(value)
    if found is None:
        raise _invalid(f"The range '{value}' is not valid.")
    op, start, end = found.groups()
    low = _day(start)
    if end is not None:  # a..b, both ends included
        high = _day(end)
        bounds: Callable[[datetime], bool] = lambda m: low <= m <= high  # noqa: E731
    else:
        bounds = {
            ">": lambda m: m > low,
            ">=": lambda m: m >= low,
            "<": lambda m: m < low,
            "<=": lambda m: m <= low,
            None: lambda m: m.date() == low.date(),
        }[op]

    def test(issue: Issue) -> bool:
        moment = getattr(issue, attribute)
        return moment is not None and bounds(moment)

    return test


class SearchRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, server: FakeServer) -> None:
        server.route("GET", "/search/issues", self.search_issues)

    def search_issues(self, request: Request) -> Response:
        query = (request.arg("q") or "").strip()
        if not query:
            problem = {"resource": "Search", "field": "q", "code": "missing"}
            raise HTTPError(422, {**render.error("Validation Failed", 422), "errors": [problem]})
        tests, words, places = self._parse(query)
        found = [
            issue
            for repo in self.ctx.state.repos.values()
            for issue in repo.issues.values()
            if all(test(issue) for test in tests) and _has_words(issue, words, places)
        ]
        sort = request.arg("sort")
        key = {"created": "created_at", "updated": "updated_at", "comments": "comment_count"}
        if sort is not None and sort not in key:
            raise _invalid(f"The sort '{sort}' is not valid.")
        attribute = key.get(sort or "", "updated_at")  # best match: newest activity first here
        found.sort(key=lambda i: (getattr(i, attribute), i.id))
        if request.arg("order", "desc") != "asc":
            found.reverse()
        chunk, headers = paginate(request, found[:RESULT_CAP], self.ctx.base())
        base, state = self.ctx.base(), self.ctx.state
        items = [{**render.issue(base, state, i), "score": 1.0} for i in chunk]
        body = {"total_count": len(found), "incomplete_results": False, "items": items}
        return Response(200, body, headers)

    def _parse(self, query: str) -> tuple[list[Test], list[str], set[str]]:
        try:
            parts = shlex.split(query)
        except ValueError:
            raise _invalid("The search query has an unclosed quote.") from None
        tests: list[Test] = []
        words: list[str] = []
        places: set[str] = set()
        for part in parts:
            name, colon, value = part.partition(":")
            if not colon or not value:
                words.append(part.lower())
                continue
            negate = name.startswith("-")
            test = self._qualifier(name.removeprefix("-").lower(), value, places)
            if test is not None:
                tests.append((lambda t: lambda i: not t(i))(test) if negate else test)
        return tests, words, places

    def _qualifier(self, name: str, value: str, places: set[str]) -> Test | None:
        lowered = value.lower()
        if name == "repo":
            return lambda i: i.repo.lower() == lowered
        if name in ("org", "user", "owner"):
            return lambda i: i.repo.split("/")[0].lower() == lowered
        if name in ("is", "type", "state"):
            return _state_test(name, lowered)
        if name == "label":
            wanted = {v.strip().lower() for v in value.split(",")}  # a,b: either label
            return lambda i: bool(wanted & {n.lower() for n in i.labels})
        if name == "no":
            missing: dict[str, Test] = {
                "label": lambda i: not i.labels,
                "assignee": lambda i: not i.assignees,
                "milestone": lambda i: i.milestone is None,
            }
            if lowered not in missing:
                _unknown(name, value)
            return missing[lowered]
        if name == "assignee":
            return lambda i: lowered in {a.lower() for a in i.assignees}
        if name == "author":
            return lambda i: i.user.lower() == lowered
        if name == "milestone":
            return lambda i: self._milestone_title(i).lower() == lowered
        if name in ("created", "updated", "closed"):
            return _when(value, f"{name}_at")
        if name == "in":
            places.update(p.strip() for p in lowered.split(","))
            return None
        if name == "sort":  # the web UI's ordering; the API orders by the `sort` parameter
            return None
        return _unknown(name, value)

    def _milestone_title(self, issue: Issue) -> str:
        repo = self.ctx.state.repos[issue.repo.lower()]
        stone = repo.milestones.get(issue.milestone) if issue.milestone is not None else None
        return stone.title if stone else ""


def _state_test(name: str, value: str) -> Test:
    checks: dict[str, Test] = {
        "open": lambda i: i.state == "open",
        "closed": lambda i: i.state == "closed",
        "issue": lambda i: not i.is_pull_request,
        "pr": lambda i: i.is_pull_request,
        "pull-request": lambda i: i.is_pull_request,
    }
    allowed = {"is": checks, "state": {k: checks[k] for k in ("open", "closed")}}.get(
        name, {k: checks[k] for k in ("issue", "pr")}
    )
    if value not in allowed:
        raise _invalid(f"The qualifier '{name}:{value}' is not valid.")
    return allowed[value]


def _unknown(name: str, value: str) -> NoReturn:
    raise _invalid(f"The qualifier '{name}:{value}' is not supported by this fake.")


def _has_words(issue: Issue, words: list[str], places: set[str]) -> bool:
    if not words:
        return True
    where = places or {"title", "body"}
    text = " ".join(
        [issue.title if "title" in where else "", (issue.body or "") if "body" in where else ""]
    ).lower()
    return all(word in text for word in words)
