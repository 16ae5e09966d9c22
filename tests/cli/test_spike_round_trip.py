"""A spike's record reaches both trackers and comes back from them (issue 13).

The team starts a spike, extends it once, closes it with what it learned; the nightly sync
writes each step to Jira (the description's tool-owned panel, the due date, an outcome label)
and GitHub (the body's time-box block; on close a comment and the issue closed). Then the
state database is lost: `relink` restores the record from the trackers, so `spike check`
does not report the closed spike as overdue.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import Cli

TAGS = "llm-enrichment.tag-taxonomy"  # 5 days, not started in the roadmap
LAYOUT = "frontend.layout-perf"  # 3 days (policy: at most 10 days, 1 extension)


def _jira(cli: Cli, item_id: str) -> dict[str, Any]:
    sandbox = cli.sandbox
    key = sandbox.jira_key(item_id)
    return next(i for i in sandbox.jira.issues(sandbox.jira_project) if i["key"] == key)


def _github(cli: Cli, item_id: str) -> dict[str, Any]:
    return cli.sandbox.github_issue(item_id)


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args, "-c", cli.config)
    assert result.code == 0, result.err
    return result.out


def _quiet(cli: Cli) -> None:
    plan = json.loads(_ok(cli, "plan", "--json"))
    assert plan["plan"]["actions"] == []  # read back as written: no churn


def _abandon_layout(cli: Cli) -> None:
    """The team starts the layout spike, then closes it as abandoned."""
    _ok(cli, "spike", "start", LAYOUT)
    _ok(cli, "spike", "close", LAYOUT, "--outcome", "abandoned",
        "--learning", "The design moved to a list view")


def test_start_extend_close_reach_both_trackers_and_survive_a_lost_store(seeded: Cli) -> None:
    cli = seeded
    _ok(cli, "spike", "start", TAGS)
    _ok(cli, "sync", "--yes")
    jira = _jira(cli, TAGS)["fields"]
    assert "- Started: " in jira["description"]
    assert jira["duedate"] is not None  # the last day of the time-box
    body = _github(cli, TAGS)["body"]
    assert f"Time-box: until {jira['duedate']}" in body and "\n- Started: " in body
    _quiet(cli)

    # A person writes notes on both sides of the tool's panel in Jira; they survive.
    notes = "Before: compare with the 2024 taxonomy."
    after = "After: ask Maria for the labelled set."
    cli.sandbox.jira_edit(TAGS, description=f"{notes}\n\n{jira['description']}\n\n{after}")
    _ok(cli, "sync", "--yes")

    _ok(cli, "spike", "extend", TAGS, "--days", "3", "--reason", "GPU quota ran out")
    # `--sync` writes the record to every target at once, not at the next nightly sync.
    _ok(cli, "spike", "close", TAGS, "--outcome", "invalidated",
        "--learning", "Tags do not cluster below 80 groups", "--sync")

    jira = _jira(cli, TAGS)["fields"]
    description = jira["description"]
    assert description.startswith(notes) and description.endswith(after)
    assert "- Extended: +3 days on " in description and ": GPU quota ran out" in description
    assert "- Outcome: invalidated\n- Learning: Tags do not cluster below 80 groups" in description
    assert "spike-outcome:invalidated" in jira["labels"]
    assert jira["status"]["name"] == "Done"
    issue = _github(cli, TAGS)
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    assert "- Outcome: invalidated" in issue["body"]
    comments = cli.sandbox.github.comments(cli.sandbox.github_repo, issue["number"])
    assert [c["body"] for c in comments] == [
        "Spike closed: **invalidated**\n\nLearning: Tags do not cluster below 80 groups"
    ]
    # Notes a person wrote in Jira reached GitHub's description too (the text around the panel).
    assert notes in issue["body"] and after in issue["body"]
    _quiet(cli)

    (cli.sandbox.directory / "state.sqlite").unlink()  # the database is lost
    for tracker in (cli.sandbox.jira_tracker, cli.sandbox.github_tracker):
        _ok(cli, "relink", "--target", tracker)
    check = cli("spike", "check", "-c", cli.config)
    assert TAGS not in check.out  # closed, with its learning: not overdue
    planned = json.loads(_ok(cli, "plan", "--json"))["plan"]
    plan = planned["actions"]
    # The record came back: nothing of it is rewritten, nor the spike reopened. The roadmap
    # gives this spike no description, so the notes a person wrote around the panel are
    # nobody's conflict: they stay (they were erased here before relink kept them).
    assert planned["conflicts"] == []
    touched = {name for a in plan if a["item"] == TAGS for name in a.get("changes", {})}
    assert touched == set()
    assert not any(a["op"] == "move_stage" for a in plan if a["item"] == TAGS)
    assert len(cli.sandbox.github.comments(cli.sandbox.github_repo, issue["number"])) == 1


def test_an_abandoned_spike_is_closed_as_not_planned(seeded: Cli) -> None:
    cli = seeded
    _abandon_layout(cli)
    _ok(cli, "sync", "--yes")
    issue = _github(cli, LAYOUT)
    assert issue["state"] == "closed" and issue["state_reason"] == "not_planned"
    assert "spike-outcome:abandoned" in _jira(cli, LAYOUT)["fields"]["labels"]
    _quiet(cli)


def test_a_spike_closed_before_its_first_sync_gets_its_close_on_both_trackers(cli: Cli) -> None:
    # A team tries the tool on a roadmap whose spike already ran: it records the spike's
    # start and close, then syncs for the first time. The issues are created closed and
    # carry the record -- and GitHub gets the close comment, as for a spike closed later.
    _abandon_layout(cli)
    _ok(cli, "sync", "--yes")
    issue = _github(cli, LAYOUT)
    assert issue["state"] == "closed" and issue["state_reason"] == "not_planned"
    assert "- Outcome: abandoned" in issue["body"]
    comments = cli.sandbox.github.comments(cli.sandbox.github_repo, issue["number"])
    assert [c["body"] for c in comments] == [
        "Spike closed: **abandoned**\n\nLearning: The design moved to a list view"
    ]
    jira = _jira(cli, LAYOUT)["fields"]
    assert jira["status"]["name"] == "Done" and "spike-outcome:abandoned" in jira["labels"]
    _ok(cli, "sync", "--yes")  # the next night: nothing is said twice
    assert len(cli.sandbox.github.comments(cli.sandbox.github_repo, issue["number"])) == 1
    _quiet(cli)


def test_a_spike_closed_by_hand_is_reported_with_the_command_to_record_it(seeded: Cli) -> None:
    cli = seeded
    _ok(cli, "spike", "start", LAYOUT)
    _ok(cli, "sync", "--yes")
    # A person closes the issue on GitHub without `spike close`.
    cli.sandbox.github_edit(LAYOUT, state="closed", state_reason="completed")
    _ok(cli, "sync", "--yes")
    check = cli("spike", "check", "-c", cli.config)
    assert check.code == 1
    line = next(line for line in check.out.splitlines() if line.startswith(LAYOUT))
    assert "closed in the tracker without a learning" in line
    assert f"tracker-bridge spike close {LAYOUT} --outcome " in line


def test_extend_refuses_a_time_box_beyond_the_policys_longest(seeded: Cli) -> None:
    cli = seeded
    _ok(cli, "spike", "start", LAYOUT)
    refused = cli("spike", "extend", LAYOUT, "--days", "30", "--reason", "more data",
                  "-c", cli.config)
    assert refused.code == 2
    assert "max_timebox_days: 10" in refused.err and "33 days" in refused.err
    assert "Traceback" not in refused.err
    _ok(cli, "spike", "extend", LAYOUT, "--days", "7", "--reason", "more data")  # 10: fine
    again = cli("spike", "extend", LAYOUT, "--days", "1", "--reason", "more", "-c", cli.config)
    assert again.code == 2 and "extensions_allowed" in again.err
