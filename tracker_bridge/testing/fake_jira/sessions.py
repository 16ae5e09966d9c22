"""Data Center's cookie sessions: `POST /rest/auth/1/session` with login name and password
answers a `JSESSIONID` cookie that authenticates later requests.

What `jira.JIRA(server, auth=(user, password))` and older scripts use. Cloud refuses the
password login (its REST API takes API tokens only).
"""

from __future__ import annotations

import hashlib
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING

from tracker_bridge.testing.server import Request, Response

from .errors import error_body, jira_error

if TYPE_CHECKING:
    from .app import FakeJira

SESSION_PATH = "/rest/auth/1/session"
COOKIE = "JSESSIONID"


class Sessions:
    def __init__(self, jira: FakeJira) -> None:
        self.jira = jira
        self.open: set[str] = set()
        self.logins = 0

    def valid(self, request: Request) -> bool:
        raw = request.headers.get("Cookie")
        if not raw or self.jira.flavour != "datacenter":
            return False
        try:
            morsel = SimpleCookie(raw).get(COOKIE)
        except CookieError:
            return False
        return morsel is not None and morsel.value in self.open

    def register(self) -> None:
        self.jira.route("POST", SESSION_PATH, self.login)
        self.jira.route("GET", SESSION_PATH, self.current)
        self.jira.route("DELETE", SESSION_PATH, self.logout)

    def login(self, request: Request) -> Response:
        body = request.json() or {}
        given = (str(body.get("username", "")), str(body.get("password", "")))
        if self.jira.flavour != "datacenter" or given != self.jira.basic_auth:
            return Response(401, error_body(["Login failed"]))
        self.logins += 1
        sid = hashlib.sha256(f"{self.jira.seed}-session-{self.logins}".encode()).hexdigest()
        sid = sid[:32].upper()
        self.open.add(sid)
        answer = {
            "session": {"name": COOKIE, "value": sid},
            "loginInfo": {"failedLoginCount": 0, "loginCount": self.logins},
        }
        return Response(200, answer, {"Set-Cookie": f"{COOKIE}={sid}; Path=/; HttpOnly"})

    def current(self, request: Request) -> Response:
        if not self.valid(request):
            raise jira_error(401, ["You are not authenticated."])
        name = self.jira.data.username
        return Response(
            200,
            {
                "self": f"{self.jira.url}/rest/api/2/user?username={name}",
                "name": name,
                "loginInfo": {"failedLoginCount": 0, "loginCount": self.logins},
            },
        )

    def logout(self, request: Request) -> Response:
        if not self.valid(request):
            raise jira_error(401, ["You are not authenticated."])
        morsel = SimpleCookie(request.headers["Cookie"])[COOKIE]
        self.open.discard(morsel.value)
        return Response(204)
