"""GitHub's rate limits as the fake enforces them, on the fake's clock.

Primary: a budget per resource (`core` for REST, `graphql`) that refills when the window
resets; past it, 403 "API rate limit exceeded" with `x-ratelimit-remaining: 0`. 304 answers
are free, as on GitHub. Secondary: at most N content-creating requests per window; past it,
403 (or 429) with `retry-after`. Both windows are configurable so tests (and PyGithub's own
retry, which sleeps on the wall clock) need not wait an hour.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

UNAUTHENTICATED = "unauthenticated"  # requests with bad credentials: GitHub's 60/hour per IP
UNAUTHENTICATED_LIMIT = 60
SEARCH_LIMIT, SEARCH_WINDOW = 30, 60.0
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
PRIMARY_MESSAGE = "API rate limit exceeded for user ID {user_id}."
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID "
    "FAKE:0000:0000."
)
PRIMARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    "#about-the-primary-rate-limit"
)
SECONDARY_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)


@dataclass
class Budget:
    """One resource's primary budget."""

    limit: int
    window: float
    used: int = 0
    reset_at: float | None = None  # epoch seconds; set by the first request of a window

    def roll(self, now: float) -> None:
        if self.reset_at is None or now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.window

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def headers(self, resource: str) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(math.ceil(self.reset_at or 0)),
            "x-ratelimit-resource": resource,
        }


@dataclass
class RateLimits:
    now: Callable[[], datetime]
    primary_limit: int = 5000
    primary_window: float = 3600.0
    secondary_per_window: int | None = None
    secondary_window: float = 60.0
    secondary_status: int = 403
    budgets: dict[str, Budget] = field(default_factory=dict)
    writes: deque[float] = field(default_factory=deque)
    provoked: Counter[str] = field(default_factory=Counter)  # "primary" / "secondary"

    def budget(self, resource: str) -> Budget:
        found = self.budgets.get(resource)
        if found is None:
            limit = UNAUTHENTICATED_LIMIT if resource == UNAUTHENTICATED else self.primary_limit
            window = self.primary_window
            if resource == "search":  # its own budget: 30 a minute with a token
                limit, window = SEARCH_LIMIT, SEARCH_WINDOW
            found = self.budgets[resource] = Budget(limit, window)
        found.roll(self.now().timestamp())
        return found

    def primary_exhausted(self, resource: str) -> bool:
        exhausted = self.budget(resource).remaining <= 0
        if exhausted:
            self.provoked["primary"] += 1
        return exhausted

    def charge(self, resource: str, points: int = 1) -> Budget:
        spent = self.budget(resource)
        spent.used = min(spent.used + points, spent.limit)
        return spent

    def secondary_wait(self, method: str) -> int | None:
        """Seconds to wait if this write is over the secondary limit, else None (and count it)."""
        if self.secondary_per_window is None or method not in WRITE_METHODS:
            return None
        now = self.now().timestamp()
        while self.writes and self.writes[0] <= now - self.secondary_window:
            self.writes.popleft()
        if len(self.writes) >= self.secondary_per_window:
            self.provoked["secondary"] += 1
            return max(1, math.ceil(self.writes[0] + self.secondary_window - now))
        self.writes.append(now)
        return None


def etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()}"'


def etag_matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    wanted = {part.strip() for part in header.split(",")}
    bare = tag.removeprefix("W/")
    return "*" in wanted or tag in wanted or bare in wanted or f"W/{bare}" in wanted
