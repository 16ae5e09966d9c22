"""What the REST route modules share: the context they act on, errors, pagination, parsing."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.state import GitHubState, Ids, Issue, Repo
from tracker_bridge.testing.server import HTTPError, Request, Response

T = TypeVar("T")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30


@dataclass
class Context:
    """The fake's state plus the few services every route needs."""

    state: GitHubState
    ids: Ids
    rng: random.Random
    now: Callable[[], datetime]
    base: Callable[[], str]  # the REST base URL, known once the server has started
    viewer: str  # login of the token's user
    actor: str | None = None
    """Who the change being made is logged as (a person's edit in a test); default viewer."""

    def repo(self, request: Request) -> Repo:
        found = self.state.repo(f"{request.params['owner']}/{request.params['repo']}")
        if found is None:
            raise not_found()
        return found

    def issue(self, request: Request) -> tuple[Repo, Issue]:
        repo = self.repo(request)
        try:
            found = repo.issues.get(int(request.params["number"]))
        except ValueError:
            found = None
        if found is None:
            from tracker_bridge.testing.fake_github.removals import removed_answer

            raise removed_answer(self, repo, request.params["number"]) or not_found()
        return repo, found

    def set_labels(self, issue: Issue, names: list[str]) -> bool:
        """Replace the issue's labels; True when they changed (the caller touches the issue,
        which logs the `labeled`/`unlabeled` events)."""
        if names == issue.labels:
            return False
        issue.labels = names
        return True

    def touch(self, issue: Issue) -> None:
        """Every change bumps `updated_at` (what `since` filters on) and is logged as issue
        events where it changed labels, milestone or state."""
        issue.updated_at = self.now()
        self.log(issue)

    def log(self, issue: Issue) -> None:
        from tracker_bridge.testing.fake_github.issue_events import log_changes

        repo = self.state.repo(issue.repo)
        if repo is not None:
            log_changes(self.ids, repo, issue, issue.updated_at, self.actor or self.viewer)


def not_found() -> HTTPError:
    return HTTPError(404, render.error("Not Found", 404))


def invalid(resource: str, field: str, code: str = "invalid", **extra: Any) -> HTTPError:
    """GitHub's 422: `{message, errors: [{resource, field, code}], documentation_url}`."""
    problem = {"resource": resource, "field": field, "code": code, **extra}
    body = render.error("Validation Failed", 422)
    return HTTPError(422, {**body, "errors": [problem]})


def bad_request(message: str) -> HTTPError:
    return HTTPError(400, render.error(message, 400))


def body_object(request: Request) -> dict[str, Any]:
    payload = request.json()
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise bad_request("Problems parsing JSON")
    return payload


def parse_time(text: str, resource: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(resource, field) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def paginate(request: Request, items: Sequence[T], base: str) -> tuple[Sequence[T], dict[str, str]]:
    """One page plus the `Link` header (first/prev/next/last) the real API sends."""
    try:
        per_page = int(request.arg("per_page") or DEFAULT_PER_PAGE)
        page = int(request.arg("page") or 1)
    except ValueError as exc:
        raise bad_request("Invalid pagination parameters") from exc
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]

    def link(number: int, rel: str) -> str:
        query = {key: values[0] for key, values in request.query.items()}
        query["page"] = str(number)
        return f'<{base}{request.path}?{urlencode(query)}>; rel="{rel}"'

    links = []
    if page > 1:
        links += [link(min(page - 1, last), "prev"), link(1, "first")]
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    return chunk, ({"Link": ", ".join(links)} if links else {})


def page_response(request: Request, items: Sequence[Any], ctx: Context) -> Response:
    chunk, headers = paginate(request, items, ctx.base())
    return Response(200, list(chunk), headers)
