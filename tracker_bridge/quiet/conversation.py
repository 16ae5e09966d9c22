"""What a sync said to a tracker and what the tracker answered, as the stamp keeps it.

The clients note every exchange at their transport (a requests adapter, an httpx response
hook) while `recording()` is on: the method, the URL with its query, the request body, the
headers that shape the answer (content negotiation and conditional requests) and the name of
the authorization scheme. Never the Authorization value, a cookie or any other header: the
replay rebuilds credentials from the variable the config names.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

KEPT_HEADERS = ("accept", "content-type", "if-none-match", "if-modified-since",
                "x-github-api-version")
"""Request headers that change what a server answers and hold no secret."""

VOLATILE_KEYS = frozenset({"serverTime"})
"""Keys of a JSON answer that change on every request without anything having changed
(Jira's serverInfo carries the server's clock)."""

_state = {"recording": False}
_state_lock = threading.Lock()


@contextmanager
def recording() -> Iterator[None]:
    """Clients note their exchanges while this is open (a `sync` run, nothing else)."""
    with _state_lock:
        was, _state["recording"] = _state["recording"], True
    try:
        yield
    finally:
        with _state_lock:
            _state["recording"] = was


def body_digest(content: bytes) -> str:
    """A digest of an answer's body: JSON without its volatile keys and key order, else the
    bytes as they came."""
    try:
        data = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        return hashlib.sha256(content).hexdigest()
    canonical = json.dumps(_without_volatile(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


ANSWER_HEADERS = ("link",)
"""Answer headers that carry data a client reads: GitHub's `Link` holds the last page, from
which the removal check reads a repository's issue count (a deleted issue that is not the
newest changes nothing else in the answer)."""


def answer_digest(content: bytes, headers: Mapping[str, str] | None = None) -> str:
    """`body_digest`, with the `ANSWER_HEADERS` the answer has folded in (an answer without
    them has its body's digest)."""
    body = body_digest(content)
    lowered = {k.lower(): str(v) for k, v in (headers or {}).items()}
    kept = [f"{name}: {lowered[name]}" for name in ANSWER_HEADERS if name in lowered]
    if not kept:
        return body
    return hashlib.sha256("\n".join([body, *kept]).encode()).hexdigest()


def _without_volatile(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_volatile(v) for k, v in data.items() if k not in VOLATILE_KEYS}
    if isinstance(data, list):
        return [_without_volatile(v) for v in data]
    return data


def _text(body: bytes | str | None) -> str | None:
    if body is None or body == b"" or body == "":
        return None
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Exchange:
    via: str
    """The transport that sent it: "requests" (jira, PyGithub) or "httpx" (GraphQL)."""
    method: str
    url: str
    body: str | None
    headers: dict[str, str]
    auth: str | None
    """The authorization scheme only ("Basic", "Bearer", "token"): never its value."""
    status: int
    digest: str
    """`answer_digest` of the answer: its body and its `Link` header."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_read(self) -> bool:
        """Safe to send again: a GET, a Jira JQL search, or a GraphQL query (no mutation).
        A stamp with anything else in it is not made: a replay must never write."""
        if self.method in ("GET", "HEAD"):
            return True
        if self.method != "POST" or self.body is None:
            return False
        path = self.url.split("?", 1)[0]
        if path.endswith(("/search", "/search/jql")):
            return True
        try:
            query = json.loads(self.body).get("query")
        except (ValueError, AttributeError):
            return False
        # As the GraphQL client tells them apart (adapters/github/client.py).
        return isinstance(query, str) and not query.lstrip().startswith("mutation")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exchange:
        return cls(**{**data, "headers": dict(data.get("headers") or {})})


@dataclass
class Recorder:
    """One client's exchanges, in the order they were answered."""

    exchanges: list[Exchange] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def active(self) -> bool:
        """True while a `sync` records: the transports read and note answers only then."""
        return _state["recording"]

    def note_requests(self, request: Any, response: Any) -> None:
        """`note` for an exchange the `requests` transport answered (a `PreparedRequest`
        and its `Response`): the Jira and the GitHub REST clients both send through it."""
        if self.active:
            self.note(
                "requests", str(request.method), str(request.url), request.body,
                request.headers, response.status_code, response.content, response.headers,
            )

    def note(
        self,
        via: str,
        method: str,
        url: str,
        body: bytes | str | None,
        headers: Mapping[str, str],
        status: int,
        content: bytes,
        answer_headers: Mapping[str, str] | None = None,
    ) -> None:
        if not _state["recording"]:
            return
        lowered = {k.lower(): str(v) for k, v in headers.items()}
        authorization = lowered.get("authorization")
        exchange = Exchange(
            via=via,
            method=method.upper(),
            url=url,
            body=_text(body),
            headers={k: lowered[k] for k in KEPT_HEADERS if k in lowered},
            auth=authorization.split(" ", 1)[0] if authorization else None,
            status=status,
            digest=answer_digest(content, answer_headers),
        )
        with self._lock:
            self.exchanges.append(exchange)

    def taken(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)
