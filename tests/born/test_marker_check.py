"""Before a write, the issue in hand must carry the item's own marker (issue 10, point 11)."""

from __future__ import annotations

import json

from sqlalchemy import update

from tracker_bridge.store import schema
from tracker_bridge.testing.server import Request, Response

from .conftest import PROJECT, Runner


def _swap_github_refs(seeded: Runner) -> None:
    """The store's refs of two items point at each other's issues."""
    tracker = seeded.sandbox.github_tracker
    store = seeded.store()
    try:
        refs = store.get_refs(PROJECT, tracker)
        t = schema.remote_refs
        with store.engine.begin() as conn:
            for item_id, other in (("infra.ci", "infra.repo"), ("infra.repo", "infra.ci")):
                conn.execute(
                    update(t)
                    .where(t.c.project == PROJECT, t.c.tracker == tracker, t.c.item_id == item_id)
                    .values(item_id=f"swap:{other}")
                )
            for item_id in ("infra.ci", "infra.repo"):
                conn.execute(
                    update(t)
                    .where(t.c.item_id == f"swap:{item_id}")
                    .values(item_id=item_id)
                )
        assert store.get_refs(PROJECT, tracker)["infra.ci"].key == refs["infra.repo"].key
    finally:
        store.close()


def test_a_swapped_ref_never_sends_an_edit_to_the_wrong_issue(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    tracker = sandbox.github_tracker
    ci, repo = sandbox.github_number("infra.ci"), sandbox.github_number("infra.repo")
    _swap_github_refs(seeded)
    # People touch both issues (so the pull has them in hand); the roadmap renames one item.
    sandbox.github.human_edit_issue(sandbox.github_repo, ci, labels=["type:task", "needs-ci"])
    sandbox.github.human_edit_issue(sandbox.github_repo, repo, labels=["type:task", "infra"])
    text = sandbox.roadmap.read_text()
    sandbox.roadmap.write_text(text.replace("title: CI pipeline\n", "title: CI on every push\n"))
    sandbox.github.stats.reset()

    result = seeded.json("sync", "--yes")
    reasons = {
        (s["item_id"], s["reason"]) for s in result["summary"]["skips"] if s["tracker"] == tracker
    }
    assert ("infra.ci", f"{repo} now carries the marker of 'infra.repo'; not written to") in reasons
    assert ("infra.repo", f"{ci} now carries the marker of 'infra.ci'; not written to") in reasons
    writes = [
        (m, p) for m, p, _ in sandbox.github.stats.log if m in ("PATCH", "POST", "PUT", "DELETE")
    ]
    assert writes == []
    titles = {i["number"]: i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert titles[repo] == "Repository set-up"


def test_an_issue_not_in_hand_is_checked_by_the_read_before_the_write(seeded: Runner) -> None:
    """Nobody touched the issues, so the pull does not bring them: GitHub's writes read the
    issue first anyway, and refuse one that carries another item's marker."""
    sandbox = seeded.sandbox
    repo = sandbox.github_number("infra.repo")
    seeded.json("sync", "--yes")  # reads our own creates back; the next pull brings nothing
    sandbox.github.clock.advance(3600)
    _swap_github_refs(seeded)
    text = sandbox.roadmap.read_text()
    sandbox.roadmap.write_text(text.replace("title: CI pipeline\n", "title: CI on every push\n"))
    sandbox.github.stats.reset()

    code, out, err = seeded("sync", "--yes", "--json")
    assert code == 1, err  # refused and reported as a failure, retried every night
    [failure] = json.loads(out)["summary"]["failures"]
    assert failure["item_id"] == "infra.ci" and failure["tracker"] == sandbox.github_tracker
    assert f"#{repo} carries the marker of 'infra.repo', not 'infra.ci'" in failure["error"]
    assert [m for m, _p, _s in sandbox.github.stats.log if m != "GET"] == []
    titles = {i["number"]: i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert titles[repo] == "Repository set-up"


def _swap_jira_refs(seeded: Runner) -> None:
    """A store restored from the wrong backup: two items' Jira refs name each other's issue."""
    tracker = seeded.sandbox.jira_tracker
    store = seeded.store()
    try:
        refs = store.get_refs(PROJECT, tracker)
        store.save_ref(PROJECT, "infra.ci", refs["infra.repo"])
        store.save_ref(PROJECT, "infra.repo", refs["infra.ci"])
    finally:
        store.close()


def _rename_ci(seeded: Runner) -> None:
    text = seeded.sandbox.roadmap.read_text()
    seeded.sandbox.roadmap.write_text(
        text.replace("title: CI pipeline\n", "title: CI on every push\n")
    )


def _watch_marker_searches(seeded: Runner) -> list[str]:
    """The JQL of every search by issue id from now on (the marker check's)."""
    seen: list[str] = []

    def watch(request: Request, _response: Response) -> None:
        jql = request.arg("jql") or str((request.json() or {}).get("jql") or "")
        if "/search" in request.route and jql.startswith("id in"):
            seen.append(jql)

    seeded.sandbox.jira.after_request(watch)
    return seen


def test_a_jira_issue_nobody_touched_is_checked_before_it_is_written(seeded: Runner) -> None:
    """The pull brings nothing (no one edited the issues), so the planner cannot see their
    markers: one search checks them all before any write, and the swapped ref is refused."""
    sandbox = seeded.sandbox
    ci, repo = sandbox.jira_key("infra.ci"), sandbox.jira_key("infra.repo")
    seeded.json("sync", "--yes")  # settles our own creates: the next pull brings nothing
    sandbox.jira.clock.advance(3600)
    _swap_jira_refs(seeded)
    _rename_ci(seeded)
    sandbox.jira.stats.reset()
    searches = _watch_marker_searches(seeded)

    code, out, err = seeded("sync", "--yes", "--json")
    assert code == 1, err  # refused, a failure: reported every night until a person fixes it
    [failure] = json.loads(out)["summary"]["failures"]
    assert (failure["item_id"], failure["tracker"]) == ("infra.ci", sandbox.jira_tracker)
    assert failure["error"] == (
        f"{repo} carries the marker of 'infra.repo', not 'infra.ci'; not written to"
    )
    writes = [(m, p) for m, p, _ in sandbox.jira.stats.log if m in ("PUT", "POST", "DELETE")]
    assert [w for w in writes if "/search" not in w[1]] == []
    assert len(searches) == 1, searches
    assert sandbox.jira.issue_json(repo)["fields"]["summary"] == "Repository set-up"
    assert sandbox.jira.issue_json(ci)["fields"]["summary"] == "CI pipeline"


def test_writes_to_untouched_jira_issues_cost_one_marker_search_per_hundred(
    seeded: Runner,
) -> None:
    sandbox = seeded.sandbox
    seeded.json("sync", "--yes")
    sandbox.jira.clock.advance(3600)
    text = sandbox.roadmap.read_text()
    sandbox.roadmap.write_text(
        text.replace("title: CI pipeline\n", "title: CI on every push\n").replace(
            "title: Repository set-up\n", "title: Repository with templates\n"
        )
    )
    searches = _watch_marker_searches(seeded)

    result = seeded.json("sync", "--yes")
    assert result["summary"]["failures"] == []
    assert len(searches) == 1, searches  # both issues, one search
    titles = {sandbox.jira.issue_json(sandbox.jira_key(i))["fields"]["summary"]
              for i in ("infra.ci", "infra.repo")}
    assert titles == {"CI on every push", "Repository with templates"}
