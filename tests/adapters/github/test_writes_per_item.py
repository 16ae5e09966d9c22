"""Creates spend the fewest writes GitHub allows: what a create can carry, it carries."""

from __future__ import annotations

from datetime import date

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.model import Kind, RemoteRef, Sprint, Stage, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.tracker import NewItem

SPRINT = Sprint(id="s1", name="Sprint 1", start=date(2026, 1, 5), end=date(2026, 1, 19))


def test_a_create_in_a_known_sprint_carries_its_milestone() -> None:
    with FakeGitHub() as gh:
        adapter = GitHubFakeTracker(gh).open_adapter()
        milestone = adapter.ensure_sprint(SPRINT, None)
        adapter.create_items([NewItem(WorkItem(id="warm", kind=Kind.TASK, title="W"))],
                             lambda i, r: None)  # the labels are made once, here
        gh.stats.reset()
        refs: dict[str, RemoteRef] = {}
        item = WorkItem(id="t1", kind=Kind.TASK, title="T1", sprint="s1", stage=Stage.IN_REVIEW)
        [result] = adapter.create_items([NewItem(item)], refs.__setitem__)
        assert result.ok, result.error
        assert result.values["sprint"] == "s1" and result.values["stage"] == "in_review"
        writes = {k: v for k, v in gh.stats.by_method.items() if k != "GET"}
        assert writes == {"POST": 1}  # no PATCH for the stage label or the milestone
        issue = next(i for i in gh.issues(REPO) if i["number"] == int(refs["t1"].key))
        assert issue["milestone"]["number"] == int(milestone)


def test_a_sprint_the_adapter_was_told_about_is_carried_too() -> None:
    with FakeGitHub() as gh:
        fake = GitHubFakeTracker(gh)
        milestone = fake.open_adapter().ensure_sprint(SPRINT, None)
        adapter = fake.open_adapter()  # the next night: the store tells it the sprint's id
        adapter.remember({}, {"s1": milestone})  # type: ignore[attr-defined]
        [result] = adapter.create_items(
            [NewItem(WorkItem(id="t2", kind=Kind.TASK, title="T2", sprint="s1"))], lambda i, r: None
        )
        assert result.ok and result.values["sprint"] == "s1"
