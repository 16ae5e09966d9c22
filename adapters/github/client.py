"""The code that talks HTTP: PyGithub's requester for REST, httpx for GraphQL.

Why not PyGithub's objects: list payloads are partial and touching a missing attribute fires a
GET per object (lazy completion); we read the raw JSON ourselves, so no completion can happen.
Why not PyGithub's retry/throttle: GithubRetry would retry POSTs blindly and skip PATCH, and its
sleeps would double-pace with ours. Here reads retry with backoff + jitter (tenacity); writes
are sent once, serially, paced under the secondary limit, and re-sent only when GitHub said it
refused them (a rate-limit answer with Retry-After), never after a 5xx or a lost response.
Every request is counted at the transport (a requests adapter, an httpx event hook).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import requests
from github import Auth, Github
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from tracker_bridge.adapters.github.mapping import Pacing
from tracker_bridge.network import CallDeadline, Timeouts, failure_reason, safe_url
from tracker_bridge.quiet.conversation import Recorder
from tracker_bridge.tracker import AdapterError

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
RATE_MESSAGES = ("rate limit", "abuse")


class TransientError(Exception):
    """A read failed in a way worth retrying (5xx, dropped connection, rate limited)."""

    def __init__(self, what: str, *, no_answer: bool = False) -> None:
        super().__init__(what)
        self.no_answer = no_answer
        """Refused or timed out: retried only while the call's deadline allows."""


class _PastDeadline(stop_base):
    def __init__(self, deadline: CallDeadline) -> None:
        self.deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        no_answer = isinstance(exc, TransientError) and exc.no_answer
        return no_answer and self.deadline.remaining() <= 0.1


