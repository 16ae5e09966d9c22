"""The harness every fake tracker is built on: real HTTP on loopback, faults, request counts.

A stdlib `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive. We own the socket, so a
fault can really drop a connection (before the handler runs, or after it committed a write:
the "lost response" that makes naive clients create duplicates).
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

FaultKind = Literal["latency", "error", "rate_limit", "drop", "lost_response"]
Handler = Callable[["Request"], "Response"]


class Headers(Mapping[str, str]):
    """Case-insensitive, read-only request headers."""

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = {key.lower(): value for key, value in items.items()}

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    route: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HTTPError(400, {"message": f"Problems parsing JSON: {exc}"}) from exc


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None or self.status == 304 or self.status == 204:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":")).encode()


class HTTPError(Exception):
    """Raise from a handler to answer with this status and body."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class FaultRule:
    kind: FaultKind
    rate: float = 1.0
    method: str | None = None
    path: str | None = None
    latency_ms: float = 0
    status: int = 500
    retry_after: int = 1
    count: int | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or re.search(self.path, path) is not None


_TERMINAL = frozenset({"error", "rate_limit", "drop", "lost_response"})


class FaultInjector:
    """Faults on demand, per route or global, reproducible from the server's seed."""

    def __init__(self, seed: int) -> None:
        self._rules: list[FaultRule] = []
        self._fired: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    @property
    def fired(self) -> dict[str, int]:
        with self._lock:
            return dict(self._fired)

    def draw(self, method: str, path: str) -> list[FaultRule]:
        """The rules that fire for this request (each rule rolls its own die)."""
        chosen: list[FaultRule] = []
        answered = False  # one request gets at most one fault that replaces its answer
        with self._lock:
            for rule in self._rules:
                if rule.count is not None and rule.count <= 0:
                    continue
                if answered and rule.kind in _TERMINAL:
                    continue
                if not rule.matches(method, path) or self._rng.random() >= rule.rate:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                self._fired[rule.kind] += 1
                answered = answered or rule.kind in _TERMINAL
                chosen.append(rule)
        return chosen


class RequestStats:
    """Counters by method, route template and status, plus a bounded request log."""

    def __init__(self, log_size: int = 20_000) -> None:
        self._lock = threading.Lock()
        self.by_method: Counter[str] = Counter()
        self.by_route: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.log: deque[tuple[str, str, int]] = deque(maxlen=log_size)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.by_method.values())

    def record(self, method: str, route: str, path: str, status: int) -> None:
        with self._lock:
            self.by_method[method] += 1
            self.by_route[f"{method} {route}"] += 1
            self.by_status[status] += 1
            self.log.append((method, path, status))

    def reset(self) -> None:
        with self._lock:
            self.by_method.clear()
            self.by_route.clear()
            self.by_status.clear()
            self.log.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self.by_method.values()),
                "by_method": dict(self.by_method),
                "by_route": dict(self.by_route),
                "by_status": {str(k): v for k, v in self.by_status.items()},
            }


