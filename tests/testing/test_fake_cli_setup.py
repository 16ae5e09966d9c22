"""`tracker-bridge fake jira --user/--field` and `fake github --collaborator`, as a quick start
runs them: a real process, then the real client libraries against what it printed."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jira
import pytest
from github import Auth, Github

from tests.processes import line_reader, next_line
from tracker_bridge.cli import main
from tracker_bridge.cli.fake_cmds import JIRA_FIELD_TYPES
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.custom_fields import CUSTOM_TYPES

SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [str(SCRIPT), "fake", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines = line_reader(process.stdout)
    shown = [next_line(lines).rstrip()]
    while True:  # the announcement ends with the last configured item
        try:
            shown.append(next_line(lines, timeout=1).rstrip())
        except AssertionError:  # nothing more printed
            return process, shown


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in err, err


@pytest.mark.slow
def test_fake_jira_users_and_fields_from_the_command_line() -> None:
    process, shown = _start(
        "jira", "--flavour", "datacenter", "--user", "dana", "--user", "eve",
        "--field", "Team:select=Red,Blue", "--field", "Risk score:number",
    )  # fmt: skip
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", shown[0])
        assert url, shown
        basic = next(line for line in shown if "basic_auth" in line)
        login, password = re.findall(r"'([^']*)'", basic)
        client = jira.JIRA(
            url.group(0),
            basic_auth=(login, password),
            max_retries=0,
            options={"check_update": False},
        )
        fields = {f["name"]: f for f in client.fields()}
        team = fields["Team"]["id"]
        assert fields["Risk score"]["schema"]["type"] == "number"
        assert f"field 'Team': {team}" in "\n".join(shown)
        issue = client.create_issue(
            fields={
                "project": "TREND",
                "issuetype": {"name": "Task"},
                "summary": "s",
                "assignee": {"name": "eve"},
                team: {"value": "Blue"},
            }
        )
        found: Any = client.issue(issue.key).fields
        assert found.assignee.name == "eve" and getattr(found, team).value == "Blue"
        assert [i.key for i in client.search_issues("Team = Blue")] == [issue.key]
    finally:
        _stop(process)


@pytest.mark.slow
def test_fake_jira_cloud_prints_the_account_ids_a_people_map_needs() -> None:
    process, shown = _start("jira", "--user", "dana")
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", shown[0])
        assert url, shown
        [line] = [line for line in shown if line.startswith("  users:")]
        account = re.search(r"dana \(accountId (\w+)\)", line)
        assert account, line
        login, token = re.findall(r"'([^']*)'", shown[1])
        client = jira.JIRA(
            url.group(0), basic_auth=(login, token), max_retries=0, options={"check_update": False}
        )
        assert client.user(account.group(1)).displayName == "dana"
    finally:
        _stop(process)


@pytest.mark.slow
def test_fake_github_collaborators_from_the_command_line() -> None:
    process, shown = _start("github", "--collaborator", "dana")
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+", shown[0])
        assert url, shown
        (token,) = re.findall(r"'([^']*)'", shown[1])
        assert "  collaborators: dana" in shown
        client = Github(base_url=url.group(0), auth=Auth.Token(token), seconds_between_writes=0)
        issue = client.get_repo("acme/trending-now").create_issue("x", assignees=["dana"])
        assert [u.login for u in issue.assignees] == ["dana"]
        refused = httpx.post(
            f"{url.group(0)}/repos/acme/trending-now/issues",
            json={"title": "y", "assignees": ["mallory"]},
            headers={"Authorization": f"token {token}"},
        )
        assert refused.status_code == 422
    finally:
        _stop(process)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["fake", "jira", "--field", "Team"], "expected NAME:TYPE"),
        (["fake", "jira", "--field", "Mood:emoji"], "unknown field type 'emoji'"),
        (["fake", "jira", "--field", "Summary:text"], "a field named 'Summary' already exists"),
        (["fake", "jira", "--user", "two words"], "no spaces"),
        (["fake", "github", "--collaborator", "acme"], "organisation"),
    ],
)
def test_bad_setup_is_a_one_line_usage_error(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_the_help_lists_the_fakes_field_types() -> None:
    assert tuple(CUSTOM_TYPES) == JIRA_FIELD_TYPES


def test_a_state_file_this_start_cannot_take_is_a_usage_error(tmp_path: Path) -> None:
    state = tmp_path / "jira.json"
    with FakeJira("cloud", state_file=state) as fake:
        fake.add_custom_field("Team", "text")
    result = subprocess.run(
        [str(SCRIPT), "fake", "jira", "--state-file", str(state), "--field", "Other:number"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--state-file" in result.stderr and "saved order" in result.stderr
    assert "Traceback" not in result.stderr
