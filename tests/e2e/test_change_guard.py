"""The change-ratio guard holds back changes from outside, never our own unfinished work.

A run that died or half failed leaves stage moves, sprint fills and edits owed. Finishing
them is not news to a reviewer: the next `sync --yes` must do it without `--force`. An edit
of many items in the roadmap (or in a tracker) still waits for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.reconcile import TooMuchChange
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.workspace import open_workspace

from .conftest import EXAMPLE, Cycle

QUICK_RETRIES = {"backoff_seconds": 0.01, "max_backoff_seconds": 0.05, "retry_attempts": 2}


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """Retries shortened: these runs meet a tracker that refuses on purpose."""
    with Sandbox(tmp_path / "sandbox", EXAMPLE, jira_options=QUICK_RETRIES) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


@pytest.fixture
def cycle(sandbox: Sandbox) -> Cycle:
    return Cycle(sandbox, EXAMPLE)

SPRINT_FILL = r"^/rest/agile/1\.0/sprint/\d+/issue$"
TRANSITIONS = r"^/rest/api/\d/issue/[^/]+/transitions$"


def retitled(path: Path, count: int) -> Path:
    """The example roadmap with `count` item titles edited, as a scrum master would."""
    text = EXAMPLE.read_text()
    titles = re.findall(r"^( {12}title: )(.+)$", text, flags=re.M)  # work items, not epics
    assert len(titles) >= count
    for prefix, title in titles[:count]:
        text = text.replace(f"{prefix}{title}\n", f"{prefix}{title} (v2)\n", 1)
    path.write_text(text)
    return path


def test_a_seed_whose_sprint_fills_and_moves_failed_is_finished_without_force(
    sandbox: Sandbox, cycle: Cycle
) -> None:
    sandbox.jira.faults.add(FaultRule("error", status=503, method="POST", path=SPRINT_FILL))
    sandbox.jira.faults.add(FaultRule("error", status=503, method="POST", path=TRANSITIONS))
    seeded = cycle.run()
    assert not seeded.ok
    sandbox.jira.faults.clear()

    finished = cycle.run(force=False)
    assert finished.ok, finished.summary()["failures"]
    assert finished.plan.counts().get("move_stage", 0) > 10
    assert cycle.run(force=False).plan.empty


def test_roadmap_edits_of_many_items_still_need_force(sandbox: Sandbox, tmp_path: Path) -> None:
    Cycle(sandbox, EXAMPLE).run()
    edited = Cycle(sandbox, retitled(tmp_path / "roadmap.yaml", 20))
    with pytest.raises(TooMuchChange, match=r"changes 20 of 36 existing items"):
        edited.run(force=False)


def test_reviewed_edits_whose_writes_failed_are_retried_without_force(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    Cycle(sandbox, EXAMPLE).run()
    edited = Cycle(sandbox, retitled(tmp_path / "roadmap.yaml", 20))
    sandbox.jira.faults.add(FaultRule("error", status=503, method="PUT"))
    reviewed = edited.run(force=True)  # the reviewer passed --force once
    assert len(reviewed.applied.failures if reviewed.applied else []) == 20
    sandbox.jira.faults.clear()

    retried = edited.run(force=False)
    assert retried.ok, retried.summary()["failures"]
    assert retried.plan.counts() == {"update": 20}


def test_a_refused_run_is_recorded_as_refused_and_the_reviewed_run_finishes_everything(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Night 1 half fails; night 2 is held back for review; night 3 (reviewed) still re-reads
    and finishes what night 1 left. Night 2 must not stay "running" in the history."""
    Cycle(sandbox, EXAMPLE).run()
    edited = Cycle(sandbox, retitled(tmp_path / "roadmap.yaml", 20))
    sandbox.jira.faults.add(FaultRule("error", status=503, method="PUT"))
    assert not edited.run(force=True).ok  # 20 title writes failed on Jira
    sandbox.jira.faults.clear()
    more_path = retitled(tmp_path / "more.yaml", 29)
    more_path.write_text(more_path.read_text().replace(" (v2)\n", " (v3)\n"))
    more = Cycle(sandbox, more_path)
    with pytest.raises(TooMuchChange):
        more.run(force=False)

    with open_workspace(sandbox.config_path) as workspace:
        runs = workspace.store.last_runs(workspace.project(None).name, 3)
    assert [run.status for run in runs] == ["refused", "partial", "ok"]
    assert "changes" in runs[0].summary["error"]

    reviewed = more.run(force=True)
    assert reviewed.ok, reviewed.summary()["failures"]
    assert more.run(force=False).plan.empty
