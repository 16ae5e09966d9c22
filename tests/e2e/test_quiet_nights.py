"""Quiet nights at the speed of their requests, on the fakes, as a team lives them.

After a settled night, `sync --yes` replays the stamped conversation and stops (a run of kind
"quiet"). Whatever a person does in a tracker, in the files or in the store, the next sync
takes the full path and carries the change to the other tracker; nothing is ever lost to the
fast path. Every sync here is `tracker-bridge sync --yes --json`, in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest

from tracker_bridge.adapters.jira.mapping import load_mapping as jira_mapping
from tracker_bridge.cli import main
from tracker_bridge.mappings import default_mapping_path
from tracker_bridge.model import Stage
from tracker_bridge.testing.fake_github.removals import delete_issue as github_delete_issue
from tracker_bridge.testing.fake_jira.moves import delete_issue
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FaultRule

SMALL = Path(__file__).parents[1] / "delivery" / "roadmap.yaml"  # one epic, three stories
ITEM = "ingestion.rotten-tomatoes"
NIGHT = 12 * 3600


class Nights:
    """The nightly job on one sandbox: a night passes on both trackers, then a sync."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.config = str(sandbox.config_path)
        self.db = sandbox.directory / "state.sqlite"

    def sync(self, *extra: str) -> dict[str, Any]:
        self.sandbox.jira.clock.advance(NIGHT)
        self.sandbox.github.clock.advance(NIGHT)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["sync", "--yes", "--json", "-c", self.config, *extra])
        assert code == 0, (err.getvalue() + out.getvalue())[-2000:]
        payload: dict[str, Any] = json.loads(out.getvalue())
        return payload

    def sql(self, query: str, *args: object) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return conn.execute(query, args).fetchall()

    def last_kind(self) -> str:
        return str(self.sql("SELECT kind FROM sync_runs ORDER BY id DESC LIMIT 1")[0][0])

    def stamp(self) -> dict[str, Any]:
        rows = self.sql("SELECT stamp FROM quiet_stamp")
        assert len(rows) == 1, "no quiet stamp"
        found: dict[str, Any] = json.loads(rows[0][0])
        return found

    def settle(self) -> None:
        """Seed, read our own writes back, then a quiet full night that leaves a stamp."""
        self.sync("--force")
        for _night in range(3):
            self.sync()
            if self.sql("SELECT 1 FROM quiet_stamp"):
                return
        raise AssertionError("three nights after the seed and still no quiet stamp")

    def quiet_night(self) -> dict[str, Any]:
        """A night nobody touched anything: answered by the replay alone."""
        jira, github = self.sandbox.jira.stats.total, self.sandbox.github.stats.total
        stamp = self.stamp()
        payload = self.sync()
        assert self.last_kind() == "quiet", payload["summary"]
        stamped = {t["tracker"]: len(t["exchanges"]) for t in stamp["talks"]}
        assert payload["summary"]["requests"] == stamped
        # The fakes saw exactly the stamped requests, nothing more.
        assert self.sandbox.jira.stats.total - jira == stamped[self.sandbox.jira_tracker]
        assert self.sandbox.github.stats.total - github == stamped[self.sandbox.github_tracker]
        return payload

    def full_night(self) -> dict[str, Any]:
        payload = self.sync()
        assert self.last_kind() == "sync", "the fast path answered a night with a change"
        assert "quiet" not in payload["summary"]
        return payload


def _sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> Iterator[Nights]:
    roadmap = tmp_path / "roadmap.yaml"
    shutil.copy(options.pop("roadmap", SMALL), roadmap)  # the team edits its own copy
    monkeypatch.setenv("TB_CACHE_DIR", str(tmp_path / "cache"))
    with Sandbox(tmp_path / "sandbox", roadmap, **options) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        nights = Nights(sandbox)
        nights.settle()
        yield nights


@pytest.fixture
def nights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nights]:
    yield from _sandbox(tmp_path, monkeypatch)


def github_issue(sandbox: Sandbox, item: str) -> dict[str, Any]:
    number = sandbox.github_number(item)
    return next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)


def jira_status(sandbox: Sandbox, item: str) -> str:
    return str(sandbox.jira.issue_json(sandbox.jira_key(item))["fields"]["status"]["name"])


