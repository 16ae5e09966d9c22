"""Before a write, the issue in hand must carry the item's own marker (issue 10, point 11)."""

from __future__ import annotations

import json

from sqlalchemy import update

from tracker_bridge.store import schema

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
