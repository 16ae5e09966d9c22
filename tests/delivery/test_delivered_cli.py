"""`tracker-bridge delivered`: a deployment made by a CI GitHub does not run (GitLab,
Jenkins, Argo CD) moves the items its commit delivers, or the items named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cli.conftest import Cli
from tests.delivery.test_done_when import ITEM, expected, stage_events, stages_on_trackers
from tracker_bridge.model import Stage
from tracker_bridge.testing.sandbox import Sandbox


@pytest.fixture
def cli(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(sandbox, capsys)


def test_a_commit_deployed_by_another_ci_moves_its_merged_items(cli: Cli) -> None:
    sandbox = cli.sandbox
    assert cli("sync", "-c", cli.config, "--yes").code == 0
    gh, repo = sandbox.github, sandbox.github_repo
    body = f"Closes {repo}#{sandbox.github_number(ITEM)}"
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Scrape", body=body))
    gh.merge_pull_request(repo, gh.open_pull_request(repo, "Unrelated"))  # after, on top
    head = gh.state.repo(repo).git.branches["main"]  # type: ignore[union-attr]
    deployed = (gh.clock.now() + timedelta(minutes=5)).replace(microsecond=0)
    at = deployed.strftime("%Y-%m-%dT%H:%M:%SZ")
    done = cli(
        "delivered", "-c", cli.config, "--environment", "production", "--commit", head[:12],
        "--at", at,
    )  # fmt: skip
    assert done.code == 0, done.err
    assert f"{ITEM} -> done" in done.out
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.DONE)
    assert stage_events(sandbox, ITEM)[-1][0] == "done"
    assert stage_events(sandbox, ITEM)[-1][1] == deployed  # the deployment's own time


def test_a_deployment_older_than_the_merge_delivers_nothing(cli: Cli) -> None:
    sandbox = cli.sandbox
    assert cli("sync", "-c", cli.config, "--yes").code == 0
    gh, repo = sandbox.github, sandbox.github_repo
    before = gh.state.repo(repo)  # the first commit on main, before any merge
    body = f"Fixes #{sandbox.github_number(ITEM)}"
    gh.open_pull_request(repo, "Scrape", body=body)  # creates main's first commit
    first = before.git.branches["main"]  # type: ignore[union-attr]
    gh.merge_pull_request(repo, gh.state.repo(repo).next_number - 1)  # type: ignore[union-attr]
    done = cli("delivered", "-c", cli.config, "-e", "production", "--commit", first)
    assert done.code == 0, done.err
    assert stages_on_trackers(sandbox, ITEM) == expected(Stage.READY_FOR_STAGING)


def test_items_named_directly(cli: Cli) -> None:
    assert cli("sync", "-c", cli.config, "--yes").code == 0
    done = cli("delivered", "-c", cli.config, "-e", "staging", "--items", ITEM)
    assert done.code == 0, done.err
    assert stages_on_trackers(cli.sandbox, ITEM) == expected(Stage.IN_STAGING)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "production"], "give --commit SHA or --items"),
        (["-e", "production", "--commit", "main"], "not a commit sha"),
        (["-e", "qa", "--items", ITEM], "'qa' is not in the mapping's delivery.environments"),
        (["-e", "staging", "--items", "no.such-item"], "no item 'no.such-item'"),
        (["-e", "staging", "--items", ITEM, "--at", "yesterday"], "not an ISO 8601 time"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    result = cli("delivered", "-c", cli.config, *args)
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1