class Clock:
    """The fakes' notion of now: wall clock by default, frozen or advanced in tests."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return base + self._offset

    def freeze(self, at: datetime) -> None:
        self._frozen = at.astimezone(UTC)
        self._offset = timedelta()

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


def _compile(template: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[a-zA-Z_]+(?::path)?\})", template):
        if part.startswith("{") and part.endswith("}"):
            name, _, kind = part[1:-1].partition(":")
            regex += f"(?P<{name}>.+)" if kind == "path" else f"(?P<{name}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


class _Dropped(Exception):
    """The connection was closed on purpose (a fault); nothing more is written."""


class FakeServer:
    """Base class of the fake trackers. Subclasses register routes and override the hooks."""

    def __init__(
        self,
        *,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | str | None = None,
    ) -> None:
        self.seed = seed
        self.host = host
        self.port = port
        self.state_file = Path(state_file) if state_file else None
        self.lock = threading.RLock()
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.faults = FaultInjector(seed)
        self.stats = RequestStats()
        self._routes: list[_Route] = []
        self._after: list[Callable[[Request, Response], None]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- hooks -------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        return None

    def before_request(self, request: Request) -> Response | None:
        return None

    def decorate(self, request: Request, response: Response) -> None:
        return None

    def error_body(self, status: int, message: str) -> Any:
        return {"message": message}

    def dump_state(self) -> dict[str, Any]:
        return {}

    def load_state(self, data: dict[str, Any]) -> None:
        return None

    def after_request(self, callback: Callable[[Request, Response], None]) -> Callable[[], None]:
        """Test hook: `callback(request, response)` runs after each answer is made and before
        it is sent, outside the state lock, so it can act as a person (`human_*`) between two
        requests of a client, e.g. edit an issue between two pages of a listing. Returns a
        function that removes the hook."""
        self._after.append(callback)
        return lambda: self._after.remove(callback)

    # -- routing -----------------------------------------------------------------------
    def route(self, method: str, template: str, handler: Handler) -> None:
        self._routes.append(_Route(method.upper(), template, _compile(template), handler))

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        path_known = False
        for candidate in self._routes:
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if candidate.method == method:
                return candidate, found.groupdict(), True
            path_known = True
        return None, {}, path_known

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the fake server is not started")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        if self.state_file is not None and self.state_file.exists():
            self.load_state(json.loads(self.state_file.read_text()))
        httpd = _HTTPServer((self.host, self.port), _RequestHandler)
        httpd.fake = self
        self._httpd = httpd
        # A short poll keeps stop() (and every test teardown) in milliseconds.
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=type(self).__name__
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd = None
        if self.state_file is not None:
            self.save(self.state_file)

    def save(self, path: Path | str) -> None:
        with self.lock:
            Path(path).write_text(json.dumps(self.dump_state(), default=str))

    def run_until_interrupted(self, announce: Callable[[str], None] = print) -> None:
        """Serve in the foreground (the CLI's `fake` command) until Ctrl-C."""
        self.start()
        announce(self.url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- request handling --------------------------------------------------------------
    def _builtin(self, request: Request) -> Response | None:
        if request.path == "/_fake/stats" and request.method == "GET":
            return Response(200, {**self.stats.snapshot(), "faults_fired": self.faults.fired})
        if request.path == "/_fake/faults":
            if request.method == "DELETE":
                self.faults.clear()
                return Response(204)
            if request.method == "POST":
                payload = request.json() or {}
                for raw in payload.get("rules", []):
                    self.faults.add(FaultRule(**raw))
                return Response(200, {"rules": [asdict(rule) for rule in self.faults.rules]})
        return None

    def handle(self, request: Request, drop: Callable[[], None]) -> Response:
        """Answer one request; `drop` closes the connection without an answer."""
        builtin = self._builtin(request)
        if builtin is not None:
            return builtin
        route, params, path_known = self._match(request.method, request.path)
        request.route = route.template if route else "(unmatched)"
        request.params = params
        response = self._answer(request, route, path_known, drop)
        self.stats.record(request.method, request.route, request.path, response.status)
        for callback in list(self._after):
            callback(request, response)
        return response

    def _answer(
        self, request: Request, route: _Route | None, path_known: bool, drop: Callable[[], None]
    ) -> Response:
        fired = self.faults.draw(request.method, request.path)
        lose_response = False
        for rule in fired:
            if rule.kind == "latency":
                time.sleep(rule.latency_ms / 1000)
        for rule in fired:
            if rule.kind == "drop":
                self.stats.record(request.method, request.route, request.path, 0)
                drop()
            if rule.kind == "error":
                return self._error(request, rule.status, "Internal server error (injected)")
            if rule.kind == "rate_limit":
                response = self._error(request, rule.status, "Rate limit exceeded (injected)")
                response.headers["Retry-After"] = str(rule.retry_after)
                return response
            lose_response = lose_response or rule.kind == "lost_response"
        response = self._dispatch(request, route, path_known)
        if lose_response:
            self.stats.record(request.method, request.route, request.path, 0)
            drop()
        return response

    def _dispatch(self, request: Request, route: _Route | None, path_known: bool) -> Response:
        denied = self.authenticate(request)
        if denied is not None:
            self.decorate(request, denied)
            return denied
        with self.lock:
            limited = self.before_request(request)
            if limited is not None:
                response = limited
            elif route is None:
                status = 405 if path_known else 404
                response = Response(status, self.error_body(status, "Not Found"))
            else:
                try:
                    response = route.handler(request)
                except HTTPError as exc:
                    response = Response(exc.status, exc.body, dict(exc.headers))
            self.decorate(request, response)
        return response

    def _error(self, request: Request, status: int, message: str) -> Response:
        response = Response(status, self.error_body(status, message))
        self.decorate(request, response)
        return response


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    fake: FakeServer


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate sends; with Nagle on, the client's delayed ACK
    # would add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The `Date` header on the fake's clock, as a real server dates answers by its own
        # clock (clients read the server's time from it).
        if timestamp is None:
            timestamp = self.server.fake.clock.now().timestamp()
        return super().date_time_string(timestamp)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Dropped

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=Headers(dict(self.headers.items())),
            body=self._read_body(),
        )
        try:
            response = self.server.fake.handle(request, self._drop)
        except _Dropped:
            return
        body = response.encoded()
        self.send_response(response.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        if response.status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve
