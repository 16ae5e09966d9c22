"""`serve`'s HTTP endpoint on a stdlib `ThreadingHTTPServer` (no framework for four routes):
`GET /healthz`, `GET /metrics` and the POST routes it is given (the webhooks).

Senders on the internet are not trusted to be quick: every request must arrive whole within
a deadline (a sender trickling a byte a second is cut off), each connection has its own
thread so slow ones never delay others, and the listen backlog absorbs bursts of deliveries.
Bodies are read whole, up to a limit, because signatures are over the raw bytes. Threads
are bounded: beyond `max_connections` open connections a new one is answered 503 with
Retry-After on the accepting thread at once and closed (a flood of slow connections costs
no thread each, and senders retry later).
"""

from __future__ import annotations

import io
import json
import logging
import math
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

log = logging.getLogger("tracker_bridge.serve")

DEFAULT_MAX_BODY = 1_000_000
DEFAULT_DEADLINE = 10.0
LISTEN_BACKLOG = 512
"""socketserver's default of 5 reset most of 200 simultaneous deliveries."""
WRITE_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 64
BUSY_RETRY_AFTER = 1
"""Seconds a sender refused for too many connections is asked to wait."""
_BUSY_BODY = b'{"error": "too many connections: retry later"}'
_BUSY = (
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    f"Retry-After: {BUSY_RETRY_AFTER}\r\nContent-Length: {len(_BUSY_BODY)}\r\n"
    "Connection: close\r\n\r\n"
).encode() + _BUSY_BODY


@dataclass(frozen=True)
class Answer:
    status: int
    body: Mapping[str, Any] = field(default_factory=dict)


PostRoute = Callable[[Mapping[str, str], bytes], Answer]
"""Lower-case headers and the raw body -> the answer."""
HealthProbe = Callable[[], Answer]
Exposition = Callable[[], tuple[bytes, str]]
"""The metrics page: its bytes and content type."""


class _DeadlineReader(io.RawIOBase):
    """A socket's bytes, each read limited to what is left of the request's deadline (a
    per-read timeout alone restarts with every byte a slow sender sends)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive within its deadline")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck sender never keeps the process alive
    block_on_close = False  # stop() does not wait for slow senders' threads
    request_queue_size = LISTEN_BACKLOG
    posts: Mapping[str, PostRoute]
    health: HealthProbe | None
    metrics: Exposition | None
    max_body: int
    deadline: float
    max_connections: int
    slots: threading.BoundedSemaphore
    _refused_logged_at = 0.0

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self._refuse(request, client_address)
            return
        try:
            super().process_request(request, client_address)  # starts the connection's thread
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def _refuse(self, request: socket.socket, client_address: Any) -> None:
        """503 at once, without reading the request: the accepting thread never waits."""
        try:
            request.setblocking(False)
            request.send(_BUSY)  # a fresh socket's send buffer takes these few bytes
            request.shutdown(socket.SHUT_WR)
            request.recv(65536)  # what already arrived, so the close sends no reset over it
        except OSError:
            pass
        finally:
            request.close()
        now = time.monotonic()
        if now - self._refused_logged_at > 10:  # a flood is one line per 10 s, not one each
            self._refused_logged_at = now
            log.warning(
                "connection from %s refused (503): %d connections open (max_connections)",
                client_address[0], self.max_connections,
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that hung up or stalled: one line, not socketserver's traceback on stderr.
        log.warning("connection from %s dropped: %r", client_address[0], sys.exc_info()[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    _reader: _DeadlineReader

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        # Each request on a kept-alive connection gets the whole deadline, idle time included.
        self._reader.deadline = time.monotonic() + self.server.deadline
        super().handle_one_request()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            health = self.server.health
            self._reply(health() if health is not None else Answer(200, {"status": "ok"}))
        elif path == "/metrics" and self.server.metrics is not None:
            data, content_type = self.server.metrics()
            self._send(200, data, content_type)
        else:
            self._reply(Answer(404, {"error": "not found"}))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        route = self.server.posts.get(path)
        if route is None:
            self._reply(Answer(404, {"error": "not found"}), close=True)
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._reply(Answer(411, {"error": "Content-Length required"}), close=True)
            return
        if int(length) > self.server.max_body:
            log.warning("POST %s refused: body of %s bytes is over the limit", path, length)
            self._reply(Answer(413, {"error": "body too large"}), close=True)
            return
        try:
            body = self.rfile.read(int(length))
        except TimeoutError:
            log.warning(
                "POST %s from %s cut off: not received within %s s",
                path,
                self.client_address[0],
                self.server.deadline,
            )
            self.close_connection = True
            return
        if len(body) < int(length):  # the sender hung up mid-body: nothing to answer
            log.warning("POST %s dropped: the body ended early", path)
            self.close_connection = True
            return
        try:
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = route(headers, body)
        except Exception:  # e.g. the store is down: let the sender retry (Jira does)
            log.exception("POST %s failed", path)
            answer = Answer(503, {"error": "temporarily unavailable"})
        self._reply(answer)

    def _reply(self, answer: Answer, *, close: bool = False) -> None:
        self._send(answer.status, json.dumps(answer.body).encode(), "application/json", close)

    def _send(self, status: int, data: bytes, content_type: str, close: bool = False) -> None:
        self.connection.settimeout(WRITE_TIMEOUT)  # not what is left of the read deadline
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if close:  # the unread body would otherwise be parsed as the next request
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Request lines only (no headers, so never a signature), at debug level.
        log.debug('%s "%s" %s', self.address_string(), self.requestline, code)

    def log_error(self, format: str, *args: Any) -> None:
        log.info("%s " + format, self.address_string(), *args)


class HttpService:
    """Serves in a background thread between `start()` and `stop()` (or as a context)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8088,
        posts: Mapping[str, PostRoute] | None = None,
        health: HealthProbe | None = None,
        metrics: Exposition | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        deadline: float = DEFAULT_DEADLINE,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.max_connections = max_connections
        self._server.slots = threading.BoundedSemaphore(max_connections)
        self._server.posts = dict(posts or {})
        self._server.health = health
        self._server.metrics = metrics
        self._server.max_body = max_body
        self._server.deadline = deadline
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://{host}:{self.port}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            # A short poll so stop() returns at once (the default waits up to 0.5 s).
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="http-service",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever: only if it runs
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
