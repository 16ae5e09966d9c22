"""Before a write, the issue in hand must carry the item's own marker (issue 10, point 11)."""

from __future__ import annotations

from sqlalchemy import update

from tracker_bridge.store import schema

from .conftest import PROJECT, Runner


def test_a_swapped_ref_never_sends_an_edit_to_the_wrong_issue(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    tracker = sandbox.github_tracker
    ci, repo = sandbox.github_number("infra.ci"), sandbox.github_number("infra.repo")
    store = seeded.store()
    try:  # the store's refs of two items point at each other's issues
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
