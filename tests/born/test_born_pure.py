"""Pure parts: tracker-born ids, items from pulled values, adopt claims."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracker_bridge.model import Kind, RemoteRef, Stage, born_id, parse_claim
from tracker_bridge.reconcile.born import born_item, born_values, unmapped_skips
from tracker_bridge.tracker import RemoteItem

REF = RemoteRef(tracker="jira:TREND", key="TREND-37", remote_id="10037", url="u")


def test_ids_are_derived_from_the_key_once() -> None:
    assert born_id("jira:TREND", "TREND-37") == "jira-trend-37"
    assert born_id("github:acme/trending-now", "12") == "gh-acme-trending-now-12"
    assert born_id("github:Acme/My.Repo_x", "7") == "gh-acme-my.repo_x-7"


@pytest.mark.parametrize(
    ("claim", "target"),
    [
        ("jira:TREND-37", ("jira:TREND", "TREND-37")),
        ("github:acme/repo#12", ("github:acme/repo", "12")),
    ],
)
def test_claims_name_a_target_and_a_key(claim: str, target: tuple[str, str]) -> None:
    assert parse_claim(claim) == target


@pytest.mark.parametrize("claim", ["jira:trend-1", "github:acme#1", "jira:TREND", "TREND-1"])
def test_malformed_claims_are_refused(claim: str) -> None:
    with pytest.raises(ValueError, match="expected jira:KEY-12 or github:OWNER/REPO#12"):
        parse_claim(claim)


def test_unmapped_values_fall_back_and_are_each_a_skip() -> None:
    remote = RemoteItem(
        REF,
        None,
        {"title": "Pager storm", "track": "engineering"},
        datetime(2026, 1, 1, tzinfo=UTC),
        unmapped=('issue type "Incident" is not in the mapping (counted as a task)',
                  'status "QA" is not in the mapping (counted as in_progress, ...)'),
        fallback={"kind": "task", "stage": "in_progress"},
    )
    item = born_item("jira-trend-37", REF, born_values(remote, remote.values), None, 10)
    assert (item.kind, item.stage) == (Kind.TASK, Stage.IN_PROGRESS)
    assert item.origin is not None and item.origin.key == "TREND-37"
    skips = unmapped_skips("jira-trend-37", remote)
    assert [s.reason.split(":")[0] for s in skips] == ["TREND-37", "TREND-37"]


def test_a_born_spike_gets_the_policy_timebox_and_keeps_its_id() -> None:
    values = {"title": "", "kind": "spike", "stage": "in_progress"}
    item = born_item("jira-trend-37", REF, values, None, 7)
    assert item.title == "(untitled issue)"
    assert item.timebox is not None and item.timebox.length_days == 7
    renamed = born_item("jira-trend-37", REF.model_copy(update={"key": "OPS-1"}),
                        {**values, "kind": "task"}, item, 7)
    # The id never changes; the origin names where the issue is now (a followed move).
    assert renamed.id == item.id and renamed.timebox is None
    assert renamed.origin is not None and renamed.origin.key == "OPS-1"
