"""GitHub-specific behaviour against the fake: pacing, limits, ETags, fallbacks, doctor."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.adapters.github.body import marker
from tracker_bridge.adapters.github.reading import Cursor
from tracker_bridge.model import Kind, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.tracker import NewItem


def items(count: int, prefix: str = "t") -> list[NewItem]:
    return [NewItem(WorkItem(id=f"{prefix}.i{n}", kind=Kind.TASK, title=f"I{n}"))
            for n in range(count)]


def test_secondary_limit_refusals_are_waited_out_and_resent_once() -> None:
    with FakeGitHub(secondary_limit_per_minute=6, secondary_window_seconds=1.0) as gh:
        adapter = GitHubFakeTracker(gh).open_adapter()
        results = adapter.create_items(items(10), lambda i, r: None)
        assert all(r.ok for r in results)
        assert gh.rate_limit_hits.get("secondary", 0) > 0
        assert gh.issue_count(REPO) == 10


def test_writes_are_paced() -> None:
    with FakeGitHub() as gh:
        adapter = GitHubFakeTracker(gh).open_adapter(writes_per_minute=600)
        adapter.create_items(items(1, "warm"), lambda i, r: None)  # labels made here
        started = time.monotonic()
        adapter.create_items(items(8), lambda i, r: None)
        assert time.monotonic() - started >= 0.75  # 8 writes at 10 a second


def test_pull_stops_before_the_reserve_and_resumes() -> None:
    with FakeGitHub(primary_limit=400) as gh:
        for n in range(250):
            gh.clock.advance(1)
            gh.human_create_issue(REPO, f"I{n}", body=marker(f"r.i{n}"))
        adapter = GitHubFakeTracker(gh).open_adapter(rate_limit_reserve=398)
        seen: set[str] = set()
        cursor, rounds = None, 0
        while True:
            rounds += 1
            result = adapter.pull(cursor)
            seen.update(i.item_id for i in result.items if i.item_id)
            cursor = result.cursor
            if result.complete:
                break
            assert rounds < 10
        assert rounds > 1
        assert seen == {f"r.i{n}" for n in range(250)}


def test_quiet_pull_is_a_304_and_pull_requests_are_skipped() -> None:
    with FakeGitHub() as gh:
        fake = GitHubFakeTracker(gh)
        adapter = fake.open_adapter()
        adapter.create_items(items(3), lambda i, r: None)
        first = adapter.pull(None)
        assert len(first.items) == 3  # the fake's two seeded pull requests are not issues
        cursor = adapter.pull(first.cursor).cursor
        gh.stats.reset()
        quiet = fake.open_adapter().pull(cursor)
        assert list(quiet.items) == []
        # The same cursor, but for the time of this read (the server's `Date`), which moves
        # on with the clock: a second may tick between the two pulls.
        before, after = Cursor.decode(cursor), Cursor.decode(quiet.cursor)
        assert replace(after, read_at=before.read_at) == before
        assert after.read_at is not None and before.read_at is not None
        assert after.read_at >= before.read_at
        assert gh.stats.by_status.get(304) == 1 and gh.stats.total == 1


def test_lost_create_response_is_reported_and_found_by_marker() -> None:
    with FakeGitHub() as gh:
        adapter = GitHubFakeTracker(gh).open_adapter()
        adapter.create_items(items(1, "warm"), lambda i, r: None)
        gh.faults.add(FaultRule("lost_response", method="POST", path=r"/issues$", count=1))
        confirmed: list[str] = []
        [result] = adapter.create_items(items(1), lambda i, r: confirmed.append(i))
        assert result.ref is None and result.error and "marker" in result.error
        assert confirmed == []
        assert set(adapter.find_by_marker(["t.i0"])) == {"t.i0"}


def test_parent_falls_back_to_a_task_list_without_sub_issues() -> None:
    with FakeGitHub() as gh:
        adapter = GitHubFakeTracker(gh).open_adapter()
        epic = WorkItem(id="f.epic", kind=Kind.EPIC, title="Epic", description="Why.")
        story = WorkItem(id="f.story", kind=Kind.STORY, title="Story", parent="f.epic")
        [made] = adapter.create_items([NewItem(epic)], lambda i, r: None)
        assert made.ref is not None
        gh.faults.add(FaultRule("error", status=404, method="POST", path=r"/sub_issues$"))
        # Nor can such a server create an issue under a parent over GraphQL.
        gh.faults.add(FaultRule("error", status=404, method="POST", path=r"/graphql$"))
        [child] = adapter.create_items([NewItem(story, made.ref)], lambda i, r: None)
        assert child.ok and child.values["parent"] == "f.epic" and child.ref is not None
        epic_body = next(i["body"] for i in gh.issues(REPO) if i["number"] == int(made.ref.key))
        assert f"- [ ] #{child.ref.key}" in epic_body
        fresh = GitHubFakeTracker(gh).open_adapter()
        found = fresh.find_by_marker(["f.epic", "f.story"])
        assert found["f.story"].values["parent"] == "f.epic"
        assert found["f.epic"].values["description"] == "Why."


def test_doctor_reports_repository_labels_and_scopes() -> None:
    with FakeGitHub() as gh:
        fake = GitHubFakeTracker(gh)
        adapter = fake.open_adapter()
        checks = {c.subject: c for c in adapter.doctor()}
        assert checks[f"repository {REPO}"].status == "ok"
        assert checks["label 'stage:in-review'"].status == "warn"
        assert checks["token scopes"].status == "ok"  # a classic token with repo, project
        adapter.create_items(items(1), lambda i, r: None)
        checks = {c.subject: c for c in adapter.doctor()}
        assert checks["label 'stage:in-review'"].status == "ok"
        bad = {c.subject: c for c in fake.open_bad_credentials().doctor()}
        assert bad["token"].status == "fail" and "token" in bad["token"].detail
    with FakeGitHub(token_scopes=None) as gh:  # fine-grained: GitHub sends no x-oauth-scopes
        checks = {c.subject: c for c in GitHubFakeTracker(gh).open_adapter().doctor()}
        assert checks["token scopes"].status == "warn"


def test_issue_types_are_set_where_the_repository_has_them(tmp_path: Path) -> None:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("issue_types:\n  bug: Bug\n  task: Task\n")
    bug = WorkItem(id="ty.bug", kind=Kind.BUG, title="NaN")
    with FakeGitHub(issue_types=True) as gh:
        adapter = GitHubFakeTracker(gh, mapping).open_adapter()
        [made] = adapter.create_items([NewItem(bug)], lambda i, r: None)
        assert made.ok and gh.issues(REPO)[0]["type"]["name"] == "Bug"
        assert made.ref is not None
        assert adapter.update_fields(made.ref, {"kind": "task"}).ok
        assert gh.issues(REPO)[0]["type"]["name"] == "Task"
        checks = {c.subject: c.status for c in adapter.doctor()}
        assert checks["kind bug -> issue type 'Bug'"] == "ok"
    with FakeGitHub(issue_types=False) as gh:
        adapter = GitHubFakeTracker(gh, mapping).open_adapter()
        [made] = adapter.create_items([NewItem(bug)], lambda i, r: None)
        assert made.ok and gh.issues(REPO)[0]["type"] is None
        assert {c.subject: c.status for c in adapter.doctor()}["issue types"] == "warn"
