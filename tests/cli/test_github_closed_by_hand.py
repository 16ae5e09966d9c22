"""A GitHub issue closed by hand: read as done, and its stale stage label goes on the next write."""

from __future__ import annotations

from .conftest import Cli

ITEM = "infra.secrets"  # in_review in the roadmap


def _labels(cli: Cli) -> set[str]:
    sandbox = cli.sandbox
    number = sandbox.github_number(ITEM)
    issue = next(i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number)
    return {label["name"] for label in issue["labels"]}


def test_a_closed_issue_loses_its_stale_stage_label_on_the_next_write(seeded: Cli) -> None:
    sandbox = seeded.sandbox
    assert "stage:in-review" in _labels(seeded)
    # Someone closes the issue in GitHub's UI; the stage label stays, as GitHub leaves it.
    sandbox.github_edit(ITEM, state="closed", state_reason="completed")
    moved = seeded("sync", "--yes", "-c", seeded.config)
    assert moved.code == 0, moved.err
    jira = next(
        i for i in sandbox.jira.issues(sandbox.jira_project) if i["key"] == sandbox.jira_key(ITEM)
    )
    assert jira["fields"]["status"]["name"] == "Done"  # read as done, mirrored to Jira
    # The next write to the issue (a title edited in Jira) also fixes the labels.
    sandbox.jira_edit(ITEM, summary="Move every API key to the secrets manager")
    edited = seeded("sync", "--yes", "-c", seeded.config)
    assert edited.code == 0, edited.err
    labels = _labels(seeded)
    assert not {name for name in labels if name.startswith("stage:")}, labels
    assert {"security"} <= labels  # labels that are not the stage's are kept
    settled = seeded("sync", "--yes", "-c", seeded.config, "--json")
    assert '"updated": 0' in settled.out and '"moved": 0' in settled.out
