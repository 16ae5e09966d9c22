"""The same options on every command: the configured roadmap by default, --debug and -c
everywhere, -t by adapter name, doctor's --target; hints that are real commands."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli, writes

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)
SCRIPT = Path(sys.executable).parent / "tracker-bridge"


def test_plan_seed_apply_default_to_the_configured_roadmap(cli: Cli) -> None:
    planned = cli("plan", "-c", cli.config, "--json")
    assert planned.code == 0, planned.err
    given = cli.roadmap("plan", "--json")
    assert json.loads(planned.out)["plan"]["checksum"] == json.loads(given.out)["plan"]["checksum"]
    seeded = cli("seed", "-c", cli.config, "--yes")
    assert seeded.code == 0, seeded.err
    sandbox = cli.sandbox
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
    applied = cli("apply", "-c", cli.config, "--json")
    assert applied.code == 0, applied.err
    assert json.loads(applied.out)["plan"]["actions"] == []


def test_a_roadmap_that_is_not_the_projects_is_refused_without_project(
    cli: Cli, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(EXAMPLE.read_text())
    for command in ("plan", "seed", "apply"):
        writing = ("--yes",) if command == "seed" else ()
        refused = cli(command, str(draft), "-c", cli.config, *writing)
        assert refused.code == 2, (command, refused.err)
        assert len(refused.err.splitlines()) == 1, refused.err
        assert str(draft) in refused.err and "--project" in refused.err
        assert str(EXAMPLE) in refused.err  # which roadmap the project does have
    assert writes(cli.sandbox) == 0
    named = cli("plan", str(draft), "-c", cli.config, "--project", cli.sandbox.project)
    assert named.code == 0, named.err


def test_debug_is_accepted_after_any_command(cli: Cli) -> None:
    for args in (
        ("plan", "--debug", "-c", cli.config, "--json"),
        ("validate", str(EXAMPLE), "--debug"),
        ("schema", "roadmap", "--debug"),
        ("spike", "check", "--debug", "-c", cli.config),
    ):
        result = cli(*args)
        assert result.code in (0, 1), (args, result.err)
        assert "No such option" not in result.err


def test_debug_shows_the_traceback_the_error_line_promises(cli: Cli) -> None:
    with pytest.raises(Exception, match="nothing synced yet"):
        cli("status", "-c", cli.config, "--debug")


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("report", "sprint", "--sprint", "s1"),
        ("spike", "check"),
        ("doctor",),
        ("relink", "-t", "jira"),
    ],
)
def test_every_command_that_reads_the_config_takes_c(seeded: Cli, command: tuple[str, ...]) -> None:
    result = seeded(*command, "-c", seeded.config)
    # 0, or 1 where the command finds a problem (spike check: an overdue spike); never 2.
    assert result.code in (0, 1) and result.err == "", (command, result.err)


def test_target_by_adapter_name(cli: Cli) -> None:
    by_name = cli("plan", "-c", cli.config, "-t", "github", "--json")
    assert by_name.code == 0, by_name.err
    trackers = {a["tracker"] for a in json.loads(by_name.out)["plan"]["actions"]}
    assert trackers == {cli.sandbox.github_tracker}
    unknown = cli("plan", "-c", cli.config, "-t", "gitlab")
    assert unknown.code == 2
    assert cli.sandbox.github_tracker in unknown.err and cli.sandbox.jira_tracker in unknown.err


def test_an_ambiguous_adapter_name_names_the_candidates(cli: Cli) -> None:
    config = Path(cli.config)
    text = config.read_text()
    second = text[text.rindex("[[projects.targets]]"):].replace(
        cli.sandbox.github_repo, "acme/second-repo"
    )
    config.write_text(text + "\n" + second)
    result = cli("plan", "-c", cli.config, "-t", "github")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1, result.err
    assert cli.sandbox.github_tracker in result.err and "github:acme/second-repo" in result.err
    assert writes(cli.sandbox) == 0


def test_doctor_takes_target_and_still_the_old_tracker(cli: Cli) -> None:
    cli.sandbox.jira.denied_permissions.add("CREATE_ISSUES")
    for option in ("--target", "-t", "--tracker"):
        result = cli("doctor", "-c", cli.config, option, "github")
        assert result.code == 0, (option, result.out)
        assert cli.sandbox.jira_tracker not in result.out
    by_id = cli("doctor", "-c", cli.config, "--target", cli.sandbox.jira_tracker)
    assert by_id.code == 1 and "CREATE_ISSUES" in by_id.out


# -- hints, pasted into a shell as a person would ----------------------------------------------


def _console(sandbox: Sandbox, command: str) -> subprocess.CompletedProcess[str]:
    """`command` run by a shell in the sandbox's folder, with the console script on PATH."""
    env = {**os.environ, **sandbox.environ}
    env["PATH"] = f"{SCRIPT.parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("TB_CONFIG", None)
    return subprocess.run(
        command, shell=True, capture_output=True, text=True, timeout=120, env=env,
        cwd=sandbox.directory,
    )


