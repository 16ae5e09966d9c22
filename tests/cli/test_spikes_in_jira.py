"""A seeded spike in Jira: its hypothesis in the description, its due date the day its
time-box ends in the team's time zone (Europe/Amsterdam in the example)."""

from __future__ import annotations

import json
from typing import Any

from tracker_bridge.roadmap import load_roadmap

from .conftest import EXAMPLE, Cli

SPIKE = "llm-poc.vibe-score-signal"  # started 2026-02-02 (Amsterdam), 8 days + 2 extension


def _issue(cli: Cli, item_id: str) -> dict[str, Any]:
    sandbox = cli.sandbox
    key = sandbox.jira_key(item_id)
    return next(i for i in sandbox.jira.issues(sandbox.jira_project) if i["key"] == key)


def test_a_spike_reaches_jira_with_its_hypothesis_and_its_local_last_day(seeded: Cli) -> None:
    spike = next(i for i in load_roadmap(EXAMPLE).roadmap.items if i.id == SPIKE)
    assert spike.timebox is not None and spike.description == ""
    fields = _issue(seeded, SPIKE)["fields"]
    hypothesis = " ".join(spike.timebox.hypothesis.split())
    # The tool's own section: the hypothesis, the time-box and the record so far.
    assert fields["description"] == "\n".join([
        "{panel:title=Spike (tracker-bridge)}",
        f"Hypothesis: {hypothesis}",
        "Time-box: 8 days",
        "- Started: 2026-02-01 23:00 UTC",
        "- Extended: +2 days on 2026-02-09: Labelling of the 200-title sample took longer "
        "than planned",
        "{panel}",
    ])
    # The box runs until 2026-02-12 00:00 in Amsterdam (23:00 UTC the day before).
    assert fields["duedate"] == "2026-02-12"
    github = seeded.sandbox.github.issues(seeded.sandbox.github_repo)
    body = next(i["body"] for i in github if f"id={SPIKE} " in (i["body"] or ""))
    assert "until 2026-02-12" in body
    settled = seeded("plan", "-c", seeded.config, "--json")
    assert json.loads(settled.out)["plan"]["actions"] == []  # read back as written: no churn


def test_editing_a_spikes_description_keeps_its_hypothesis(seeded: Cli) -> None:
    sandbox = seeded.sandbox
    # The team writes notes into the spike's description on GitHub; sync carries them to Jira.
    issue = next(
        i for i in sandbox.github.issues(sandbox.github_repo) if f"id={SPIKE} " in (i["body"] or "")
    )
    sandbox.github_edit(SPIKE, body="Notes: compare on 200 films.\n\n" + issue["body"])
    synced = seeded("sync", "--yes", "-c", seeded.config)
    assert synced.code == 0, synced.err
    description = _issue(seeded, SPIKE)["fields"]["description"]
    assert description.startswith("Notes: compare on 200 films.")
    assert "\n\n{panel:title=Spike (tracker-bridge)}\nHypothesis: " in description
    again = seeded("sync", "-c", seeded.config, "--json")
    assert json.loads(again.out)["plan"]["actions"] == []