class WriteUncertain(Exception):
    """A write's outcome is unknown (5xx, dropped connection, lost response). Not retried."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    data: Any


class Pacer:
    """Serial pacing: writes at most `writes_per_minute`; reads optionally spaced too."""

    def __init__(self, pacing: Pacing, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.write_interval = 60.0 / pacing.writes_per_minute
        self.read_interval = pacing.seconds_between_reads
        self._sleep = sleep
        self._next_write = 0.0
        self._next_read = 0.0
        self._hold_until = 0.0
        self.waited = 0.0
        self.waits = 0

    def before(self, method: str) -> None:
        now = time.monotonic()
        due = max(self._hold_until, self._next_write if method in WRITES else self._next_read)
        if due > now:
            self.waited += due - now
            self.waits += 1
            self._sleep(due - now)
            now = due
        if method in WRITES:
            self._next_write = now + self.write_interval
        else:
            self._next_read = now + self.read_interval

    def hold(self, seconds: float) -> None:
        """GitHub asked us to wait (Retry-After / rate-limit reset): nothing goes out before."""
        self._hold_until = max(self._hold_until, time.monotonic() + seconds)


class CountingAdapter(HTTPAdapter):
    """Counts every request that reaches the wire and remembers the rate-limit headers."""

    def __init__(
        self,
        on_send: Callable[[], None],
        on_headers: Callable[[Mapping[str, str]], None],
        deadline: CallDeadline,
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(max_retries=0)
        self._on_send = on_send
        self._on_headers = on_headers
        self._deadline = deadline
        self._recorder = recorder or Recorder()

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        self._on_send()
        kwargs["timeout"] = self._deadline.timeout()  # never past the call's deadline
        response = super().send(request, *args, **kwargs)
        self._on_headers(response.headers)
        # What a quiet night's stamp keeps (only while a `sync` records; see quiet/).
        self._recorder.note_requests(request, response)
        return response


class GitHubClient:
    """One repository's REST + GraphQL connection with counting, pacing and retries."""

    def __init__(
        self,
        base_url: str,
        token: str,
        pacing: Pacing,
        *,
        graphql_url: str | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        timeouts = timeouts or Timeouts()
        self.pacing = pacing
        self.base_url = safe_url(base_url.rstrip("/"))
        self.timeouts = timeouts
        self.deadline = CallDeadline(timeouts)
        self.pacer = Pacer(pacing)
        self._count = 0
        self._lock = threading.Lock()
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.scopes: str | None = None
        # lazy: no GET on construction; no PyGithub retry or throttle (see module docstring).
        self.github = Github(
            base_url=base_url.rstrip("/"),
            auth=Auth.Token(token),
            per_page=100,
            lazy=True,
            retry=None,
            timeout=int(timeouts.read),
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        self.requester = self.github.requester
        # PyGithub exposes no session hook; mount our counting adapter on its (persistent)
        # connection's session so every request, whichever PyGithub call sent it, is counted.
        connection = self.requester._Requester__createConnection()  # type: ignore[attr-defined]
        self.recorder = Recorder()
        """The exchanges of a recording `sync`, REST and GraphQL, for its quiet-night stamp."""
        adapter = CountingAdapter(self._sent, self._observe, self.deadline, self.recorder)
        connection.session.mount("http://", adapter)
        connection.session.mount("https://", adapter)
        self.graphql_url = graphql_url or _graphql_url(base_url)
        self.http = httpx.Client(
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            event_hooks={
                "request": [lambda _request: self._sent()],
                "response": [self._answered],
            },
        )

    # -- bookkeeping ---------------------------------------------------------------------
    @property
    def requests_sent(self) -> int:
        return self._count

    def _sent(self) -> None:
        with self._lock:
            self._count += 1

    def _observe(self, headers: Mapping[str, str]) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        if "x-ratelimit-remaining" in lowered and lowered.get("x-ratelimit-resource") != "graphql":
            self.remaining = int(float(lowered["x-ratelimit-remaining"]))
            self.reset_at = float(lowered.get("x-ratelimit-reset", 0))
        if "x-oauth-scopes" in lowered:
            self.scopes = lowered["x-oauth-scopes"]

    def _answered(self, response: httpx.Response) -> None:
        self._observe(response.headers)
        request = response.request
        if self.recorder.active:
            response.read()  # the body is needed for its digest; the caller reads it anyway
            self.recorder.note(
                "httpx", request.method, str(request.url), request.content, request.headers,
                response.status_code, response.content, response.headers,
            )

    def close(self) -> None:
        self.http.close()
        self.github.close()

    # -- REST ------------------------------------------------------------------------------
    def rest(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one REST request; reads are retried, writes only after a refusal."""
        if method in WRITES:
            return self._write(lambda: self._rest_once(method, url, params, body, headers))
        return self._read(lambda: self._rest_once(method, url, params, body, headers))

    def _rest_once(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> Reply:
        self.pacer.before(method)
        try:
            status, reply_headers, text = self.requester.requestJson(
                method, url, parameters=dict(params or {}), headers=dict(headers or {}), input=body
            )
        except (requests.RequestException, OSError) as exc:
            where = url if url.startswith("http") else self.base_url + url
            reason = failure_reason(exc, self.timeouts)
            raise self._failure(method, f"{reason} at {safe_url(where)}", True) from None
        data = json.loads(text) if text and text.strip() else None
        return self._check(method, Reply(status, reply_headers, data))

    # -- GraphQL ---------------------------------------------------------------------------
    def graphql(self, query: str, variables: Mapping[str, Any]) -> Any:
        """Run a query or mutation; GraphQL `errors` (sent with HTTP 200) become AdapterError."""
        method = "POST" if query.lstrip().startswith("mutation") else "GET"

        def once() -> Reply:
            self.pacer.before(method)
            connect, read = self.deadline.timeout()
            try:
                response = self.http.post(
                    self.graphql_url,
                    json={"query": query, "variables": dict(variables)},
                    timeout=httpx.Timeout(read, connect=connect),
                )
            except httpx.HTTPError as exc:
                reason = failure_reason(exc, self.timeouts)
                where = safe_url(self.graphql_url)
                raise self._failure(method, f"{reason} at {where}", True) from None
            data = response.json() if response.content else None
            return self._check(method, Reply(response.status_code, response.headers, data))

        reply = self._write(once) if method == "POST" else self._read(once)
        payload = reply.data or {}
        errors = payload.get("errors") or []
        if any(e.get("type") == "RATE_LIMITED" for e in errors):
            raise AdapterError("GitHub GraphQL rate limit exhausted; run again after it resets")
        if errors:
            first = errors[0]
            raise GraphQLError(str(first.get("type") or ""), str(first.get("message") or ""))
        return payload.get("data")

    # -- retry policy ----------------------------------------------------------------------
    def _check(self, method: str, reply: Reply) -> Reply:
        if reply.status == 401:
            raise AdapterError(
                "GitHub rejected the token (401 Bad credentials): set a valid token for this "
                "tracker in the settings"
            )
        wait = _rate_limit_wait(reply)
        if wait is not None:
            if wait > self.pacing.max_wait_seconds:
                raise AdapterError(
                    f"GitHub rate limit: asked to wait {wait:.0f}s (more than "
                    f"pacing.max_wait_seconds); run again later"
                )
            self.pacer.hold(wait)
            raise TransientError(f"rate limited ({reply.status})")  # refused: safe to re-send
        if reply.status >= 500:
            raise self._failure(method, f"server error {reply.status}")
        return reply

    def _failure(self, method: str, what: str, no_answer: bool = False) -> Exception:
        if method in WRITES:
            return WriteUncertain(what)
        return TransientError(what, no_answer=no_answer)

    def _read(self, once: Callable[[], Reply]) -> Reply:
        retrying = Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self.pacing.read_retries + 1) | _PastDeadline(self.deadline),
            wait=wait_exponential_jitter(multiplier=0.05, max=2.0, jitter=0.05),
            reraise=True,
        )
        try:
            with self.deadline.call():
                return retrying(once)
        except TransientError as exc:
            raise AdapterError(f"GitHub is not answering reliably: {exc}") from None
        except RetryError as exc:  # pragma: no cover - reraise=True makes this unusual
            raise AdapterError(f"GitHub is not answering reliably: {exc}") from None

    def _write(self, once: Callable[[], Reply]) -> Reply:
        # Only a rate-limit refusal is re-sent: GitHub told us it did not perform the write.
        for _ in range(self.pacing.read_retries + 1):
            try:
                with self.deadline.call():
                    return once()
            except TransientError:
                continue
        raise WriteUncertain("still rate limited after waiting")


class GraphQLError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}" if kind else message)
        self.kind = kind


def _rate_limit_wait(reply: Reply) -> float | None:
    """Seconds to wait when the reply is a (primary or secondary) rate-limit refusal."""
    if reply.status not in (403, 429):
        return None
    headers = {k.lower(): v for k, v in reply.headers.items()}
    data = reply.data if isinstance(reply.data, dict) else {}
    message = str(data.get("message", "")).lower()
    if "retry-after" in headers:
        return float(headers["retry-after"])
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        return max(float(headers["x-ratelimit-reset"]) - time.time(), 0) + 1
    if reply.status == 429 or any(word in message for word in RATE_MESSAGES):
        return 60.0 + random.uniform(0, 5)
    return None


def _graphql_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.endswith("/api/v3"):  # GitHub Enterprise Server
        return base.removesuffix("/v3") + "/graphql"
    return base + "/graphql"