def _hints(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if line.strip().startswith("tracker-bridge ")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "hint"),
    [("plan", "apply --checksum"), ("seed", "apply --checksum"), ("seed", "--yes")],
)
def test_the_dry_run_hints_work_when_pasted(tmp_path: Path, command: str, hint: str) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        config = shlex.quote(str(sandbox.config_path.relative_to(sandbox.directory)))
        dry = _console(sandbox, f"tracker-bridge {command} -c {config}")
        assert dry.returncode == 0, dry.stderr
        assert sandbox.counts() == {sandbox.jira_tracker: 0, sandbox.github_tracker: 0}
        (pasted,) = [h for h in _hints(dry.stdout) if all(w in h for w in hint.split())]
        done = _console(sandbox, pasted)
        assert done.returncode == 0, (pasted, done.stderr)
        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


@pytest.mark.slow
def test_sync_and_status_hints_work_when_pasted(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        config = str(sandbox.config_path)
        status = _console(sandbox, f"tracker-bridge status -c {shlex.quote(config)}")
        assert status.returncode == 2
        first, second = (h.strip("`") for h in status.stderr.split("`")[1::2][:2])
        assert first.startswith("tracker-bridge seed") and second.startswith("tracker-bridge sync")
        dry = _console(sandbox, second)
        assert dry.returncode == 0, dry.stderr
        (pasted,) = _hints(dry.stdout)
        assert _console(sandbox, pasted).returncode == 0
        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
        assert _console(sandbox, f"tracker-bridge status -c {shlex.quote(config)}").returncode == 0


def test_validate_and_show_read_the_configured_roadmap(cli: Cli) -> None:
    checked = cli("validate", "-c", cli.config)
    assert checked.code == 0, checked.err
    assert checked.out.startswith(f"{EXAMPLE}: OK:")
    shown = cli("show", "--config", cli.config, "--project", cli.sandbox.project)
    assert shown.code == 0, shown.err
    assert "infra.repo-setup" in shown.out
    unknown = cli("validate", "-c", cli.config, "-p", "nope")
    assert unknown.code == 2 and "'nope'" in unknown.err


@pytest.mark.slow
def test_a_stale_checksum_names_the_commands_that_review_and_apply_the_new_plan(
    tmp_path: Path,
) -> None:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as sandbox:
        config = shlex.quote(str(sandbox.config_path.relative_to(sandbox.directory)))
        stale = _console(sandbox, f"tracker-bridge apply -c {config} --checksum 0000000000ab")
        assert stale.returncode == 2, stale.stderr
        assert sandbox.counts() == {sandbox.jira_tracker: 0, sandbox.github_tracker: 0}
        review, apply = (h.strip("`") for h in stale.stderr.split("`")[1::2][:2])
        assert review.startswith("tracker-bridge plan") and "--checksum" in apply
        assert _console(sandbox, review).returncode == 0
        done = _console(sandbox, apply)
        assert done.returncode == 0, (apply, done.stderr)
        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
