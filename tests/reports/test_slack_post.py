from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from pydantic import SecretStr

from tracker_bridge.reports.render_slack import render_slack
from tracker_bridge.reports.slack_post import SlackPostError, post_to_slack
from tracker_bridge.testing.server import FakeServer, FaultRule, HTTPError, Request, Response

from .test_render import _report

HOOK = "/services/T000/B000/s3cr3t"


class FakeSlack(FakeServer):
    """An incoming webhook: answers `ok` as text, like Slack does."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []
        self.route("POST", HOOK, self._hook)
        self.route("POST", "/services/{rest:path}", self._unknown)

    def _hook(self, request: Request) -> Response:
        self.received.append(request.json())
        return Response(200, b"ok", {"Content-Type": "text/plain"})

    def _unknown(self, request: Request) -> Response:
        raise HTTPError(404, b"no_service", {"Content-Type": "text/plain"})


@pytest.fixture(scope="module")
def server() -> Any:
    with FakeSlack() as fake:  # one server per module: shutting one down takes 0.5 s
        yield fake


@pytest.fixture
def slack(server: FakeSlack) -> FakeSlack:
    server.faults.clear()
    server.stats.reset()
    server.received.clear()
    return server


def test_posts_blocks_and_fallback_text(slack: FakeSlack) -> None:
    message = render_slack(_report())
    post_to_slack(SecretStr(slack.url + HOOK), message)
    [body] = slack.received
    assert body["text"] == message.text
    assert body["blocks"] == message.to_dict()["blocks"]


def test_waits_out_a_429_then_posts(slack: FakeSlack) -> None:
    slack.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=1, count=1))
    post_to_slack(SecretStr(slack.url + HOOK), {"text": "hello"})
    assert [b["text"] for b in slack.received] == ["hello"]
    assert slack.stats.snapshot()["by_status"] == {"429": 1, "200": 1}


def test_gives_up_after_repeated_429s(slack: FakeSlack) -> None:
    slack.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=0))
    with pytest.raises(SlackPostError, match=r"^Slack webhook answered HTTP 429") as info:
        post_to_slack(SecretStr(slack.url + HOOK), {"text": "hello"}, retries=1)
    assert "s3cr3t" not in str(info.value)


def test_error_is_one_line_without_the_url(slack: FakeSlack) -> None:
    url = slack.url + "/services/T000/B000/wrong"
    with pytest.raises(SlackPostError) as info:
        post_to_slack(SecretStr(url), {"text": "hello"})
    assert str(info.value) == "Slack webhook answered HTTP 404: no_service"
    assert info.value.lines() == [str(info.value)]


def test_unreachable_webhook_does_not_leak_the_url() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}{HOOK}"
    with pytest.raises(SlackPostError, match=r"^posting to Slack failed") as info:
        post_to_slack(SecretStr(url), {"text": "hello"}, timeout=2)
    assert "s3cr3t" not in str(info.value) and str(port) not in json.dumps(str(info.value))
