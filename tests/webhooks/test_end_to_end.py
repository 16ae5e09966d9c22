"""End to end: a card moved in the fake Jira, Jira's signed webhook to the receiver, the
debounced sync queued on a real APScheduler, and the GitHub issue moves."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler

from tracker_bridge.config import load_settings
from tracker_bridge.errors import UserError
from tracker_bridge.model import Stage
from tracker_bridge.scheduler import configure, queue_sync, run_queued_sync, run_sync
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.webhooks import WebhookReceiver, open_receiver, sign, targets_from_settings

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
JIRA_ENV, GITHUB_ENV = "TB_TEST_JIRA_WEBHOOK_SECRET", "TB_TEST_GITHUB_WEBHOOK_SECRET"
JIRA_SECRET = "e2e-jira-hook-secret"
ITEM = "ingestion.rotten-tomatoes"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as running:
        for name, value in {**running.environ, JIRA_ENV: JIRA_SECRET}.items():
            monkeypatch.setenv(name, value)
        text = running.config_text()
        for tracker, env in ((running.jira_tracker, JIRA_ENV), (running.github_tracker, None)):
            line = f"tracker = {json.dumps(tracker)}\n"
            extra = f"webhook_secret_env = {json.dumps(env)}\n" if env else ""
            text = text.replace(line, line + extra, 1)
        running.config_path.write_text(text)
        yield running


def _jira_delivery(receiver: WebhookReceiver, sandbox: Sandbox, delivery: str) -> httpx.Response:
    key = sandbox.jira_key(ITEM)
    body = json.dumps(
        {
            "webhookEvent": "jira:issue_updated",
            "issue": {"key": key, "fields": {"project": {"key": sandbox.jira_project}}},
            "changelog": {"items": [{"field": "status", "toString": "In Review"}]},
        }
    ).encode()
    headers = {
        "X-Hub-Signature": sign(JIRA_SECRET, body),
        "X-Atlassian-Webhook-Identifier": delivery,
    }
    return httpx.post(f"{receiver.url}/webhooks/jira", content=body, headers=headers, timeout=5)


def test_a_jira_move_reaches_github_through_the_webhook(sandbox: Sandbox) -> None:
    config = str(sandbox.config_path)
    assert run_sync(config, sandbox.project) is not None  # seed both trackers
    sandbox.jira_move(ITEM, Stage.IN_REVIEW)

    settings = load_settings(sandbox.config_path)
    scheduler = BackgroundScheduler()
    done = threading.Event()
    results: list[JobExecutionEvent] = []

    def finished(event: JobExecutionEvent) -> None:
        results.append(event)
        done.set()

    scheduler.add_listener(finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)  # paused: both deliveries land before anything runs
    store = Store.open(settings.store.url)
    receiver = open_receiver(
        settings, store, lambda p: queue_sync(scheduler, config, p, debounce=0.2), port=0
    )
    try:
        with receiver:
            first = _jira_delivery(receiver, sandbox, "delivery-1")
            burst = _jira_delivery(receiver, sandbox, "delivery-2")
            retry = _jira_delivery(receiver, sandbox, "delivery-1")
            assert (first.status_code, burst.status_code) == (202, 202), first.text
            assert first.json() == {
                "status": "queued",
                "project": sandbox.project,
                "projects": [sandbox.project],
            }
            assert retry.json() == {"status": "duplicate"}
            # The burst is one job, not two.
            assert [job.id for job in scheduler.get_jobs()] == [f"webhook-sync:{sandbox.project}"]
            scheduler.resume()
            assert done.wait(30), "the queued sync did not run"
    finally:
        scheduler.shutdown(wait=True)
        store.close()
    assert [event.exception for event in results] == [None]
    assert results[0].retval is not None and results[0].retval["moved"] == 1
    number = sandbox.github_number(ITEM)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    assert "stage:in-review" in {label["name"] for label in issue["labels"]}


def test_secrets_come_from_the_environment_and_a_missing_one_stops_start_up(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(sandbox.config_path)
    targets = {t.tracker: t for t in targets_from_settings(settings)}
    jira_secret = targets[sandbox.jira_tracker].secret
    assert jira_secret is not None and jira_secret.get_secret_value() == JIRA_SECRET
    assert targets[sandbox.github_tracker].secret is None
    assert JIRA_SECRET not in repr(settings) and JIRA_SECRET not in repr(targets)
    monkeypatch.delenv(JIRA_ENV)
    monkeypatch.setenv("TB_SECRETS_DIR", str(sandbox.directory / "no-secrets"))
    with pytest.raises(UserError, match=JIRA_ENV):
        targets_from_settings(load_settings(sandbox.config_path))


def test_a_webhook_secret_in_the_config_file_is_refused(sandbox: Sandbox) -> None:
    text = sandbox.config_path.read_text()
    sandbox.config_path.write_text(
        text.replace(f'webhook_secret_env = "{JIRA_ENV}"', 'webhook_secret = "plain"')
    )
    with pytest.raises(UserError) as refused:
        load_settings(sandbox.config_path)
    assert "plain" not in str(refused.value) + "".join(map(str, refused.value.problems))


def test_webhook_settings_default_off_on_loopback(sandbox: Sandbox) -> None:
    settings = load_settings(sandbox.config_path)
    hooks = settings.webhooks
    assert (hooks.enabled, hooks.debounce_seconds) == (False, 5.0)
    assert settings.listen_address == ("127.0.0.1", 8088)


def test_the_listen_address_comes_from_serve_then_the_older_webhooks_keys(
    sandbox: Sandbox,
) -> None:
    text = sandbox.config_text()
    older = text + '\n[webhooks]\nhost = "0.0.0.0"\nport = 9000\n'
    sandbox.config_path.write_text(older)
    assert load_settings(sandbox.config_path).listen_address == ("0.0.0.0", 9000)
    sandbox.config_path.write_text(older + '\n[serve]\nport = 9100\n')
    assert load_settings(sandbox.config_path).listen_address == ("0.0.0.0", 9100)
    environ = {"TB_SERVE__HOST": "127.0.0.2", "TB_SERVE__PORT": "9200"}
    assert load_settings(sandbox.config_path, environ=environ).listen_address == (
        "127.0.0.2",
        9200,
    )


def test_queued_syncs_live_beside_the_nightly_jobs_in_the_job_store(sandbox: Sandbox) -> None:
    config = sandbox.config_path
    scheduler = BackgroundScheduler()
    configure(scheduler, load_settings(config), config)
    scheduler.start(paused=True)
    try:
        start = datetime.now(UTC)
        queue_sync(scheduler, str(config), sandbox.project, debounce=60, now=start)
        later = start + timedelta(seconds=30)
        queue_sync(scheduler, str(config), sandbox.project, debounce=60, now=later)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {f"sync:{sandbox.project}", f"webhook-sync:{sandbox.project}"}
        queued = jobs[f"webhook-sync:{sandbox.project}"]
        # The later delivery pushed the one sync back: debounced after the last of the burst.
        assert queued.next_run_time == later + timedelta(seconds=60)
        assert list(queued.args) == [str(config), sandbox.project]
    finally:
        scheduler.shutdown(wait=False)


def test_a_queued_sync_waits_for_a_running_one_instead_of_being_skipped(
    sandbox: Sandbox,
) -> None:
    settings = load_settings(sandbox.config_path)
    held, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with Store.open(settings.store.url) as store, store.project_lock(sandbox.project):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert held.wait(10)
    try:
        # Busy for longer than it may wait: skipped (and logged), nothing written.
        assert run_queued_sync(str(sandbox.config_path), sandbox.project, lock_wait=0.2) is None
        threading.Timer(1.0, release.set).start()
        summary = run_queued_sync(str(sandbox.config_path), sandbox.project, lock_wait=30)
    finally:
        release.set()
        holder.join()
    assert summary is not None and summary["failures"] == []
    assert sum(sandbox.counts().values()) > 0
