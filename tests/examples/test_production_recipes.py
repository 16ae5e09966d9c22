"""The production recipes in examples/production/ (and the Dockerfile) are checked as far as
they can be without Actions, Docker or Kubernetes: the YAML parses, every `tracker-bridge`
command and flag they name exists, every TB_* variable they set is a setting or a secret the
config names, and the config loads."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import BaseModel
from ruamel.yaml import YAML

from tracker_bridge.cli import _load_commands
from tracker_bridge.cli.app import app
from tracker_bridge.config import Settings, load_settings

ROOT = Path(__file__).parents[2]
RECIPES = ROOT / "examples" / "production"
CONFIG = RECIPES / "tracker-bridge.toml"
OUTSIDE_SETTINGS = {"TB_CONFIG", "TB_SECRETS_DIR"}


def _yaml(name: str) -> Any:
    return YAML(typ="safe").load((RECIPES / name).read_text())


def _cli() -> Any:
    """The CLI's command tree (typer's click-like objects: groups have `commands`)."""
    _load_commands()
    return typer.main.get_command(app)


def check_invocation(argv: list[str]) -> None:
    """`argv` (without the program name) names commands and options the CLI has."""
    command = _cli()
    words = list(argv)
    while hasattr(command, "commands") and words and not words[0].startswith("-"):
        name = words.pop(0)
        assert name in command.commands, f"no command {name!r} in {argv}"
        command = command.commands[name]
    assert not hasattr(command, "commands"), f"{argv} names no command"
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    options |= {opt for param in _cli().params for opt in param.opts}
    for word in words:
        if word.startswith("-"):
            assert word.split("=", 1)[0] in options, f"{command.name} has no option {word}"


def _invocations(script: str) -> Iterator[list[str]]:
    joined = script.replace("\\\n", " ")
    for line in joined.splitlines():
        for part in re.split(r"\|\||&&|;|\|", line):
            words = shlex.split(part, comments=True)
            if words and words[0] == "tracker-bridge":
                yield words[1:]


def _setting_variables(model: type[BaseModel] = Settings, prefix: str = "TB_") -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        variable = prefix + name.upper()
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _setting_variables(annotation, variable + "__")
        else:
            names.add(variable)
    return names


def _config_secrets() -> set[str]:
    settings = load_settings(CONFIG, environ={})
    return {
        name
        for project in settings.projects
        for target in project.targets
        for name in (target.token_env, target.webhook_secret_env)
        if name
    }


def check_variables(names: set[str]) -> None:
    known = _setting_variables() | _config_secrets() | OUTSIDE_SETTINGS
    unknown = {name for name in names if name.startswith("TB_")} - known
    assert not unknown, f"not a setting or a secret the config names: {sorted(unknown)}"


def test_the_shared_config_loads_and_names_its_secrets_only() -> None:
    settings = load_settings(CONFIG, environ={})
    assert [p.name for p in settings.projects] == ["trending-now"]
    assert settings.serve.log_format == "json"
    assert _config_secrets() == {"TB_JIRA_TOKEN", "TB_GITHUB_TOKEN"}


def test_the_github_actions_workflow() -> None:
    workflow = _yaml("github-actions-nightly.yml")
    assert workflow["on"]["schedule"][0]["cron"]  # ruamel reads YAML 1.2: `on` stays a string
    steps = workflow["jobs"]["sync"]["steps"]
    runs = [step for step in steps if "tracker-bridge serve" in step.get("run", "")]
    assert len(runs) == 1
    invocations = list(_invocations(runs[0]["run"]))
    assert invocations == [["serve", "--once", "--config", "tracker-bridge.toml",
                            "--log-format", "json"]]
    for argv in invocations:
        check_invocation(argv)
    check_variables(set(runs[0]["env"]))
    assert "TB_STORE__URL" in runs[0]["env"]  # the store must persist: PostgreSQL


def test_the_compose_file_runs_two_workers_on_one_postgres_store() -> None:
    compose = _yaml("docker-compose.yml")
    services = compose["services"]
    workers = {name: s for name, s in services.items() if s.get("command") == ["serve"]}
    assert sorted(workers) == ["worker-1", "worker-2"]
    stores = {w["environment"]["TB_STORE__URL"] for w in workers.values()}
    assert len(stores) == 1 and next(iter(stores)).startswith("postgresql+psycopg://")
    assert "@postgres:" in next(iter(stores)) and "postgres" in services
    for worker in workers.values():
        check_invocation(worker["command"])
        check_variables(set(worker["environment"]))
        assert "./config:/home/bridge/config:ro" in worker["volumes"]
    ports = [p for w in workers.values() for p in w["ports"]]
    assert len(set(ports)) == 2  # each worker's /healthz and /metrics on its own host port


def test_the_kubernetes_cronjob() -> None:
    cronjob = _yaml("kubernetes-cronjob.yaml")
    assert (cronjob["apiVersion"], cronjob["kind"]) == ("batch/v1", "CronJob")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    job = cronjob["spec"]["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    (container,) = pod["containers"]
    check_invocation(container["args"])
    assert container["args"][:2] == ["serve", "--once"]
    check_variables({env["name"] for env in container["env"]})
    assert pod["securityContext"]["runAsUser"] == 10001
    mount = container["volumeMounts"][0]["mountPath"]
    assert f"{mount}/tracker-bridge.toml" == _dockerfile_env()["TB_CONFIG"]
    codes = {
        rule["action"]: rule["onExitCodes"]["values"] for rule in job["podFailurePolicy"]["rules"]
    }
    assert codes == {"FailJob": [2], "Ignore": [75]}  # the CLI's exit codes


def _dockerfile_env() -> Mapping[str, str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for word in shlex.split(line[4:]):
                if "=" in word:
                    name, value = word.split("=", 1)
                    found[name] = value
    return found


def test_the_dockerfile_sets_real_settings_and_runs_real_commands() -> None:
    env = _dockerfile_env()
    check_variables(set(env))
    assert env["TB_SERVE__HOST"] == "0.0.0.0"  # reachable from outside the container
    text = (ROOT / "Dockerfile").read_text()
    expose = re.search(r"^EXPOSE (\d+)$", text, re.M)
    assert expose is not None and expose[1] == env["TB_SERVE__PORT"]
    assert "/healthz" in text and re.search(r"^USER 10001$", text, re.M)
    check_invocation(["serve"])


@pytest.mark.parametrize("argv", [["serve", "--once", "--no-such-flag"], ["sink"]])
def test_the_checker_catches_a_misspelt_command_or_flag(argv: list[str]) -> None:
    with pytest.raises(AssertionError):
        check_invocation(argv)


def test_the_container_smoke_says_it_skipped_and_why_when_it_cannot_run(tmp_path: Path) -> None:
    """CI must never look as if the image had been tested when it was not."""
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "container-smoke")],
        capture_output=True,
        text=True,
        env={**os.environ, "CONTAINER_SMOKE_SCRIPT": str(tmp_path / "missing.sh")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("CONTAINER SMOKE SKIPPED: ")
    assert "missing.sh is missing" in done.stdout
