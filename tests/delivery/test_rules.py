"""Links, rules and the planner's delivery side, as pure functions (no HTTP, no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker_bridge.delivery import (
    DeliveryRules,
    Deployment,
    Facts,
    LinkIndex,
    PullRequest,
    Release,
    linked_items,
    reached_stages,
)
from tracker_bridge.delivery.links import LinkBy
from tracker_bridge.model import Cadence, RemoteRef, Roadmap, Stage, WorkItem
from tracker_bridge.reconcile.actions import MoveStage
from tracker_bridge.reconcile.delivery import (
    DELIVERY_SIDE,
    delivery_side,
    delivery_times,
    plan_with_delivery,
)
from tracker_bridge.reconcile.planner import PlanInputs, TargetState

REPO = "acme/trending-now"
JIRA, GITHUB = "jira:TREND", f"github:{REPO}"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INDEX = LinkIndex(
    github_issues={(REPO, 12): "ingest.scraper", ("acme/data-platform", 4): "ingest.schema"},
    jira_keys={"TREND-7": "ingest.scraper", "TREND-9": "ingest.schema"},
    item_ids=frozenset({"ingest.scraper", "ingest.schema", "ingest"}),
)


def pull(
    title: str = "Scrape it", body: str = "", branch: str = "work", **more: object
) -> PullRequest:
    fields: dict[str, object] = {"draft": False, "opened_at": T0, **more}
    return PullRequest(REPO, 30, title, body, branch, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Fixes #12", {"ingest.scraper"}),
        ("closes: #12", {"ingest.scraper"}),
        ("This RESOLVED #12 at last", {"ingest.scraper"}),
        ("Closes acme/data-platform#4", {"ingest.schema"}),
        ("fixed https://github.com/acme/data-platform/issues/4", {"ingest.schema"}),
        ("Fixes #12, fixes acme/data-platform#4", {"ingest.scraper", "ingest.schema"}),
        ("See #12", set()),  # a mention is not a closing keyword
        ("prefixes #12", set()),  # a keyword inside a word is not one
        ("Fixes other/repo#12", set()),  # another repository's #12
        ("Fixes #13", set()),  # an issue no item lives in
    ],
)
def test_closing_keywords(body: str, expected: set[str]) -> None:
    assert linked_items(pull(body=body), INDEX) == expected


def test_jira_key_and_item_id_in_title_or_branch() -> None:
    assert linked_items(pull(title="TREND-7: scrape"), INDEX) == {"ingest.scraper"}
    assert linked_items(pull(branch="feature/TREND-9-schema"), INDEX) == {"ingest.schema"}
    assert linked_items(pull(branch="feature/ingest.schema"), INDEX) == {"ingest.schema"}
    assert linked_items(pull(title="ingest.scraper."), INDEX) == {"ingest.scraper"}
    assert linked_items(pull(title="XTREND-7 and TREND-70"), INDEX) == set()
    only_keywords: tuple[LinkBy, ...] = ("closing_keywords",)
    assert linked_items(pull(title="TREND-7"), INDEX, only_keywords) == set()


def _facts(*facts: PullRequest | Deployment | Release) -> Facts:
    found = Facts()
    found.extend(facts)
    return found


MERGED = pull(body="Fixes #12", merged_at=T0 + timedelta(hours=2), merge_sha="m1")


def _deploy(env: str, hours: int, *, state: str = "success", contains: str = "m1") -> Deployment:
    return Deployment(
        f"github:{REPO}", f"{env}-{hours}", env, "d", state, T0 + timedelta(hours=hours),
        frozenset({contains}),
    )  # fmt: skip


def test_the_default_rules_walk_the_board() -> None:
    rules = DeliveryRules()
    opened = reached_stages(_facts(pull(body="Fixes #12")), INDEX, rules)
    assert opened["ingest.scraper"].stage is Stage.IN_REVIEW
    assert reached_stages(_facts(pull(body="Fixes #12", draft=True)), INDEX, rules) == {}
    merged = reached_stages(_facts(MERGED), INDEX, rules)["ingest.scraper"]
    assert (merged.stage, merged.at) == (Stage.READY_FOR_STAGING, T0 + timedelta(hours=2))
    staged = reached_stages(_facts(MERGED, _deploy("Staging", 3)), INDEX, rules)
    assert staged["ingest.scraper"].stage is Stage.IN_STAGING  # names compare without case
    live = reached_stages(
        _facts(MERGED, _deploy("staging", 3), _deploy("production", 5)), INDEX, rules
    )["ingest.scraper"]
    assert (live.stage, live.at) == (Stage.DONE, T0 + timedelta(hours=5))


def test_failed_or_unrelated_deployments_do_not_count() -> None:
    rules = DeliveryRules()
    failed = _facts(MERGED, _deploy("production", 3, state="failure"))
    assert reached_stages(failed, INDEX, rules)["ingest.scraper"].stage is Stage.READY_FOR_STAGING
    other = _facts(MERGED, _deploy("production", 3, contains="m0"))
    assert reached_stages(other, INDEX, rules)["ingest.scraper"].stage is Stage.READY_FOR_STAGING
    unmapped = _facts(MERGED, _deploy("preview", 3))
    assert reached_stages(unmapped, INDEX, rules)["ingest.scraper"].stage is Stage.READY_FOR_STAGING


def test_a_release_counts_only_without_a_production_environment() -> None:
    release = Release(REPO, "1", "v1", "d", T0 + timedelta(hours=4), contains=frozenset({"m1"}))
    facts = _facts(MERGED, release)
    with_prod = reached_stages(facts, INDEX, DeliveryRules())
    assert with_prod["ingest.scraper"].stage is Stage.READY_FOR_STAGING
    no_prod = DeliveryRules(environments={"staging": Stage.IN_STAGING})
    got = reached_stages(facts, INDEX, no_prod)["ingest.scraper"]
    assert (got.stage, got.at) == (Stage.DONE, T0 + timedelta(hours=4))


def test_the_earliest_deployment_to_reach_a_stage_gives_its_time() -> None:
    facts = _facts(MERGED, _deploy("staging", 6), _deploy("staging", 3))
    assert reached_stages(facts, INDEX, DeliveryRules())["ingest.scraper"].at == T0 + timedelta(
        hours=3
    )


# -- the planner's delivery side ------------------------------------------------------------
ITEM = WorkItem(id="ingest.scraper", kind="story", title="Scrape", stage=Stage.IN_PROGRESS)


def _inputs(
    stage: Stage, *, jira_stage: Stage | None = None, base: Stage | None = None
) -> PlanInputs:
    values = {**ITEM.sync_values(), "stage": stage.value}
    targets = []
    for tracker, now in ((JIRA, jira_stage or stage), (GITHUB, stage)):
        ref = RemoteRef(tracker=tracker, key="1", remote_id="1")
        targets.append(
            TargetState(
                tracker,
                refs={ITEM.id: ref},
                remote={ITEM.id: {**values, "stage": now.value}},
                base={ITEM.id: {**values, "stage": (base or stage).value}},
            )
        )
    roadmap = Roadmap(project="trend", cadence=Cadence(first_sprint_start=T0.date()), items=(ITEM,))
    return PlanInputs("trend", roadmap, {ITEM.id: ITEM.sync_values()}, tuple(targets))


def _reached(stage: Stage, hours: int = 5) -> dict[str, object]:
    from tracker_bridge.delivery import Reached

    return {ITEM.id: Reached(stage, T0 + timedelta(hours=hours), "test")}


def test_a_delivery_move_reaches_every_tracker_at_the_delivery_time() -> None:
    inputs = _inputs(Stage.IN_REVIEW)
    side = delivery_side(_reached(Stage.IN_STAGING), inputs.targets, {})  # type: ignore[arg-type]
    result = plan_with_delivery(inputs, side)
    moves = {(a.tracker, a.to_stage) for a in result.actions if isinstance(a, MoveStage)}
    assert moves == {(JIRA, Stage.IN_STAGING), (GITHUB, Stage.IN_STAGING)}
    assert not [a for a in result.actions if a.tracker == DELIVERY_SIDE]
    assert delivery_times(side, result.merged) == {ITEM.id: T0 + timedelta(hours=5)}
    assert side.seen == {ITEM.id: Stage.IN_STAGING}


def test_delivery_never_moves_an_item_back() -> None:
    inputs = _inputs(Stage.DONE)
    side = delivery_side(_reached(Stage.IN_STAGING), inputs.targets, {})  # type: ignore[arg-type]
    assert side.moves == {} and plan_with_delivery(inputs, side).actions == ()


def test_a_manual_move_after_a_delivery_move_stands() -> None:
    # Delivery put it in staging; a person moved it back to in progress since.
    inputs = _inputs(Stage.IN_PROGRESS)
    seen = {ITEM.id: Stage.IN_STAGING}
    side = delivery_side(_reached(Stage.IN_STAGING), inputs.targets, seen)  # type: ignore[arg-type]
    assert side.moves == {}
    # A later delivery (production) moves it on again.
    later = delivery_side(_reached(Stage.DONE, 9), inputs.targets, seen)  # type: ignore[arg-type]
    assert later.moves[ITEM.id].stage is Stage.DONE


def test_a_manual_move_in_the_same_run_wins_and_is_reported() -> None:
    # Since the last sync a person moved the Jira card to in_progress; delivery says staging.
    inputs = _inputs(Stage.IN_REVIEW, jira_stage=Stage.IN_PROGRESS, base=Stage.IN_REVIEW)
    side = delivery_side(_reached(Stage.IN_STAGING), inputs.targets, {})  # type: ignore[arg-type]
    result = plan_with_delivery(inputs, side)
    assert result.merged[ITEM.id]["stage"] == Stage.IN_PROGRESS.value
    (conflict,) = result.conflicts
    assert conflict.winner == JIRA and conflict.field == "stage"
    assert delivery_times(side, result.merged) == {}
