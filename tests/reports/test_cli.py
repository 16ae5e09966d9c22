"""The report and spike commands end to end: config file, roadmap, a SQLite store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.store import Store

from .test_slack_post import HOOK, FakeSlack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trending-now.yaml"
VIBE = "llm-poc.vibe-score-signal"  # started 2 Feb, 8 days + 1 extension of 2 (the max)
TAGS = "llm-enrichment.tag-taxonomy"  # 5 days, not started


@pytest.fixture
def config(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "roadmap.yaml")
    path = tmp_path / "tracker-bridge.toml"
    path.write_text(
        '[store]\nurl = "sqlite:///state.sqlite"\n'
        '[slack]\nwebhook_env = "SLACK_TEST_WEBHOOK_URL"\n'
        '[[projects]]\nname = "trending"\nroadmap = "roadmap.yaml"\n'
    )
    return path


def run(config: Path, *args: str, now: str = "2026-02-10T12:00Z") -> int:
    return main([*args, "--config", str(config), "--now", now])


def test_spike_check_passes_then_fails_once_overdue(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "spike", "check") == 0
    assert "within their time-box" in capsys.readouterr().out
    assert run(config, "spike", "check", now="2026-02-13T12:00Z") == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{VIBE}: overdue: time-box of 10 days ended 2026-02-11 23:00 UTC")


def test_extend_refused_beyond_the_policy(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "spike", "extend", VIBE, "--days", "2", "--reason", "more") == 2
    assert "the spike policy allows 1" in capsys.readouterr().err


def test_start_extend_close_are_recorded_as_events(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "spike", "start", TAGS) == 0
    assert "time-box ends 2026-02-15 12:00 UTC" in capsys.readouterr().out
    assert run(config, "spike", "start", TAGS) == 2  # already started
    assert run(config, "spike", "extend", TAGS, "--days", "3", "--reason", "GPU quota",
               now="2026-02-14T12:00Z") == 0
    assert "ends 2026-02-18 12:00 UTC" in capsys.readouterr().out
    assert run(config, "spike", "check", now="2026-02-17T12:00Z") == 1
    out = capsys.readouterr().out
    assert TAGS not in out and VIBE in out
    assert run(config, "spike", "close", TAGS, "--outcome", "invalidated",
               "--learning", "60 clusters, kappa 0.4", now="2026-02-17T13:00Z") == 0
    assert run(config, "spike", "close", TAGS, "--outcome", "validated",
               "--learning", "x") == 2  # closed already
    with Store.open(f"sqlite:///{config.parent / 'state.sqlite'}") as store:
        kinds = [e.kind for e in store.events("trending", item_id=TAGS)]
    assert kinds == ["spike_started", "spike_extended", "spike_closed"]


def test_unknown_or_non_spike_items_are_refused(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "spike", "start", "nope") == 2
    assert run(config, "spike", "start", "infra.ci-pipeline") == 2
    err = capsys.readouterr().err
    assert "no item 'nope'" in err and "task, not a spike" in err


def test_report_sprint_json_and_html(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(config, "report", "sprint", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["health"]["sprint"]["id"] == "s3"  # the active sprint on 10 Feb
    assert [t["track"] for t in data["health"]["tracks"]] == ["research", "engineering"]
    out = config.parent / "report.html"
    assert run(config, "report", "sprint", "--sprint", "s2", "--format", "html",
               "--output", str(out)) == 0
    assert "<svg" in out.read_text()
    assert run(config, "report", "sprint", "--sprint", "s99") == 2


def test_report_sprint_posts_to_slack(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(config, "report", "sprint", "--format", "markdown", "--post") == 2
    assert "SLACK_TEST_WEBHOOK_URL" in capsys.readouterr().err  # names the variable
    with FakeSlack() as slack:
        monkeypatch.setenv("SLACK_TEST_WEBHOOK_URL", slack.url + HOOK)
        assert run(config, "report", "sprint", "--format", "markdown", "--post") == 0
        assert len(slack.received) == 1
        assert slack.received[0]["blocks"][0]["type"] == "header"
    assert "## trending-now · Sprint 3" in capsys.readouterr().out


def test_status_ages_cards_from_the_moves_recorded_in_any_order(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`status` reads the store's flow summary, kept as events are recorded: the last move
    into the card's stage and its first start, whatever order the events came in."""
    from datetime import UTC, datetime

    from tracker_bridge.model import Kind, Stage, WorkItem
    from tracker_bridge.store import StoreEvent

    def move(day: int, before: str, after: str) -> StoreEvent:
        return StoreEvent("stage_changed", "card", datetime(2026, 2, day, 12, tzinfo=UTC),
                          "jira", {"from": before, "to": after})

    card = WorkItem(id="card", kind=Kind.STORY, title="Card", stage=Stage.IN_REVIEW)
    with Store.open(f"sqlite:///{config.parent / 'state.sqlite'}") as store:
        store.save_items("trending", [card])
        store.record_events("trending", [move(3, "in_review", "in_progress"),
                                         move(4, "in_progress", "in_review")])
        store.record_events("trending", [move(1, "backlog", "in_progress"),
                                         move(2, "in_progress", "in_review")])
    assert run(config, "status", "--json") == 0
    [line] = json.loads(capsys.readouterr().out)["ageing"]
    assert (line["id"], line["days_in_stage"], line["age_days"]) == ("card", 6.0, 9.0)


def test_a_spike_moved_onto_the_board_without_spike_start_runs_from_that_move(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A researcher drags the spike to In Progress in the tracker and never runs `spike
    start`: its clock runs from that move (its only record of a start), for `spike check`
    and for `spike extend`; the other items' moves do not count for it."""
    from datetime import UTC, datetime

    from tracker_bridge.store import StoreEvent

    def move(item_id: str, day: int, after: str) -> StoreEvent:
        return StoreEvent("stage_changed", item_id, datetime(2026, 2, day, 9, tzinfo=UTC),
                          "jira", {"from": "sprint_backlog", "to": after})

    with Store.open(f"sqlite:///{config.parent / 'state.sqlite'}") as store:
        store.record_events("trending", [move(TAGS, 3, "in_progress"),
                                         move("ingestion.dvc", 1, "in_progress")])
    assert run(config, "spike", "check", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    [late] = [v for v in report["violations"] if v["item_id"] == TAGS]
    assert late["message"].startswith("time-box of 5 days ended 2026-02-08 09:00 UTC")
    assert run(config, "spike", "extend", TAGS, "--days", "1", "--reason", "GPU quota") == 0
    assert "time-box ends 2026-02-09 09:00 UTC" in capsys.readouterr().out
