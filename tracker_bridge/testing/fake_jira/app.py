"""`FakeJira`: a stateful, deterministic Jira (Cloud or Data Center) on loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tracker_bridge.testing.server import FakeServer, HTTPError, Request, Response

from . import (
    custom_fields,
    persist,
    ranking,
    routes_agile,
    routes_issues,
    routes_meta,
    routes_search,
    routes_users,
    versions,
)
from .data import JiraData
from .errors import error_body
from .render import Renderer
from .sessions import SESSION_PATH, Sessions
from .state import Flavour, Issue, Sprint, jira_time
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
        password: str = "fake-password",
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
        self.password = password  # Data Center's Basic auth: the bot's login name + password
        self.rate_limit = rate_limit
        # Permissions `mypermissions` reports as missing (tests of `doctor` add names here).
        self.denied_permissions: set[str] = set()
        self.partial_sprint_updates = True
        """False: POST /sprint/{id} answers 405, as on Data Center servers (and proxies) that
        take only the full update (PUT)."""
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
        ranking.register(self)
        versions.register(self)
        routes_users.register(self)
        self.sessions = Sessions(self)
        self.sessions.register()

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

    # -- set-up a Jira admin would do -----------------------------------------------------------
    def add_user(self, name: str) -> str:
        """Add a user who can be assigned (and report, and be picked in user fields).

        Returns how the flavour names the user in fields: the Cloud account id, or the login
        name on Data Center. Assigning anyone else answers 400 with `errors.assignee`.
        """
        with self.lock:
            account = self.data.add_user(name)
            return account if self.flavour == "cloud" else name

    def add_custom_field(self, name: str, type: str, options: Sequence[str] = ()) -> str:
        """Define a custom field and return its id (`customfield_NNNNN`).

        `type` is one of number, text, textarea, url, date, datetime, select, multiselect
        (with `options`), labels, user. The field appears in `GET /field` with Jira's schema
        for that type, can be set on create and edit, and is searchable in JQL by `cf[NNNNN]`
        or by its quoted name.
        """
        with self.lock:
            return custom_fields.define(self.data, name, type, options).id

    def add_version(
        self,
        project: str,
        name: str,
        *,
        released: bool = False,
        release_date: str | None = None,
        description: str | None = None,
    ) -> str:
        """Add a version (release) to a project, for `fixVersions`; returns its id."""
        with self.lock:
            try:
                made = versions.add_version(
                    self.data,
                    project,
                    name,
                    released=released,
                    release_date=release_date,
                    description=description,
                )
            except HTTPError as exc:  # what the REST API would answer, for a Python caller
                raise ValueError(f"Jira would refuse this version: {exc.body}") from None
            return made.id

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `jira.JIRA(**kwargs)` that authenticate against this fake."""
        if self.flavour == "cloud":
            return {"server": self.url, "basic_auth": self.basic_auth}
        return {"server": self.url, "token_auth": self.pat}

    @property
    def basic_auth(self) -> tuple[str, str]:
        """Basic credentials: e-mail + API token on Cloud, login name + password on Data Center
        (which takes these as well as the personal access token, as a real server does)."""
        if self.flavour == "cloud":
            return (self.email, self.api_token)
        return (self.data.username, self.password)

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
        if request.path == SESSION_PATH and request.method == "POST":
            return None  # the password login itself
        if header is not None and self._credentials_ok(header):
            return None
        if header is None and self.sessions.valid(request):
            return None
        body = error_body(
            ["You are not authenticated. Authentication required to perform this operation."]
        )
        scheme = "Basic" if self.flavour == "cloud" else "Bearer"
        headers = {"WWW-Authenticate": f'{scheme} realm="protected-area"'}
        if self.flavour == "datacenter" and header is not None:
            # Seraph, DC's login filter, says why it refused the credentials it was given.
            headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
        return Response(401, body, headers)

    def _credentials_ok(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if self.flavour == "datacenter" and scheme.lower() == "bearer":
            return value == self.pat
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value).decode()
        except ValueError:
            return False
        return decoded == ":".join(self.basic_auth)

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
        self,
        project: str,
        summary: str,
        issuetype: str = "Story",
        *,
        by: str | None = None,
        **fields: Any,
    ) -> str:
        """Create an issue as a user would (`by`: the creator and reporter, a known user;
        the token's user by default); returns its key."""
        with self.lock:
            if by is not None and by not in self.data.people:
                raise ValueError(f"no Jira user {by!r}; add it with add_user()")
            by_name = {f.name.lower(): f.id for f in self.data.fields}
            body = {by_name.get(name.lower(), name): value for name, value in fields.items()}
            body.update(project={"key": project}, issuetype={"name": issuetype}, summary=summary)
            return self.data.create(body, creator=by).key

    def human_create_sprint(
        self,
        project: str,
        name: str,
        start: datetime,
        end: datetime,
        goal: str | None = None,
        started: bool = True,
    ) -> int:
        """Create a sprint on the project's board (and start it), as a team does; its id."""
        with self.lock:
            board = next(b for b in self.data.boards.values() if b.project == project)
            sprint = Sprint(
                id=self.data.next_sprint_id, name=name, board_id=board.id,
                state="active" if started else "future",
                goal=goal, start=start, end=end, created=self.clock.now(),
            )  # fmt: skip
            self.data.next_sprint_id += 1
            self.data.sprints[sprint.id] = sprint
            return sprint.id

    def human_move_to_sprint(self, sprint_id: int, keys: Sequence[str]) -> None:
        """Drag issues into an open sprint."""
        with self.lock:
            sprint = self.data.sprints[sprint_id]
            if sprint.state == "closed":
                raise ValueError("Jira cannot move issues to a closed sprint")
            self.data.move_to_sprint([self.data.issue(key) for key in keys], sprint)

    def human_complete_sprint(self, sprint_id: int) -> None:
        """Complete an active sprint (its issues keep it in their sprint history)."""
        with self.lock:
            sprint = self.data.sprints[sprint_id]
            sprint.state, sprint.complete = "closed", self.clock.now()

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
