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
