"""Failures are counted once and listed all, or counted with where to see the rest."""

from __future__ import annotations

import json

from tracker_bridge.testing.server import FaultRule

from .conftest import Cli

ISSUE_CREATES = r"^/repos/[^/]+/[^/]+/issues$"


def test_refused_creates_count_once_each_and_the_list_says_how_many_more(cli: Cli) -> None:
    github = cli.sandbox.github_tracker
    # The repository refuses every new issue (as a locked or archived one does).
    cli.sandbox.github.faults.add(FaultRule("error", status=403, method="POST", path=ISSUE_CREATES))

    seeded = cli.roadmap("seed", "--yes", "--json")
    assert seeded.code == 1
    failures = json.loads(seeded.out)["summary"]["failures"]
    ours = [f for f in failures if f["tracker"] == github]
    assert len(ours) == 36
    assert {f["op"] for f in ours} == {"create"}, "a refused create's moves are not failures"

    cli.sandbox.github.faults.clear()
    cli.sandbox.github.faults.add(FaultRule("error", status=403, method="POST", path=ISSUE_CREATES))
    text = cli("sync", "--yes", "-c", cli.config)
    assert text.code == 1
    listed = [line for line in text.out.splitlines() if line.strip().startswith("✗")]
    assert len(listed) == 20
    assert "… and 16 more failure(s): `--json` lists them all" in text.out
