"""Issue 14's "done when", on the fakes: a pull request with `Fixes #N` is opened, merged,
deployed to staging, then to production, and the item walks in_review -> ready_for_staging
-> in_staging -> done on GitHub and on Jira, with one stage event per move at the delivery's
own time: through the nightly sync's REST read (webhooks off), and through signed webhooks.
An older deployment never moves an item back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.delivery.conftest import sync
from tracker_bridge.adapters.github.mapping import load_mapping as github_mapping
from tracker_bridge.adapters.jira.mapping import load_mapping as jira_mapping
from tracker_bridge.delivery.record import record_webhook
from tracker_bridge.model import Stage
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.webhooks import Dispatcher, Target, WebhookReceiver

ITEM = "ingestion.rotten-tomatoes"  # in_progress in the example roadmap
HOOK_SECRET = "delivery-hook-secret"


def stages_on_trackers(sandbox: Sandbox, item: str) -> tuple[str, list[str], str]:
    """Jira's status, GitHub's stage labels and GitHub's state, as a person sees them."""
    jira = sandbox.jira.issue_json(sandbox.jira_key(item))["fields"]["status"]["name"]
    number = sandbox.github_number(item)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    labels = [x["name"] for x in issue["labels"] if x["name"].startswith("stage:")]
    return jira, labels, issue["state"]


def expected(stage: Stage) -> tuple[str, list[str], str]:
    jira = jira_mapping(None).target_status(stage)
    if stage is Stage.DONE:  # labels mode: done is a closed issue (completed)
        return jira, [], "closed"
    return jira, [github_mapping(None).labels.stages[stage]], "open"


def stage_events(sandbox: Sandbox, item: str) -> list[tuple[str, datetime]]:
    with Store.open(sandbox_store_url(sandbox)) as store:
        events = store.events(sandbox.project, kinds=["stage_changed"], item_id=item)
    return [(e.data["to"], e.at) for e in events]


def sandbox_store_url(sandbox: Sandbox) -> str:
    from tracker_bridge.config import load_settings

    return load_settings(sandbox.config_path).store.url


def walk(sandbox: Sandbox, then: Callable[[], None]) -> list[tuple[Stage, datetime]]:
    """Open, merge, deploy to staging and production, a fake hour apart; `then()` after
    each step (a sync, or nothing when webhooks deliver); when each step happened on GitHub."""
    gh, repo = sandbox.github, sandbox.github_repo
    state = gh.state.repo(repo)
    assert state is not None
    number = sandbox.github_number(ITEM)
    times: list[tuple[Stage, datetime]] = []
    gh.clock.advance(3600)
    pull = gh.open_pull_request(repo, "Scrape Rotten Tomatoes", body=f"Fixes #{number}")
    times.append((Stage.IN_REVIEW, _second(state.issues[pull].created_at)))
    then()
    gh.clock.advance(3600)
    gh.merge_pull_request(repo, pull)
    merged_at = state.pulls[pull].merged_at
    assert merged_at is not None
    times.append((Stage.READY_FOR_STAGING, _second(merged_at)))
    then()
    for environment, stage in (("staging", Stage.IN_STAGING), ("production", Stage.DONE)):
        gh.clock.advance(3600)
        deployment = gh.deploy(repo, environment)
        times.append((stage, _second(state.deployments[deployment].statuses[-1].created_at)))
        then()
    return times


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)  # GitHub's times are to the second


def check_walk(
    sandbox: Sandbox, seen: list[tuple[str, list[str], str]], times: list[Any]
) -> None:
    assert seen == [expected(stage) for stage, _ in times]
    events = stage_events(sandbox, ITEM)
    assert [(Stage(to), at) for to, at in events] == times  # one event per move, its own time


def test_the_nightly_sync_moves_the_item_through_delivery(sandbox: Sandbox) -> None:
    sync(sandbox)  # seed both trackers
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.IN_PROGRESS)
    seen: list[tuple[str, list[str], str]] = []

    def nightly() -> None:
        report = sync(sandbox)
        assert report.ok, report.summary()
        seen.append(stages_on_trackers(sandbox, ITEM))

    times = walk(sandbox, nightly)
    check_walk(sandbox, seen, times)
    # A quiet night afterwards reads nothing new and moves nothing.
    quiet = sync(sandbox)
    assert quiet.summary()["moved"] == 0


