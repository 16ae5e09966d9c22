"""Senders the receiver does not control, all on 127.0.0.1 and bounded: a burst of
simultaneous deliveries, a sender trickling its request, and hundreds of slow connections
beside a healthy delivery."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tracker_bridge.store import Store
from tracker_bridge.webhooks import Dispatcher, WebhookReceiver, sign

from .conftest import GITHUB_SECRET, TARGETS, github_payload

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[WebhookReceiver]:
    queued: list[str] = []
    with (
        Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store,
        WebhookReceiver(
            Dispatcher(TARGETS, queued.append, store.record_delivery), port=0, deadline=2.0,
            max_connections=400,  # room for the bursts below; the cap has its own test
        ) as running,
    ):
        yield running


def _address(receiver: WebhookReceiver) -> tuple[str, int]:
    return "127.0.0.1", receiver.port


def _signed_request(delivery: str) -> bytes:
    body = json.dumps(github_payload()).encode()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Delivery: {delivery}\r\nX-GitHub-Event: issues\r\n"
        f"X-Hub-Signature-256: {sign(GITHUB_SECRET, body)}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def _status(conn: socket.socket) -> int:
    first = conn.recv(100).split(b"\r\n", 1)[0]  # HTTP/1.1 202 Accepted
    return int(first.split()[1])


def test_200_simultaneous_signed_deliveries_are_all_answered(receiver: WebhookReceiver) -> None:
    """GitHub and Jira send in bursts (a bulk edit is one delivery per issue)."""
    senders = 200
    start = threading.Barrier(senders)
    statuses: list[int | str] = []

    def send(number: int) -> None:
        request = _signed_request(f"burst-{number}")
        start.wait()
        try:
            with socket.create_connection(_address(receiver), timeout=10) as conn:
                conn.sendall(request)
                statuses.append(_status(conn))
        except OSError as exc:
            statuses.append(type(exc).__name__)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses, key=str) == [202] * senders


def test_a_sender_trickling_its_request_is_cut_off_at_the_deadline(
    receiver: WebhookReceiver,
) -> None:
    request = _signed_request("trickle")
    with socket.create_connection(_address(receiver), timeout=10) as conn:
        started = time.monotonic()
        closed_after = None
        for byte in request:  # one byte every 0.1 s: each read is quick, the whole is not
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - started
                break
            time.sleep(0.1)
            if time.monotonic() - started > 8:
                break
        if closed_after is None:  # the server may have closed while we were sleeping
            conn.settimeout(1)
            try:
                closed = conn.recv(100) == b""
            except OSError:
                closed = True
            closed_after = time.monotonic() - started if closed else None
    assert closed_after is not None and closed_after < 4, "the slow sender held the connection"


def test_a_healthy_delivery_is_answered_at_once_beside_300_slow_connections(
    receiver: WebhookReceiver,
) -> None:
    with ExitStack() as slow:
        stalled = []
        for _ in range(300):  # each sends half a request line and stalls
            conn = slow.enter_context(socket.create_connection(_address(receiver), timeout=10))
            conn.sendall(b"POST /webhooks/github HT")
            stalled.append(conn)
        opened = started = time.monotonic()
        answer = httpx.post(
            f"{receiver.url}/webhooks/github",
            content=json.dumps(github_payload()).encode(),
            headers={
                "X-Hub-Signature-256": sign(GITHUB_SECRET, json.dumps(github_payload()).encode()),
                "X-GitHub-Delivery": "healthy",
            },
            timeout=5,
        )
        took = time.monotonic() - started
        assert answer.status_code == 202
        assert took < 1.0, f"answered after {took:.2f} s"
        assert httpx.get(f"{receiver.url}/healthz", timeout=5).status_code == 200
        # And the stalled connections are closed at their deadline (2 s), not held on.
        for conn in stalled:
            conn.settimeout(max(0.1, opened + 4 - time.monotonic()))
            try:
                assert conn.recv(100) == b""
            except TimeoutError:
                pytest.fail("a stalled connection outlived its deadline")


def test_connections_beyond_the_cap_get_503_at_once_and_a_freed_slot_serves_again(
    tmp_path: Path,
) -> None:
    """A flood of connections that send nothing (a port scan, a slowloris) fills the cap of
    8: the next delivery is answered 503 with Retry-After at once, not given a thread; when
    they go, deliveries are accepted again."""
    body = json.dumps(github_payload()).encode()

    def deliver(receiver: WebhookReceiver, delivery: str) -> httpx.Response:
        return httpx.post(
            f"{receiver.url}/webhooks/github",
            content=body,
            headers={"X-Hub-Signature-256": sign(GITHUB_SECRET, body),
                     "X-GitHub-Delivery": delivery},
            timeout=5,
        )

    with (
        Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store,
        WebhookReceiver(
            Dispatcher(TARGETS, lambda _p: None, store.record_delivery), port=0, deadline=5.0,
            max_connections=8,
        ) as receiver,
    ):
        with ExitStack() as flood:
            for _ in range(8):
                conn = flood.enter_context(socket.create_connection(_address(receiver), 10))
                conn.sendall(b"POST /webhooks/github HT")
            deadline = time.monotonic() + 5  # until every one of them holds its slot
            while deliver(receiver, "probe").status_code != 503:
                assert time.monotonic() < deadline, "the flood was never refused"
            refused = []
            for n in range(12):  # more than the cap again: each refused, none queued
                started = time.monotonic()
                answer = deliver(receiver, f"refused-{n}")
                refused.append((answer.status_code, answer.headers.get("retry-after"),
                                time.monotonic() - started))
            assert {(status, retry) for status, retry, _ in refused} == {(503, "1")}
            # At once: well before the 5 s a held connection would take (2 s on a busy CI).
            assert max(took for _, _, took in refused) < 2.0
        deadline = time.monotonic() + 5  # the flood hung up: its threads end, slots free
        while (answer := deliver(receiver, "after")).status_code == 503:
            assert time.monotonic() < deadline, "slots were not given back"
            time.sleep(0.05)
        assert answer.status_code == 202