def test_a_settled_night_is_answered_by_replaying_the_stamped_requests(nights: Nights) -> None:
    first = nights.quiet_night()
    second = nights.quiet_night()  # the stamp outlives the fast path's own run record
    assert first["plan"]["actions"] == [] and second["summary"]["failures"] == []
    assert second["summary"]["quiet"]["replayed"] == sum(second["summary"]["requests"].values())


def test_the_fast_path_prints_the_summary_keys_of_a_full_quiet_night(nights: Nights) -> None:
    full = nights.sync("--no-quiet")
    assert nights.last_kind() == "sync"
    quiet = nights.quiet_night()
    assert set(quiet["summary"]) == set(full["summary"]) | {"quiet"}
    assert set(quiet["plan"]) == set(full["plan"])
    assert quiet["plan"]["checksum"] == full["plan"]["checksum"]


def test_no_quiet_and_its_variable_force_the_full_sync(
    nights: Nights, monkeypatch: pytest.MonkeyPatch
) -> None:
    nights.sync("--no-quiet")
    assert nights.last_kind() == "sync"
    monkeypatch.setenv("TB_NO_QUIET", "1")
    nights.full_night()


def test_a_jira_title_edit_reaches_github(nights: Nights) -> None:
    nights.sandbox.jira_edit(ITEM, summary="Scrape Rotten Tomatoes, politely")
    nights.full_night()
    assert github_issue(nights.sandbox, ITEM)["title"] == "Scrape Rotten Tomatoes, politely"
    nights.sync()  # reads its own write back
    nights.sync()  # quiet again: a new stamp
    nights.quiet_night()


def test_a_jira_user_changing_their_time_zone_hides_no_edit(nights: Nights) -> None:
    """Jira reads "yyyy-MM-dd HH:mm" in the searching user's profile zone, which the user may
    change between nights (here to 11 hours behind UTC); the pull's window is an instant, so
    the replay still matches and the next edit still reaches GitHub. Nothing reads the
    profile (`myself`), and a quiet night sends no serverInfo either."""
    sandbox = nights.sandbox
    talk = next(t for t in nights.stamp()["talks"] if t["tracker"] == sandbox.jira_tracker)
    assert not any("serverInfo" in e["url"] for e in talk["exchanges"]), talk["exchanges"]
    sandbox.jira.data.user_timezone = "Pacific/Pago_Pago"
    nights.quiet_night()
    sandbox.jira_edit(ITEM, summary="Scrape Rotten Tomatoes, at night")
    nights.full_night()
    assert github_issue(sandbox, ITEM)["title"] == "Scrape Rotten Tomatoes, at night"
    assert sandbox.jira.stats.by_route["GET /rest/api/2/myself"] == 0


def test_closing_a_github_issue_reaches_jira(nights: Nights) -> None:
    nights.sandbox.github_edit(ITEM, state="closed", state_reason="completed")
    nights.full_night()
    assert jira_status(nights.sandbox, ITEM) in jira_mapping(None).stages[Stage.DONE]


def test_a_deleted_jira_issue_is_found_by_the_full_sync(nights: Nights) -> None:
    sandbox = nights.sandbox
    key = sandbox.jira_key(ITEM)
    delete_issue(sandbox.jira, key)
    payload = nights.full_night()
    reasons = [skip["reason"] for skip in payload["summary"]["skipped"]]
    assert any(key in reason and "deleted" in reason for reason in reasons), reasons