def test_an_older_deployment_never_moves_an_item_back(sandbox: Sandbox) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    first = gh.merge_pull_request(
        repo, gh.open_pull_request(repo, "Scrape", body=f"Fixes #{sandbox.github_number(ITEM)}")
    )
    gh.deploy(repo, "production")
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.DONE)
    # A redeploy of an older commit to staging, and a staging deploy that reports late.
    gh.clock.advance(60)
    gh.deploy(repo, "staging", ref=first)
    report = sync(sandbox)
    assert report.summary()["moved"] == 0
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.DONE)
    assert [to for to, _ in stage_events(sandbox, ITEM)] == ["done"]


def test_a_manual_move_after_a_delivery_move_stands(sandbox: Sandbox) -> None:
    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    gh.merge_pull_request(
        repo, gh.open_pull_request(repo, "Scrape", body=f"Fixes #{sandbox.github_number(ITEM)}")
    )
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    sandbox.jira_move(ITEM, Stage.IN_PROGRESS)  # the reviewer found a problem after merging
    sync(sandbox)
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.IN_PROGRESS)


@pytest.fixture
def receiver(sandbox: Sandbox) -> Iterator[tuple[WebhookReceiver, list[str]]]:
    """The webhook endpoint `serve --webhooks` runs, with this sandbox's GitHub target; a
    queued sync is recorded (the test runs it, as the scheduler would after its debounce)."""
    queued: list[str] = []
    target = Target(sandbox.project, sandbox.github_tracker, SecretStr(HOOK_SECRET))
    store = Store.open(sandbox_store_url(sandbox))

    def facts(project: str, tracker: str, event: str | None, payload: Any) -> int:
        return record_webhook(store, project, tracker, event, payload)

    dispatcher = Dispatcher([target], queued.append, store.record_delivery, facts)
    try:
        with WebhookReceiver(dispatcher, port=0) as running:
            yield running, queued
    finally:
        store.close()


def test_webhooks_move_the_item_right_away(
    sandbox: Sandbox, receiver: tuple[WebhookReceiver, list[str]]
) -> None:
    running, queued = receiver
    sync(sandbox)
    sandbox.github.add_webhook(f"{running.url}/webhooks/github", HOOK_SECRET)
    seen: list[tuple[str, list[str], str]] = []

    def queued_sync() -> None:
        assert queued, "the delivery queued no sync"
        queued.clear()
        sync(sandbox)
        seen.append(stages_on_trackers(sandbox, ITEM))

    times = walk(sandbox, queued_sync)
    assert all(d.status == 202 for d in sandbox.github.hooks.sent), [
        (d.event, d.status) for d in sandbox.github.hooks.sent
    ]
    check_walk(sandbox, seen, times)


def test_a_missed_webhook_is_caught_up_by_the_nightly_read(
    sandbox: Sandbox, receiver: tuple[WebhookReceiver, list[str]]
) -> None:
    running, _ = receiver
    sync(sandbox)
    hook = sandbox.github.add_webhook(f"{running.url}/webhooks/github", HOOK_SECRET)
    gh, repo = sandbox.github, sandbox.github_repo
    pull = gh.open_pull_request(repo, "Scrape", body=f"Fixes #{sandbox.github_number(ITEM)}")
    hook.active = False  # GitHub does not retry: this merge's delivery is lost
    gh.merge_pull_request(repo, pull)
    hook.active = True
    sync(sandbox)
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
    assert httpx.get(f"{running.url}/healthz", timeout=5).status_code == 200


def test_a_night_whose_deliveries_cannot_be_read_still_syncs_the_issues(
    sandbox: Sandbox,
) -> None:
    """GitHub's pull request listing is down for a night (a 503 on every try): the issues
    still sync (a move in Jira reaches GitHub), the run says which reads it skipped, and the
    next night reads the merge it missed."""
    from tracker_bridge.testing.server import FaultRule

    sync(sandbox)
    gh, repo = sandbox.github, sandbox.github_repo
    gh.merge_pull_request(
        repo, gh.open_pull_request(repo, "Scrape", body=f"Fixes #{sandbox.github_number(ITEM)}")
    )
    gh.faults.add(FaultRule("error", status=503, method="GET", path=r"/pulls$"))
    sandbox.jira_move(ITEM, Stage.IN_REVIEW)  # a person's move, meanwhile
    night = sync(sandbox)
    skips = [s for s in night.plan.skips if s.item_id == "deliveries"]
    assert [s.tracker for s in skips] == [sandbox.github_tracker], night.summary()
    assert "read again next run" in skips[0].reason
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.IN_REVIEW)  # the issue synced
    gh.faults.clear()

    caught_up = sync(sandbox)
    assert not [s for s in caught_up.plan.skips if s.item_id == "deliveries"]
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)
