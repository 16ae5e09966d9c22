"""`FakeJira`: a stateful, deterministic Jira (Cloud or Data Center) on loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from tracker_bridge.testing.server import FakeServer, Request, Response

from . import persist, routes_agile, routes_issues, routes_meta, routes_search
from .data import JiraData
from .errors import error_body
from .render import Renderer
from .state import Flavour, Issue, jira_time
from .workflow_screens import screen_as_a_person


@dataclass(frozen=True)
class RateLimit:
    """A budget of `limit` requests per `window_seconds` (fixed window on the fake's clock)."""

    limit: int
    window_seconds: float = 1.0


class FakeJira(FakeServer):
    def __init__(
        self,
        flavour: Flavour = "cloud",
        *,
        projects: Sequence[str] = ("TREND",),
        seed: int = 0,
        email: str = "bot@example.com",
        api_token: str = "fake-api-token",
        pat: str = "fake-personal-access-token",
        user_timezone: str = "Europe/Amsterdam",
        users: Sequence[str] = ("alice", "bob", "carol"),
        workflow: Mapping[str, Any] | str | None = None,
        rate_limit: RateLimit | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | str | None = None,
    ) -> None:
        if flavour not in ("cloud", "datacenter"):
            raise ValueError("flavour must be 'cloud' or 'datacenter'")
        super().__init__(seed=seed, host=host, port=port, state_file=state_file)
        self.flavour: Flavour = flavour
        self.email, self.api_token, self.pat = email, api_token, pat
        self.rate_limit = rate_limit
        # Permissions `mypermissions` reports as missing (tests of `doctor` add names here).
        self.denied_permissions: set[str] = set()
        self._window_start = self.clock.now()
        self._window_used = 0
        self.data = JiraData(
            flavour=flavour,
            projects=projects,
            seed=seed,
            email=email,
            user_timezone=user_timezone,
            workflow=workflow,
            now=self.clock.now,
            users=users,
        )
        routes_meta.register(self)
        routes_issues.register(self)
        routes_search.register(self)
        routes_agile.register(self)

    @property
    def render(self) -> Renderer:
        try:
            base = self.url
        except RuntimeError:  # not started: links still need a base
            base = f"http://{self.host}:{self.port}"
        return Renderer(self.data, base)

    def account_id(self, name: str) -> str:
        """The Cloud account id of a user (the login name itself on Data Center)."""
        return self.data.people[name] if self.flavour == "cloud" else name

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `jira.JIRA(**kwargs)` that authenticate against this fake."""
        if self.flavour == "cloud":
            return {"server": self.url, "basic_auth": (self.email, self.api_token)}
        return {"server": self.url, "token_auth": self.pat}

    def dump_state(self) -> dict[str, Any]:
        return persist.dump(self.data)

    def load_state(self, data: dict[str, Any]) -> None:
        persist.load(self.data, data)

    # -- hooks ---------------------------------------------------------------------------------
    def error_body(self, status: int, message: str) -> Any:
        return error_body([message])

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization")
        if header is None and request.path.endswith("/serverInfo"):
            return None  # serverInfo answers anonymous callers, as on a real site
        if header is not None and self._credentials_ok(header):
            return None
        body = error_body(
            ["You are not authenticated. Authentication required to perform this operation."]
        )
        scheme = "Basic" if self.flavour == "cloud" else "Bearer"
        return Response(401, body, {"WWW-Authenticate": f'{scheme} realm="protected-area"'})

    def _credentials_ok(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if self.flavour == "datacenter":
            return scheme.lower() == "bearer" and value == self.pat
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value).decode()
        except ValueError:
            return False
        return decoded == f"{self.email}:{self.api_token}"

    def before_request(self, request: Request) -> Response | None:
        if self.rate_limit is None:
            return None
        now = self.clock.now()
        window = timedelta(seconds=self.rate_limit.window_seconds)
        if now - self._window_start >= window:
            self._window_start, self._window_used = now, 0
        if self._window_used < self.rate_limit.limit:
            self._window_used += 1
            return None
        wait = max(1, int((self._window_start + window - now).total_seconds() + 0.999))
        headers = {"Retry-After": str(wait)}
        if self.flavour == "cloud":
            headers["RateLimit-Reason"] = "jira-burst-based"
        return Response(429, error_body(["Rate limit exceeded."]), headers)

    def decorate(self, request: Request, response: Response) -> None:
        if self.rate_limit is None:
            return
        limit = self.rate_limit.limit
        remaining = max(0, limit - self._window_used)
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}
        if self.flavour == "cloud":
            reset = self._window_start + timedelta(seconds=self.rate_limit.window_seconds)
            headers["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%MZ")
            if remaining < limit * 0.2:
                headers["X-RateLimit-NearLimit"] = "true"
        else:
            headers["X-RateLimit-Interval-Seconds"] = str(self.rate_limit.window_seconds)
            headers["X-RateLimit-FillRate"] = str(limit)
        response.headers = {**headers, **response.headers}

    # -- helpers that act like a person in the UI ----------------------------------------------
    def human_transition(self, key: str, status_name: str) -> None:
        """Walk the workflow to `status_name` one transition at a time, as a user clicks."""
        with self.lock:
            issue = self.data.issue(key)
            target = self.data.workflow.status(status_name)
            for hop in self.data.workflow.path(issue.status, target.id):
                fields, update = screen_as_a_person(self.data, issue, hop)
                self.data.transition(issue, hop.id, fields, update)

    def human_edit(self, key: str, **fields: Any) -> None:
        """Edit fields as a user would (field ids or names, e.g. summary=..., labels=[...])."""
        with self.lock:
            issue = self.data.issue(key)
            by_name = {f.name.lower(): f.id for f in self.data.fields}
            resolved = {by_name.get(name.lower(), name): value for name, value in fields.items()}
            self.data.edit(issue, resolved, None)

    def human_create(
        self, project: str, summary: str, issuetype: str = "Story", **fields: Any
    ) -> str:
        """Create an issue as a user would; returns its key."""
        with self.lock:
            by_name = {f.name.lower(): f.id for f in self.data.fields}
            body = {by_name.get(name.lower(), name): value for name, value in fields.items()}
            body.update(project={"key": project}, issuetype={"name": issuetype}, summary=summary)
            return self.data.create(body).key

    def issue_count(self, project: str) -> int:
        with self.lock:
            return sum(1 for issue in self.data.issues.values() if issue.project == project)

    def issues(self, project: str) -> list[dict[str, Any]]:
        """Raw issue JSON (all fields, properties) of a project, in key order."""
        with self.lock:
            chosen = [i for i in self.data.issues.values() if i.project == project]
            render = self.render
            return [render.issue(i, None, properties=["*all"]) for i in sorted(chosen, key=_number)]

    def issue_json(self, key: str) -> dict[str, Any]:
        with self.lock:
            return self.render.issue(self.data.issue(key), None, properties=["*all"], changelog=0)

    def updated(self, key: str) -> str:
        with self.lock:
            return jira_time(self.data.issue(key).updated)


def _number(issue: Issue) -> int:
    return issue.number