def test_a_deleted_github_sub_issue_is_found_by_the_full_sync(nights: Nights) -> None:
    """A story's issue is its epic's sub-issue. Deleting it touches no other issue's
    `updated_at`, and it is not the newest issue: when neither it nor its epic is the
    stamped probe's newest update, only the repository's issue count (the `Link` header of
    the one-issue listing) says that something left."""
    sandbox = nights.sandbox
    newest = "ingestion.parquet-storage"
    sandbox.github.clock.advance(60)
    sandbox.github_edit(newest, title="Store scraped data as Parquet files")
    nights.full_night()
    for _night in range(3):  # the edit goes to Jira, is read back, then a quiet night
        nights.sync()
        if nights.sql("SELECT 1 FROM quiet_stamp"):
            break
    number, epic = sandbox.github_number(ITEM), sandbox.github_number("ingestion")
    issue = github_issue(sandbox, ITEM)
    assert issue["parent_issue_url"].endswith(f"/issues/{epic}")
    assert sandbox.github_number(newest) > number
    queries = _stamped_queries(nights.stamp(), sandbox.github_tracker)
    # The quiet night's issues request is the probe alone (no incremental listing to hold
    # either issue), and the newest update it shows is the edit, not either issue.
    assert not any("since" in q for q in queries), queries
    assert any(q.get("sort") == ["updated"] and q.get("per_page") == ["1"] for q in queries)
    latest = github_issue(sandbox, newest)["updated_at"]
    assert issue["updated_at"] < latest
    assert github_issue(sandbox, "ingestion")["updated_at"] < latest
    github_delete_issue(sandbox.github, sandbox.github_repo, number)
    payload = nights.full_night()
    reasons = [skip["reason"] for skip in payload["summary"]["skipped"]]
    assert any(reason.startswith(f"{number} was deleted") for reason in reasons), reasons


def _stamped_queries(stamp: dict[str, Any], tracker: str) -> list[dict[str, list[str]]]:
    """The queries of a target's stamped requests."""
    from urllib.parse import parse_qs, urlsplit

    talk = next(t for t in stamp["talks"] if t["tracker"] == tracker)
    return [parse_qs(urlsplit(e["url"]).query) for e in talk["exchanges"]]


def test_a_merged_pull_request_moves_the_item_on_jira(nights: Nights) -> None:
    sandbox, gh = nights.sandbox, nights.sandbox.github
    gh.clock.advance(3600)
    number = sandbox.github_number(ITEM)
    pull = gh.open_pull_request(sandbox.github_repo, "Scrape it", body=f"Fixes #{number}")
    gh.clock.advance(3600)
    gh.merge_pull_request(sandbox.github_repo, pull)
    nights.full_night()
    wanted = jira_mapping(None).target_status(Stage.READY_FOR_STAGING)
    assert jira_status(sandbox, ITEM) == wanted


def test_an_edited_roadmap_reaches_both_trackers(nights: Nights) -> None:
    roadmap = nights.sandbox.roadmap
    text = roadmap.read_text()
    roadmap.write_text(text.replace("Develop scraping script for Rotten Tomatoes",
                                    "Scrape Rotten Tomatoes nightly"))
    nights.full_night()
    assert github_issue(nights.sandbox, ITEM)["title"] == "Scrape Rotten Tomatoes nightly"
    key = nights.sandbox.jira_key(ITEM)
    assert nights.sandbox.jira.issue_json(key)["fields"]["summary"] == (
        "Scrape Rotten Tomatoes nightly"
    )


def test_an_edited_config_file_takes_the_full_path(nights: Nights) -> None:
    config = nights.sandbox.config_path
    config.write_text(config.read_text() + "\n# reviewed by the platform team\n")
    nights.full_night()


def test_a_tb_environment_variable_takes_the_full_path(
    nights: Nights, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TB_RECONCILE__MAX_CHANGE_RATIO", "0.5")
    nights.full_night()


def test_a_phase_review_takes_the_full_path(nights: Nights) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["phase", "review", "start-up", "--decision", "go", "--note", "fine",
                     "-c", nights.config]) == 0
    nights.full_night()


def test_a_store_write_by_another_command_takes_the_full_path(nights: Nights) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["relink", "--target", "jira", "-c", nights.config]) == 0
    assert nights.sql("SELECT count(*) FROM quiet_stamp") == [(0,)]
    nights.full_night()


def test_a_stamp_from_before_the_window_takes_the_full_path(nights: Nights) -> None:
    """As if stamped a week ago (or before the sprint that started today): the stamp's
    window is past, so the roadmap for today is built and planned again."""
    stamp = nights.stamp()
    past = (date.today() - timedelta(days=8)).isoformat()
    stamp.update(valid_from=past, valid_through=(date.today() - timedelta(days=2)).isoformat())
    with contextlib.closing(sqlite3.connect(nights.db)) as conn, conn:
        conn.execute("UPDATE quiet_stamp SET stamp = ?", (json.dumps(stamp),))
    nights.full_night()


