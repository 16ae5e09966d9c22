"""The HTTP side: `POST /webhooks/github`, `POST /webhooks/jira`, `GET /healthz` on a stdlib
`ThreadingHTTPServer` (no framework for three routes). Bodies are read whole, up to a limit,
because signatures are over the raw bytes."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from tracker_bridge.webhooks.dispatch import Answer, Dispatcher
from tracker_bridge.webhooks.routing import SOURCES, Source

log = logging.getLogger("tracker_bridge.webhooks")

DEFAULT_MAX_BODY = 1_000_000
PATHS: Mapping[str, Source] = {f"/webhooks/{source}": source for source in SOURCES}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck sender never keeps the process alive
    dispatcher: Dispatcher
    max_body: int

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that hung up or stalled past the timeout: one line, not socketserver's
        # traceback on stderr.
        log.warning("webhook connection from %s dropped: %r", client_address[0], sys.exc_info()[1])


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a sender trickling its body cannot hold a thread for long
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/healthz":
            self._reply(Answer(200, {"status": "ok"}))
        else:
            self._reply(Answer(404, {"error": "not found"}))

    def do_POST(self) -> None:
        source = PATHS.get(self.path.split("?", 1)[0])
        if source is None:
            self._reply(Answer(404, {"error": "not found"}), close=True)
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._reply(Answer(411, {"error": "Content-Length required"}), close=True)
            return
        if int(length) > self.server.max_body:
            log.warning("%s delivery refused: body of %s bytes is over the limit", source, length)
            self._reply(Answer(413, {"error": "body too large"}), close=True)
            return
        body = self.rfile.read(int(length))
        if len(body) < int(length):  # the sender hung up mid-body: nothing to answer
            log.warning("%s delivery dropped: the body ended early", source)
            self.close_connection = True
            return
        try:
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = self.server.dispatcher.handle(source, headers, body)
        except Exception:  # e.g. the store is down: let the sender retry (Jira does)
            log.exception("%s delivery failed", source)
            answer = Answer(503, {"error": "temporarily unavailable"})
        self._reply(answer)

    def _reply(self, answer: Answer, *, close: bool = False) -> None:
        data = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close:  # the unread body would otherwise be parsed as the next request
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (no headers, so never a signature), at debug level.
        log.debug("%s " + format, self.address_string(), *args)


class WebhookReceiver:
    """Serves in a background thread between `start()` and `stop()` (or as a context)."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        host: str = "127.0.0.1",
        port: int = 8088,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.dispatcher = dispatcher
        self._server.max_body = max_body
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
            name="webhook-receiver",
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
