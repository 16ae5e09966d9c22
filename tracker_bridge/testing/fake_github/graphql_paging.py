"""GraphQL plumbing shared by the resolvers: GitHub-typed errors and cursor connections."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Obj = dict[str, Any]
MAX_PAGE = 100


class GitHubGraphQLError(Exception):
    """An error GitHub reports with a `type` (NOT_FOUND, …) beside `message` and `path`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def not_found(message: str) -> GitHubGraphQLError:
    return GitHubGraphQLError("NOT_FOUND", message)


def cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _index(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(base64.b64decode(text).decode().rsplit(":", 1)[1])
    except (ValueError, IndexError) as exc:
        raise GitHubGraphQLError(
            "INVALID_CURSOR_ARGUMENTS", f"`{text}` does not appear to be a valid cursor."
        ) from exc


def connection(
    name: str,
    items: Sequence[T],
    build: Callable[[T], Obj],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Obj:
    """A cursor connection with GitHub's rules: `first` or `last` required, at most 100."""
    if first is None and last is None:
        raise GitHubGraphQLError(
            "MISSING_PAGINATION_BOUNDARIES",
            "You must provide a `first` or `last` value to properly paginate the "
            f"`{name}` connection.",
        )
    for value, arg in ((first, "first"), (last, "last")):
        if value is not None and (value < 0 or value > MAX_PAGE):
            raise GitHubGraphQLError(
                "EXCESSIVE_PAGINATION",
                f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                f"limit of {MAX_PAGE} records.",
            )
    start = (_index(after) + 1) if after is not None else 0  # type: ignore[operator]
    stop = _index(before) if before is not None else len(items)
    assert stop is not None
    window = list(range(start, min(stop, len(items))))
    if first is not None:
        window = window[:first]
    if last is not None:
        window = window[-last:] if last else []
    nodes = [build(items[i]) for i in window]
    return {
        "nodes": nodes,
        "edges": [{"cursor": cursor(i), "node": n} for i, n in zip(window, nodes, strict=True)],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": bool(window) and window[-1] + 1 < min(stop, len(items)),
            "hasPreviousPage": bool(window) and window[0] > 0,
            "startCursor": cursor(window[0]) if window else None,
            "endCursor": cursor(window[-1]) if window else None,
        },
    }
