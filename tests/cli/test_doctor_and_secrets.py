"""doctor's exit codes, and tokens never reaching the terminal, even when a token is wrong."""

from __future__ import annotations

import pytest

from tracker_bridge.testing.sandbox import GITHUB_TOKEN_ENV, JIRA_TOKEN_ENV

from .conftest import EXAMPLE, Cli, writes


def test_doctor_passes_on_the_sandbox(cli: Cli) -> None:
    result = cli("doctor", "-c", cli.config)
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    assert cli.sandbox.jira_tracker in result.out and cli.sandbox.github_tracker in result.out


def test_doctor_fails_when_jira_denies_a_permission(cli: Cli) -> None:
    cli.sandbox.jira.denied_permissions.add("CREATE_ISSUES")
    result = cli("doctor", "-c", cli.config)
    assert result.code == 1
    assert "FAIL" in result.out and "CREATE_ISSUES" in result.out


def test_doctor_of_one_target(cli: Cli) -> None:
    cli.sandbox.jira.denied_permissions.add("CREATE_ISSUES")
    result = cli("doctor", "-c", cli.config, "--tracker", "github")
    assert result.code == 0, result.out
    assert cli.sandbox.jira_tracker not in result.out


COMMANDS = [
    ("plan", str(EXAMPLE)),
    ("seed", str(EXAMPLE), "--yes"),
    ("apply", str(EXAMPLE)),
    ("sync", "--yes"),
    ("doctor",),
]


@pytest.mark.parametrize("env", [JIRA_TOKEN_ENV, GITHUB_TOKEN_ENV])
def test_a_wrong_token_is_one_clear_line_without_the_token(
    cli: Cli, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-the-token-" + env.lower()
    monkeypatch.setenv(env, wrong)
    cli.secrets.add(wrong)  # a wrong token is still a secret
    for command in COMMANDS:
        result = cli(*command, "-c", cli.config)
        assert result.code != 0, command
        if command[0] == "doctor":  # a failed check; the other tracker is still checked
            assert result.code == 1
            assert "rejected" in result.out and "FAIL" in result.out
            assert "permission" in result.out or "label" in result.out, result.out
            continue
        assert result.code == 2, (command, result.err)
        assert len(result.err.strip().splitlines()) == 1, (command, result.err)
        assert "rejected" in result.err and "--debug" not in result.err, result.err
    assert writes(cli.sandbox) == 0


def test_a_missing_token_names_the_variable(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(GITHUB_TOKEN_ENV)
    result = cli("sync", "-c", cli.config)
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert GITHUB_TOKEN_ENV in result.err
