"""A handle the trackers cannot assign: the issue is created unassigned and the run warns,
naming the item and the handle, on every run until the roadmap or the people map is fixed."""

from __future__ import annotations

from pathlib import Path

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle

ITEM = "infra.repo-setup"


def with_unknown_handle(path: Path, handle: str = "ghost") -> Path:
    text = EXAMPLE.read_text()
    anchor = f"          - id: {ITEM}\n"
    start = text.index(anchor)
    end = text.index("assignee: maria\n", start)
    path.write_text(text[:end] + f"assignee: {handle}\n" + text[end + len("assignee: maria\n") :])
    return path


def assignee_warnings(summary: dict[str, object]) -> set[tuple[str, str, str]]:
    warnings = summary["warnings"]
    assert isinstance(warnings, list)
    return {(w["tracker"], w["item_id"], w["value"]) for w in warnings if w["field"] == "assignee"}


def test_a_refused_assignee_is_a_warning_on_every_run_until_fixed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    roadmap = with_unknown_handle(tmp_path / "roadmap.yaml")
    cycle = Cycle(sandbox, roadmap)
    both = {(sandbox.jira_tracker, ITEM, "ghost"), (sandbox.github_tracker, ITEM, "ghost")}
    for night in range(3):
        report = cycle.run(force=False)
        assert report.ok, (night, report.summary()["failures"])
        assert assignee_warnings(report.summary()) == both, night
        assert "map 'ghost' in the target's `people`" in report.summary()["warnings"][0]["message"]
    assert sandbox.counts() == {sandbox.jira_tracker: 36, sandbox.github_tracker: 36}

    fixed = Cycle(sandbox, with_unknown_handle(tmp_path / "fixed.yaml", "maria"))
    after = fixed.run(force=False)
    assert assignee_warnings(after.summary()) == set()


def test_an_assignee_refused_on_an_edit_is_a_warning_too(sandbox: Sandbox, tmp_path: Path) -> None:
    seeded = Cycle(sandbox, with_unknown_handle(tmp_path / "maria.yaml", "maria")).run()
    assert seeded.ok, seeded.summary()["failures"]
    edited = Cycle(sandbox, with_unknown_handle(tmp_path / "roadmap.yaml"))
    both = {(sandbox.jira_tracker, ITEM, "ghost"), (sandbox.github_tracker, ITEM, "ghost")}
    for night in range(2):
        report = edited.run(force=False)
        assert report.ok, (night, report.summary()["failures"])
        assert assignee_warnings(report.summary()) == both, night