def test_the_stamp_holds_until_the_day_before_the_next_sprint_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sprint starting in three days: the stamp holds today, tomorrow and the day after;
    on the start day the roadmap differs (the sprint is active), so no stamp covers it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    start = today + timedelta(days=3)
    roadmap = tmp_path / "starting.yaml"
    roadmap.write_text(SMALL.read_text().replace("first_sprint_start: 2026-01-05",
                                                 f"first_sprint_start: {start.isoformat()}"))
    for nights in _sandbox(tmp_path, monkeypatch, roadmap=roadmap):
        stamp = nights.stamp()
        assert stamp["valid_from"] == today.isoformat()
        assert stamp["valid_through"] == (start - timedelta(days=1)).isoformat()


def test_an_edited_mapping_file_takes_the_full_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping = tmp_path / "github.yaml"
    shutil.copy(default_mapping_path("github"), mapping)
    for nights in _sandbox(tmp_path, monkeypatch, github_mapping=mapping):
        nights.quiet_night()
        mapping.write_text(mapping.read_text() + "\n# the team's copy\n")
        nights.full_night()


def test_a_card_moved_on_a_projects_board_reaches_jira(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.e2e.test_coarse_github_board import board_mapping

    mapping = board_mapping("default", tmp_path / "github.yaml")
    for nights in _sandbox(tmp_path, monkeypatch, github_mapping=mapping,
                           github_project_status="default"):
        nights.quiet_night()
        nights.sandbox.github.clock.advance(60)
        nights.sandbox.github_move(ITEM, Stage.IN_REVIEW)
        nights.full_night()
        assert jira_status(nights.sandbox, ITEM) in jira_mapping(None).stages[Stage.IN_REVIEW]


@pytest.mark.parametrize("kind", ["error", "drop"], ids=["5xx", "dropped"])
def test_a_fault_during_the_replay_falls_through_to_the_full_sync(
    nights: Nights, kind: Literal["error", "drop"]
) -> None:
    nights.sandbox.jira.faults.add(FaultRule(kind, status=503, path=r"/search", count=1))
    payload = nights.full_night()  # the full sync's own reads retry the fault away
    assert payload["summary"]["failures"] == []
    assert nights.sandbox.jira.faults.fired == {kind: 1}


def test_the_stamp_keeps_no_secret(nights: Nights) -> None:
    nights.quiet_night()
    secrets = list(nights.sandbox.environ.values())
    stored = nights.db.read_bytes() + b"".join(
        p.read_bytes() for p in nights.db.parent.glob("state.sqlite-*")
    )
    rows = "".join(str(row) for row in nights.sql("SELECT * FROM quiet_stamp"))
    for secret in secrets:
        assert secret not in rows
        assert secret.encode() not in stored
    assert "authorization" not in rows.lower().replace('"auth"', "")


def test_a_held_project_lock_keeps_the_fast_path_out(nights: Nights) -> None:
    """Another worker holds the project: the fast path does not replay beside it, and the
    full sync says who holds it."""
    from tracker_bridge.store import Store

    with Store.open(f"sqlite:///{nights.db}") as store, store.project_lock("trending-now"):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["sync", "--yes", "-c", nights.config])
    assert code != 0 and "quiet night" not in out.getvalue()
    assert nights.sql("SELECT count(*) FROM sync_runs WHERE kind = 'quiet'") == [(0,)]


def test_the_installed_command_answers_a_quiet_night_without_the_full_machinery(
    nights: Nights,
) -> None:
    """As cron runs it: a new process, and nothing of SQLAlchemy, pydantic, Typer or the
    store, config and model packages is imported."""
    import subprocess
    import sys

    probe = ("import json, sys; from tracker_bridge.entry import main; "
             "code = main(sys.argv[1:]); print(json.dumps([code, sorted(sys.modules)]))")
    nights.sandbox.jira.clock.advance(NIGHT)
    done = subprocess.run([sys.executable, "-c", probe, "sync", "--yes", "-c", nights.config],
                          capture_output=True, text=True, check=False)
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stderr
    assert "quiet night: replayed" in done.stdout
    assert nights.last_kind() == "quiet"
    heavy = {"typer", "sqlalchemy", "pydantic", "pydantic_settings", "ruamel", "rich",
             "tracker_bridge.config", "tracker_bridge.store", "tracker_bridge.model",
             "tracker_bridge.cli", "tracker_bridge.reconcile"}
    assert heavy.isdisjoint(modules), heavy & set(modules)
