"""The one place that calls the `jira` library: session set-up, exact request counting, retries.

Pitfalls designed around (see reference/tracker-apis.md §1):
- ResilientSession retries every method, POST included, on connection errors: we build the
  client with `max_retries=0` and retry reads ourselves; writes are retried only on 429 (the
  server refused them unprocessed), never on a lost connection.
- Its 429 wait is `2*Retry-After` capped at 60 s, which can retry too early: we honour
  Retry-After in full (a cap is an option, for tests).
- The constructor's serverInfo GET would be neither counted nor retried, so we construct with
  `get_server_info=False` and fetch serverInfo ourselves, setting `deploymentType` and
  `_version` exactly as the constructor would (so `_is_cloud` stays right). We fetch it only
  when the deployment type is not known already: a pull learns it from its cursor (the same
  site), so a quiet night does not pay for serverInfo. The server's clock comes from any
  answer's `Date` header then (every HTTP server sends one; serverInfo's serverTime is the
  same clock to the millisecond).
- `Issue.update` re-GETs and `create_issue` resolves names with extra GETs: we send raw
  requests through the library's authenticated session instead.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from jira import JIRA, JIRAError
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base

from tracker_bridge.network import CallDeadline, Timeouts, failure_reason, safe_url
from tracker_bridge.quiet.conversation import Recorder

Sleep = Callable[[float], None]


class JiraCallError(Exception):
    """A failed call, safe to show: method, path, status and Jira's own messages only."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        messages: list[str],
        payload: dict[str, Any] | None = None,
        *,
        reason: str | None = None,
        url: str | None = None,
    ) -> None:
        self.method, self.path, self.status, self.messages = method, path, status, messages
        self.payload = payload
        """Jira's JSON error body (bulk create puts per-element errors here)."""
        what = f"HTTP {status}" if status is not None else (reason or "no response")
        detail = "; ".join(messages)[:300]
        where = url or path  # no answer at all: the whole URL says where we looked
        super().__init__(f"{method} {where}: {what}" + (f": {detail}" if detail else ""))


class _CountingAdapter(HTTPAdapter):
    """Counts every request actually sent on the wire (each retry included)."""

    def __init__(
        self,
        on_send: Callable[[], None],
        deadline: CallDeadline,
        pool: int = 10,
        recorder: Recorder | None = None,
        on_answer: Callable[[Mapping[str, str]], None] | None = None,
    ) -> None:
        # One pooled connection per concurrent writer, so none is opened and thrown away.
        super().__init__(max_retries=0, pool_maxsize=pool)
        self._on_send = on_send
        self._deadline = deadline
        self._recorder = recorder or Recorder()
        self._on_answer = on_answer

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self._on_send()
        kwargs["timeout"] = self._deadline.timeout()  # never past the call's deadline
        response = super().send(request, *args, **kwargs)
        if self._on_answer is not None:
            self._on_answer(response.headers)
        # What a quiet night's stamp keeps (only while a `sync` records; see quiet/).
        self._recorder.note_requests(request, response)
        return response


class _PastDeadline(stop_base):
    """No answer (refused, timed out) and the call's time is up: stop retrying."""

    def __init__(self, deadline: CallDeadline) -> None:
        self.deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        no_answer = isinstance(exc, requests.ConnectionError | requests.Timeout)
        return no_answer and self.deadline.remaining() <= 0.1


