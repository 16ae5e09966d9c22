"""`serve`'s HTTP endpoint: /healthz tells a container runtime the truth, /metrics is scraped
(and parsed) as Prometheus would, from a real `serve` process and after real syncs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from prometheus_client.parser import text_string_to_metric_families

from tests.processes import line_reader, next_line
from tracker_bridge.model import Stage
from tracker_bridge.scheduler import run_sync, sync_project
from tracker_bridge.service.health import probe
from tracker_bridge.service.http import HttpService
from tracker_bridge.service.metrics import METRICS
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import GITHUB_TOKEN_ENV, Sandbox
from tracker_bridge.testing.server import FaultRule

from .conftest import EXAMPLE, Cli

SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _scrape(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = httpx.get(f"{url}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return _samples(response.text)


def _wait_for(url: str, status: int) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        response = httpx.get(f"{url}/healthz", timeout=5)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


@pytest.mark.slow
def test_serve_answers_healthz_and_metrics(
    sandbox: Sandbox,
) -> None:
    assert run_sync(str(sandbox.config_path), sandbox.project) is not None  # seeded last night
    process = subprocess.Popen(
        [SCRIPT, "serve", "-c", str(sandbox.config_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **sandbox.environ},
    )
    out, err = line_reader(process.stdout), line_reader(process.stderr)
    try:
        assert next_line(out).strip() == f"scheduled sync:{sandbox.project}"
        line = next_line(out).strip()
        assert line.startswith("health at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split("/healthz", 1)[0]
        ready = _wait_for(url, 200)
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ok", "store": "ok", "scheduler": "running"}
        samples = _scrape(url)
        project = frozenset({("project", sandbox.project)})
        # Primed from the store: the board and the last good sync, before any sync here.
        stages = {
            dict(labels)["stage"]: value
            for (name, labels), value in samples.items()
            if name == "tracker_bridge_items" and ("project", sandbox.project) in labels
        }
        assert sum(stages.values()) == sandbox.counts()[sandbox.jira_tracker]
        assert samples[("tracker_bridge_last_successful_sync_timestamp_seconds", project)] > (
            time.time() - 600
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    log = "".join(iter(err.get, ""))
    assert process.returncode == 0, log
    assert "Context impl" not in log  # Alembic's chatter is filtered
    for secret in sandbox.environ.values():
        assert secret not in log


def test_healthz_is_503_until_the_scheduler_runs(tmp_path: Path) -> None:
    scheduler = BackgroundScheduler()
    with (
        Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store,
        HttpService(port=0, health=lambda: probe(store, scheduler)) as service,
    ):
        before = httpx.get(f"{service.url}/healthz", timeout=5)
        scheduler.start()
        try:
            running = httpx.get(f"{service.url}/healthz", timeout=5)
        finally:
            scheduler.shutdown(wait=False)
    assert before.status_code == 503 and before.json()["scheduler"] == "stopped"
    assert running.status_code == 200


def test_healthz_is_503_when_the_sqlite_file_is_gone_under_a_pooled_connection(
    tmp_path: Path,
) -> None:
    scheduler = BackgroundScheduler()
    scheduler.start()
    try:
        with Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store:
            assert probe(store, scheduler).status == 200
            (tmp_path / "state.sqlite").rename(tmp_path / "elsewhere.sqlite")
            moved = probe(store, scheduler)
    finally:
        scheduler.shutdown(wait=False)
    assert moved.status == 503 and moved.body["store"] == "unreachable (file gone)"


def test_healthz_is_503_when_the_store_does_not_answer(tmp_path: Path) -> None:
    scheduler = BackgroundScheduler()
    scheduler.start()
    try:
        with Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store:
            assert probe(store, scheduler).status == 200
            # The volume is lost and the connections with it: a reconnect finds no store.
            for path in tmp_path.glob("state.sqlite*"):
                path.unlink()
            store.engine.dispose()
            lost = probe(store, scheduler)
    finally:
        scheduler.shutdown(wait=False)
    assert lost.status == 503
    assert lost.body == {
        "status": "unavailable",
        "store": "unreachable (OperationalError)",
        "scheduler": "running",
    }


def test_metrics_count_syncs_failures_requests_and_the_board(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = cli.sandbox
    project = sandbox.project
    with HttpService(port=0, metrics=METRICS.exposition) as service:
        before = _scrape(service.url)
        assert sync_project(cli.config, project).exit_code == 0  # the seed
        # The team crowds staging (WIP limit 2) in Jira; the next night mirrors it.
        crowd = ("infra.terraform-staging", "infra.terraform-prod", "ingestion.reviews-scraper")
        for item in crowd:
            sandbox.jira_move(item, Stage.IN_STAGING)
        assert sync_project(cli.config, project).exit_code == 0
        monkeypatch.setenv(GITHUB_TOKEN_ENV, "revoked")  # then the GitHub token is revoked
        cli.secrets.add("revoked")
        assert sync_project(cli.config, project).exit_code == 2
        after = _scrape(service.url)

    def value(name: str, **labels: str) -> float:
        return after.get((name, frozenset({"project": project, **labels}.items())), 0.0)

    def delta(name: str, **labels: str) -> float:
        key = (name, frozenset({"project": project, **labels}.items()))
        return value(name, **labels) - before.get(key, 0.0)

    assert delta("tracker_bridge_syncs_total") == 3
    assert delta("tracker_bridge_sync_failures_total") == 1
    for tracker in (sandbox.jira_tracker, sandbox.github_tracker):
        assert delta("tracker_bridge_tracker_requests_total", tracker=tracker) > 0
    github = {"tracker": sandbox.github_tracker}
    assert delta("tracker_bridge_rate_limit_wait_seconds_total", **github) >= 0
    with cli.store() as store:
        items = store.get_items(project).values()
    for stage in Stage:
        expected = sum(1 for item in items if item.stage is stage)
        assert value("tracker_bridge_items", stage=stage.value) == expected
    assert value("tracker_bridge_items", stage="in_staging") >= 3
    assert value("tracker_bridge_wip_breaches") >= 1
    last_good = value("tracker_bridge_last_successful_sync_timestamp_seconds")
    assert time.time() - 600 < last_good <= time.time()


def test_metrics_count_jira_rate_limit_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jira Cloud answers a burst with 429 and Retry-After: the sync waits it out, and
    /metrics says how often and how long, per tracker, as it does for GitHub's pacing."""
    cap = 0.2  # seconds per wait (the option a team sets to bound a Retry-After)
    options = {"rate_limit_max_wait": cap}
    with Sandbox(tmp_path / "sandbox", EXAMPLE, jira_options=options) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        project, jira = sandbox.project, {"tracker": sandbox.jira_tracker}
        with HttpService(port=0, metrics=METRICS.exposition) as service:
            before = _scrape(service.url)
            sandbox.jira.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=30,
                                              count=3))
            assert sync_project(str(sandbox.config_path), project).exit_code == 0
            after = _scrape(service.url)

    def delta(name: str) -> float:
        key = (name, frozenset({"project": project, **jira}.items()))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("tracker_bridge_rate_limit_waits_total") == 3
    assert delta("tracker_bridge_rate_limit_wait_seconds_total") == pytest.approx(3 * cap)
