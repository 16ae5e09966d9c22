"""The sprint-summary job: registered from `summary_schedule`, posts Block Kit to Slack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tracker_bridge.config import load_settings
from tracker_bridge.scheduler import configure, post_summary, run_sync
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FakeServer, Request, Response

HOOK = "/services/T000/B000/summary-secret"


class FakeSlack(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []
        self.route("POST", HOOK, self._hook)

    def _hook(self, request: Request) -> Response:
        self.received.append(request.json())
        return Response(200, b"ok", {"Content-Type": "text/plain"})


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def _with_summary(sandbox: Sandbox, cron: str | None) -> str:
    text = sandbox.config_text().replace(
        "[[projects]]\n", '[slack]\nwebhook_env = "TB_TEST_SLACK_URL"\n\n[[projects]]\n', 1
    )
    if cron:
        text = text.replace(
            f'name = "{sandbox.project}"\n',
            f'name = "{sandbox.project}"\nsummary_schedule = "{cron}"\n',
        )
    path = sandbox.directory / "summary.toml"
    path.write_text(text)
    return str(path)


def test_summary_schedule_adds_a_job_beside_the_nightly_sync(sandbox: Sandbox) -> None:
    config = _with_summary(sandbox, "0 9 * * 1-5")
    scheduler = BackgroundScheduler()
    ids = configure(scheduler, load_settings(Path(config)), Path(config))
    assert ids == [f"sync:{sandbox.project}", f"summary:{sandbox.project}"]


def test_post_summary_sends_the_active_sprint_to_slack(
    sandbox: Sandbox, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _with_summary(sandbox, None)
    secret_url = f"{slack.url}{HOOK}"
    monkeypatch.setenv("TB_TEST_SLACK_URL", secret_url)
    assert run_sync(config, sandbox.project) is not None
    inside_last_sprint = datetime(2026, 4, 19, 12, tzinfo=UTC)
    assert post_summary(config, sandbox.project, now=inside_last_sprint) is True
    [message] = slack.received
    assert message["text"] and len(message["blocks"]) <= 50
    assert any(block["type"] == "header" for block in message["blocks"])


def test_post_summary_without_a_webhook_logs_and_returns_false(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _with_summary(sandbox, None)
    monkeypatch.delenv("TB_TEST_SLACK_URL", raising=False)
    assert post_summary(config, sandbox.project) is False
    assert "not posted" in caplog.text or "no Slack webhook" in caplog.text


def test_the_scheduled_summary_is_the_report_sprint_slack_prints(
    sandbox: Sandbox, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The 09:00 Slack post and a scrum master's `report sprint --format slack` agree:
    one report, from the same reads and the project's settings (the post once replayed
    every event of the project, and left the project's settings out)."""
    import json

    from tracker_bridge.cli import main

    config = _with_summary(sandbox, None)
    monkeypatch.setenv("TB_TEST_SLACK_URL", f"{slack.url}{HOOK}")
    assert run_sync(config, sandbox.project) is not None
    inside_last_sprint = datetime(2026, 4, 19, 12, tzinfo=UTC)
    assert post_summary(config, sandbox.project, now=inside_last_sprint) is True
    capsys.readouterr()
    assert main(["report", "sprint", "--format", "slack", "--config", config,
                 "--now", inside_last_sprint.isoformat()]) == 0
    assert slack.received == [json.loads(capsys.readouterr().out)]