class JiraClient:
    """Raw REST calls through the jira library's session, counted and retried per our rules."""

    def __init__(
        self,
        url: str,
        *,
        username: str | None,
        token: str | None,
        options: Mapping[str, Any],
    ) -> None:
        self.url = url
        self.sent = 0
        self._sent_lock = threading.Lock()  # the reconciler writes from a thread pool
        self.rate_limit_waits = 0
        """429 answers we waited out (Retry-After), and the seconds waited: `serve`'s metrics."""
        self.rate_limit_waited = 0.0
        self.max_concurrency = max(1, int(options.get("max_concurrency", 8)))
        self.attempts = int(options.get("retry_attempts", 6))
        self.backoff = float(options.get("backoff_seconds", 0.5))
        self.max_backoff = float(options.get("max_backoff_seconds", 10.0))
        cap = options.get("rate_limit_max_wait")
        self.rate_limit_cap: float | None = None if cap is None else float(cap)
        self.sleep: Sleep = options.get("sleep", time.sleep)
        self.timeouts = Timeouts.from_options(options)
        self.deadline = CallDeadline(self.timeouts)
        self.rng = random.Random(options.get("seed"))
        auth: dict[str, Any] = (
            {"basic_auth": (username, token or "")} if username else {"token_auth": token or ""}
        )
        self.jira = JIRA(
            server=url,
            get_server_info=False,
            max_retries=0,
            timeout=self.timeouts.read,
            options={"check_update": False, "rest_api_version": "2"},
            **auth,
        )
        self.recorder = Recorder()
        """The exchanges of a recording `sync`, for its quiet-night stamp."""
        counter = _CountingAdapter(
            self._count, self.deadline, max(10, self.max_concurrency), self.recorder,
            self._note_date,
        )
        self.session: requests.Session = self.jira._session
        self.session.mount("http://", counter)
        self.session.mount("https://", counter)
        self._cloud: bool | None = None
        self._info_lock = threading.Lock()
        self.server_clock: tuple[datetime, float] | None = None
        """(the server's time, our monotonic clock then), from its last answer."""

    def _count(self) -> None:
        with self._sent_lock:
            self.sent += 1

    @property
    def is_cloud(self) -> bool:
        """Cloud or Data Center: known from a pull's cursor, else one serverInfo read."""
        if self._cloud is None:
            with self._info_lock:
                if self._cloud is None:
                    self._connect()
        return bool(self._cloud)

    def _connect(self) -> None:
        from .metadata import call_error  # metadata builds on this module

        try:
            self.load_server_info()
        except JiraCallError as exc:
            raise call_error(exc, f"connecting to {self.url}", self.url) from None

    @property
    def deployment_known(self) -> bool:
        return self._cloud is not None

    def assume_deployment(self, cloud: bool) -> None:
        """What an earlier session's serverInfo said about this same site."""
        self.jira.deploymentType = "Cloud" if cloud else "Server"
        self._cloud = cloud

    def load_server_info(self) -> dict[str, Any]:
        info: dict[str, Any] = self.get("serverInfo")
        self.jira.deploymentType = info.get("deploymentType")
        self.jira._version = tuple(info.get("versionNumbers") or (0, 0, 0))
        self._cloud = self.jira.deploymentType == "Cloud"
        stamp = _parse_server_time(str(info["serverTime"])) if info.get("serverTime") else None
        if stamp is not None:
            self.server_clock = (stamp, time.monotonic())
        return info

    def _note_date(self, headers: Mapping[str, str]) -> None:
        # Whole seconds, cut down: an estimate of the server's clock that is never ahead.
        text = headers.get("Date")
        try:
            stamp = parsedate_to_datetime(text) if text else None
        except (TypeError, ValueError):
            stamp = None
        if stamp is not None and stamp.tzinfo is not None:
            self.server_clock = (stamp.astimezone(UTC), time.monotonic())

    def server_time_at(self, moment: float) -> datetime | None:
        """The server's clock at `moment` (our monotonic clock), from its last answer; None
        before any answer carried a time."""
        known = self.server_clock
        if known is None:
            return None
        at, mono = known
        return at + timedelta(seconds=moment - mono)

    # -- verbs --------------------------------------------------------------------------------
    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, agile: bool = False
    ) -> Any:
        return self._call("GET", path, params=params, agile=agile, idempotent=True)

    def put(
        self,
        path: str,
        body: Any,
        *,
        params: Mapping[str, Any] | None = None,
        agile: bool = False,
    ) -> Any:
        # PUT sets values absolutely, so repeating it is harmless.
        return self._call("PUT", path, body=body, params=params, agile=agile, idempotent=True)

    def post(self, path: str, body: Any, *, agile: bool = False, idempotent: bool = False) -> Any:
        return self._call("POST", path, body=body, agile=agile, idempotent=idempotent)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path, idempotent=True)

    # -- machinery ----------------------------------------------------------------------------
    def _url(self, path: str, agile: bool) -> str:
        if agile:
            return str(self.jira._get_url(path, base=self.jira.AGILE_BASE_URL))
        return str(self.jira._get_url(path))

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        agile: bool = False,
        idempotent: bool,
    ) -> Any:
        url = self._url(path, agile)
        data = None if body is None else json.dumps(body)

        def once() -> Any:
            response = self.session.request(method, url, params=params, data=data)
            if response.status_code == 204 or not response.content:
                return None
            return response.json()

        retrying = Retrying(
            stop=stop_after_attempt(self.attempts) | _PastDeadline(self.deadline),
            retry=retry_if_exception(lambda exc: _retryable(exc, idempotent)),
            wait=self._wait,
            before_sleep=self._note_rate_limit,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            with self.deadline.call():
                return retrying(once)
        except JIRAError as exc:
            payload = _payload(exc)
            raise JiraCallError(
                method, path, exc.status_code, _messages(payload), payload
            ) from None
        except requests.RequestException as exc:
            reason = failure_reason(exc, self.timeouts)
            raise JiraCallError(method, path, None, [], reason=reason, url=safe_url(url)) from None


    def _note_rate_limit(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, JIRAError) and exc.status_code == 429:
            with self._sent_lock:
                self.rate_limit_waits += 1
                self.rate_limit_waited += state.upcoming_sleep

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, JIRAError) and exc.status_code == 429:
            wait = _retry_after(exc)
            return wait if self.rate_limit_cap is None else min(wait, self.rate_limit_cap)
        # Exponential backoff with full jitter for 5xx and dropped connections.
        ceiling = min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))
        wait = self.rng.uniform(0, ceiling)
        if isinstance(exc, requests.ConnectionError | requests.Timeout):
            wait = min(wait, max(0.0, self.deadline.remaining() - 0.1))  # leave time to try
        return wait


def _retryable(exc: BaseException, idempotent: bool) -> bool:
    if isinstance(exc, JIRAError):
        status = exc.status_code or 0
        if status == 429:
            return True  # refused before processing: safe for any method
        return idempotent and status >= 500
    return idempotent and isinstance(exc, requests.ConnectionError | requests.Timeout)


def _retry_after(exc: JIRAError) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After", "1")))
    except ValueError:  # an HTTP date: wait a conservative while
        return 30.0


def _payload(exc: JIRAError) -> dict[str, Any] | None:
    response = exc.response
    try:
        payload = response.json() if response is not None else None
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _messages(payload: dict[str, Any] | None) -> list[str]:
    """Jira's errorMessages/errors, never headers or request bodies (no secrets)."""
    if payload is None:
        return []
    out = [str(m) for m in payload.get("errorMessages") or ()]
    errors = payload.get("errors") or {}
    if isinstance(errors, dict):
        out += [f"{field}: {message}" for field, message in errors.items()]
    return out


def _parse_server_time(text: str) -> datetime | None:
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    return None
