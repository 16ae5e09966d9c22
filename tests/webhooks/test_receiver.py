"""The receiver over real HTTP: signatures, dedup, routing errors, limits. Nothing is queued
unless the delivery is signed by the target's secret and new."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest

from tracker_bridge.webhooks import sign
from tracker_bridge.webhooks.dispatch import REFUSED

from .conftest import GITHUB_SECRET, JIRA_SECRET, Client, github_payload, jira_payload


def test_healthz(client: Client) -> None:
    response = httpx.get(f"{client.receiver.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("source", "payload", "secret"),
    [("github", github_payload(), GITHUB_SECRET), ("jira", jira_payload(), JIRA_SECRET)],
)
def test_a_signed_delivery_queues_a_sync_of_its_project(
    client: Client, source: str, payload: object, secret: str
) -> None:
    response = client.post(source, payload, secret=secret)
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["project"] == "trending-now"
    assert client.queued == ["trending-now"]


@pytest.mark.parametrize(
    ("source", "payload", "secret"),
    [("github", github_payload(), JIRA_SECRET), ("jira", jira_payload(), GITHUB_SECRET)],
)
def test_invalid_or_missing_signatures_are_401_and_queue_nothing(
    client: Client, source: str, payload: object, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = client.post(source, payload, secret=secret)  # the other tracker's secret
    assert wrong.status_code == 401 and wrong.json() == REFUSED.body
    missing = client.post(source, payload, delivery="d-2")
    assert missing.status_code == 401 and missing.json() == REFUSED.body
    garbage = client.post(source, payload, delivery="d-3", signature="sha256=00ff")
    assert garbage.status_code == 401
    assert client.queued == []
    # A refused delivery is not remembered: the genuine one with its id still gets through.
    real = {"github": GITHUB_SECRET, "jira": JIRA_SECRET}[source]
    assert client.post(source, payload, secret=real).status_code == 202
    for secret_value in (GITHUB_SECRET, JIRA_SECRET, sign(secret, b"x")[7:]):
        assert secret_value not in caplog.text
    assert "sha256=" not in caplog.text


def test_a_signature_over_other_bytes_is_refused(client: Client) -> None:
    body = b'{"repository": {"full_name": "acme/trending-now"}}'
    signature = sign(GITHUB_SECRET, body)
    tampered = body.replace(b"}}", b'}, "x": 1}')
    response = client.post("github", tampered, signature=signature)
    assert response.status_code == 401 and client.queued == []


def test_a_redelivery_is_a_duplicate_and_queues_nothing(client: Client) -> None:
    first = client.post("jira", jira_payload(), secret=JIRA_SECRET, delivery="jira-42")
    again = client.post("jira", jira_payload(), secret=JIRA_SECRET, delivery="jira-42")
    assert first.status_code == 202
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert client.queued == ["trending-now"]
    # Ids are per source: GitHub's "jira-42" is another delivery.
    other = client.post("github", github_payload(), secret=GITHUB_SECRET, delivery="jira-42")
    assert other.status_code == 202


def test_unknown_repositories_and_unsigned_targets_get_the_same_401_as_a_bad_signature(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing in the answer tells a sender which repositories or projects are configured,
    or which have a secret."""
    caplog.set_level(logging.WARNING, logger="tracker_bridge.webhooks")
    answers = [
        client.post("github", github_payload("acme/unknown"), secret=GITHUB_SECRET),
        client.post("github", github_payload("acme/unknown"), secret="a guess"),
        client.post("github", github_payload("acme/unknown")),
        client.post("jira", jira_payload("NOPE"), secret=JIRA_SECRET),
        client.post("github", github_payload("acme/no-secret"), secret="anything"),
        client.post("github", github_payload("acme/no-secret")),
        client.post("github", github_payload(), secret="a guess"),
        client.post("github", github_payload()),
    ]
    assert {(a.status_code, a.text) for a in answers} == {(401, json.dumps(REFUSED.body))}
    assert client.queued == []
    assert "signed with the secret of github:acme/trending-now but about another" in caplog.text


def test_an_unsigned_deeply_nested_body_is_never_parsed(
    client: Client, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    deep = b"[" * 4_900 + b"]" * 4_900  # under the body limit, past json's recursion limit
    for source in ("github", "jira"):
        answer = client.post(source, deep)
        assert answer.status_code == 401 and answer.json() == REFUSED.body
    assert "Traceback" not in caplog.text + capsys.readouterr().err


def test_a_signed_body_nesting_too_deep_is_400_without_a_traceback(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    deep = b'{"repository": {"full_name": "acme/trending-now"}, "x": ' + b"[" * 4_000
    deep += b'"[[[ in a string ]"' + b"]" * 4_000 + b"}"
    answer = client.post("github", deep, secret=GITHUB_SECRET)
    assert answer.status_code == 400
    assert answer.json() == {"error": "the body nests deeper than 64 levels"}
    assert "Traceback" not in caplog.text and client.queued == []
    # Brackets inside strings are text, not nesting.
    text = github_payload() | {"title": "[" * 1_000}
    assert client.post("github", text, secret=GITHUB_SECRET, delivery="d-9").status_code == 202


def test_an_oversized_body_is_413_unread(client: Client) -> None:
    big = github_payload() | {"padding": "x" * 20_000}
    response = client.post("github", big, secret=GITHUB_SECRET)
    assert response.status_code == 413 and client.queued == []


def test_bad_requests(client: Client) -> None:
    not_json = client.post("github", b"not json", secret=GITHUB_SECRET)
    assert not_json.status_code == 400
    elsewhere = httpx.post(f"{client.receiver.url}/webhooks/gitlab", content=b"{}")
    assert elsewhere.status_code == 404
    assert client.queued == []


def test_github_ping_is_answered_and_queues_nothing(client: Client) -> None:
    ping = client.post("github", github_payload(), secret=GITHUB_SECRET, event="ping")
    assert ping.status_code == 200 and ping.json() == {"status": "pong"}
    assert client.queued == []


def test_a_sender_hanging_up_mid_body_queues_nothing_and_prints_no_traceback(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    host, port = client.receiver.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(
            b'POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"repo'
        )
        conn.shutdown(socket.SHUT_WR)
        assert conn.recv(100) == b""  # closed without an answer
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.close()  # connect and vanish
    assert httpx.get(f"{client.receiver.url}/healthz").status_code == 200
    assert client.queued == []
    assert "Traceback" not in capsys.readouterr().err
