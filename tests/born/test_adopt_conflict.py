"""An `adopt:` claim on an issue that belongs to another item: refused at the claim's line.

What a team does: someone adds an item to the roadmap and claims an issue that is already
the issue of another roadmap item (a copy-paste of a key, a wrong number). The sync must name
the `adopt:` line, exit 2 and change nothing: on no tracker, and not in the store either.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from tracker_bridge.scheduler import sync_project
from tracker_bridge.store import schema

from .conftest import PROJECT, Runner

ADOPTING = """\
          - id: ml.feature-store
            title: Feature store
            kind: story
            adopt: [{claims}]
"""


def _claim(runner: Runner, *claims: str) -> int:
    """Add an item claiming `claims`; the line of its `adopt:` field."""
    path = runner.sandbox.roadmap
    text = path.read_text()
    path.write_text(text + ADOPTING.format(claims=", ".join(f'"{c}"' for c in claims)))
    return len(text.splitlines()) + 4


def _store_rows(runner: Runner) -> dict[str, int]:
    store = runner.store()
    try:
        with store.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (
                    schema.remote_refs, schema.tracker_born, schema.sync_runs, schema.write_journal
                )
            }
    finally:
        store.close()


def test_claiming_another_items_jira_issue_names_the_adopt_line(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    taken = sandbox.jira_key("infra.ci")
    line = _claim(seeded, f"jira:{taken}")
    counts = sandbox.counts()

    for command in (("plan",), ("sync", "--yes")):
        code, out, err = seeded(*command)
        assert code == 2, (out, err)
        [message] = err.strip().splitlines()
        assert message.startswith(f"{sandbox.roadmap}:{line}:"), message
        assert "phases[0].epics[0].items[2].adopt: " in message
        assert f"{taken} carries the marker of roadmap item 'infra.ci' already" in message
    assert sandbox.counts() == counts


def test_a_refused_claim_on_the_second_tracker_leaves_the_first_unwritten(
    seeded: Runner,
) -> None:
    """Jira is pulled first and finds a new issue a person filed; the GitHub claim is then
    refused. Nothing of the Jira pull may be stored: not the birth, not a run."""
    sandbox = seeded.sandbox
    sandbox.jira.human_create(sandbox.jira_project, "Drift alert fires twice", "Bug")
    free = sandbox.github.human_create_issue(sandbox.github_repo, "Feature store")
    taken = sandbox.github_number("infra.repo")
    line = _claim(
        seeded, f"jira:{sandbox.jira_project}-999", f"github:{sandbox.github_repo}#{taken}"
    )
    rows = _store_rows(seeded)
    for fake in (sandbox.jira, sandbox.github):
        fake.stats.reset()

    code, _out, err = seeded("sync", "--yes")
    assert code == 2
    [message] = err.strip().splitlines()
    # The second claim in the list: its own line and column.
    assert message.startswith(f"{sandbox.roadmap}:{line}:"), message
    assert ".adopt[1]: " in message and f"{taken} carries the marker of" in message
    assert _store_rows(seeded) == rows
    writes = [
        (m, p)
        for fake in (sandbox.jira, sandbox.github)
        for m, p, _ in fake.stats.log
        if m in ("POST", "PUT", "PATCH", "DELETE") and "/search" not in p
    ]
    assert writes == []

    # Claim the right issue: the next sync binds it and records the Jira bug.
    path = sandbox.roadmap
    path.write_text(path.read_text().replace(
        f'"jira:{sandbox.jira_project}-999", "github:{sandbox.github_repo}#{taken}"',
        f'"github:{sandbox.github_repo}#{free["number"]}"',
    ))
    fixed = seeded.json("sync", "--yes")
    assert fixed["summary"]["failures"] == []
    assert fixed["summary"]["born"] == {sandbox.jira_tracker: 1}
    assert sandbox.github_number("ml.feature-store") == free["number"]


def test_the_nightly_job_logs_the_refused_claim_at_its_line(
    seeded: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = seeded.sandbox
    taken = sandbox.jira_key("infra.ci")
    line = _claim(seeded, f"jira:{taken}")
    with caplog.at_level(logging.ERROR):
        outcome = sync_project(seeded.config, PROJECT)
    assert outcome.exit_code == 2
    [record] = [r for r in caplog.records if "sync of" in r.getMessage()]
    assert f"{sandbox.roadmap}:{line}:" in record.getMessage()
    assert "phases[0].epics[0].items[2].adopt" in record.getMessage()
