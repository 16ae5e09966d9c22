"""Settings from a TOML file and the environment; secrets named, never held or shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from tracker_bridge.config import Settings, load_settings
from tracker_bridge.errors import UserError

EXAMPLE = Path(__file__).parents[2] / "config" / "tracker-bridge.example.toml"
TOKEN = "jira-token-do-not-print-4f1c"

CONFIG = """\
[store]
url = "sqlite:///state/tb.sqlite"

[reconcile]
conflict_policy = "hold"

[[projects]]
name = "trending-now"
roadmap = "roadmaps/trending-now.yaml"
schedule = "0 2 * * *"
timezone = "Europe/Amsterdam"

[[projects.targets]]
tracker = "jira:TREND"
url = "https://acme.atlassian.net"
username = "bot@acme.com"
token_env = "TB_JIRA_TOKEN"
options = { board_id = 1 }

[[projects.targets]]
tracker = "github:acme/trending-now"
token_env = "TB_GITHUB_TOKEN"
mapping = "mappings/github.yaml"

[[projects]]
name = "fraud"
roadmap = "/abs/fraud.yaml"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tracker-bridge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings(environ={})
    assert settings.store.url == "sqlite:///.tracker-bridge/state.sqlite"
    assert settings.projects == ()
    assert settings.reconcile.conflict_policy == "owner"
    assert settings.reconcile.max_change_ratio == 0.25
    assert settings.reconcile.pull_overlap_seconds == 120
    assert settings.slack.webhook_url() is None


def test_the_shipped_example_loads() -> None:
    settings = load_settings(EXAMPLE, environ={})
    project = settings.project("trending-now")
    assert [t.tracker for t in project.targets] == ["jira:TREND", "github:acme/trending-now"]
    assert project.roadmap == EXAMPLE.parent / "examples" / "trending-now.yaml"


def test_file_values_and_relative_paths(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, CONFIG), environ={"TB_JIRA_TOKEN": TOKEN})
    assert settings.store.url == f"sqlite:///{tmp_path}/state/tb.sqlite"
    assert settings.reconcile.conflict_policy == "hold"
    project = settings.project("trending-now")
    assert project.roadmap == tmp_path / "roadmaps" / "trending-now.yaml"
    assert project.timezone == "Europe/Amsterdam" and project.schedule == "0 2 * * *"
    assert project.target("github:acme/trending-now").mapping == tmp_path / "mappings/github.yaml"
    assert settings.project("fraud").roadmap == Path("/abs/fraud.yaml")
    assert settings.project("fraud").timezone == "UTC"


def test_store_default_sits_beside_the_config_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[reconcile]\nconflict_policy = "hold"\n'), environ={})
    assert settings.store.url == f"sqlite:///{tmp_path}/.tracker-bridge/state.sqlite"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "TB_STORE__URL": "postgresql+psycopg://tb@db/tb",
        "TB_RECONCILE__MAX_CHANGE_RATIO": "0.5",
        "tb_reconcile__pull_overlap_seconds": "30",
        "TB_JIRA_TOKEN": TOKEN,  # TB_-prefixed but not a setting: ignored
        "UNRELATED": "x",
    }
    settings = load_settings(write(tmp_path, CONFIG), environ=env)
    assert settings.store.url == "postgresql+psycopg://tb@db/tb"
    assert settings.reconcile.max_change_ratio == 0.5
    assert settings.reconcile.pull_overlap_seconds == 30
    assert settings.reconcile.conflict_policy == "hold"  # still from the file


def test_projects_from_the_environment_as_json() -> None:
    env = {
        "TB_PROJECTS": '[{"name": "p", "roadmap": "r.yaml", "targets": [{"tracker": "jira:P"}]}]'
    }
    settings = load_settings(environ=env)
    assert settings.project("p").target("jira:P").adapter_settings()["token"] is None


def test_adapter_settings_read_the_token_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, CONFIG), environ={"TB_JIRA_TOKEN": TOKEN})
    target = settings.project("trending-now").target("jira:TREND")
    opened = target.adapter_settings()
    assert opened["url"] == "https://acme.atlassian.net"
    assert opened["username"] == "bot@acme.com"
    assert opened["options"] == {"board_id": 1}
    assert isinstance(opened["token"], SecretStr)
    assert opened["token"].get_secret_value() == TOKEN
    assert TOKEN not in repr(opened) and TOKEN not in str(opened)
    assert target.adapter == "jira"


def test_token_from_the_secrets_dir(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "TB_GITHUB_TOKEN").write_text(TOKEN + "\n")
    env = {"TB_SECRETS_DIR": str(secrets)}
    settings = load_settings(write(tmp_path, CONFIG), environ=env)
    token = settings.project("trending-now").target("github:acme/trending-now").adapter_settings()
    assert token["token"].get_secret_value() == TOKEN


def test_a_missing_token_names_the_variable(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, CONFIG), environ={"TB_SECRETS_DIR": str(tmp_path / "none")}
    )
    with pytest.raises(UserError, match="TB_GITHUB_TOKEN is not set"):
        settings.project("trending-now").target("github:acme/trending-now").adapter_settings()


def test_secrets_never_printed(tmp_path: Path) -> None:
    env = {
        "TB_JIRA_TOKEN": TOKEN,
        "TB_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/" + TOKEN,
        "TB_STORE__URL": f"postgresql+psycopg://tb:{TOKEN}@db/tb",
    }
    path = write(tmp_path, CONFIG + '\n[slack]\nwebhook_env = "TB_SLACK_WEBHOOK_URL"\n')
    settings = load_settings(path, environ=env)
    webhook = settings.slack.webhook_url()
    assert webhook is not None and TOKEN in webhook.get_secret_value()
    token = settings.project("trending-now").target("jira:TREND").adapter_settings()["token"]
    shown = [
        repr(settings),
        str(settings),
        str(settings.model_dump()),
        settings.model_dump_json(),
        repr(webhook),
        str(token),
        repr(settings.store),
    ]
    for text in shown:
        assert TOKEN not in text
    assert settings.store.url.endswith(f":{TOKEN}@db/tb")  # usable by the store


def test_a_token_in_the_file_is_refused_with_its_line(tmp_path: Path) -> None:
    text = CONFIG.replace('token_env = "TB_GITHUB_TOKEN"', f'token = "{TOKEN}"')
    path = write(tmp_path, text)
    with pytest.raises(UserError) as error:
        load_settings(path, environ={})
    line = text.splitlines().index(f'token = "{TOKEN}"') + 1
    [problem] = error.value.lines()
    assert problem.startswith(f"{path}:{line}:1: projects[0].targets[1].token: secrets are not")
    assert "token_env" in problem
    assert TOKEN not in " ".join(error.value.lines()) + str(error.value)


def test_a_token_inside_options_or_a_webhook_url_is_refused(tmp_path: Path) -> None:
    text = CONFIG.replace("options = { board_id = 1 }", 'options = { token = "x" }')
    text += '\n[slack]\nwebhook_url = "https://hooks.slack.com/x"\n'
    with pytest.raises(UserError) as error:
        load_settings(write(tmp_path, text), environ={})
    fields = [line.split(": ")[1] for line in error.value.lines()]
    assert fields == ["projects[0].targets[0].options.token", "slack.webhook_url"]
    assert "webhook_env" in error.value.lines()[1]


def test_a_password_in_the_store_url_is_refused(tmp_path: Path) -> None:
    text = CONFIG.replace("sqlite:///state/tb.sqlite", f"postgresql+psycopg://tb:{TOKEN}@db/tb")
    with pytest.raises(UserError) as error:
        load_settings(write(tmp_path, text), environ={})
    [problem] = error.value.lines()
    assert ":2:1: store.url: the URL holds a password" in problem
    assert TOKEN not in problem


@pytest.mark.parametrize(
    ("old", "new", "at", "field", "message"),
    [
        (
            'conflict_policy = "hold"',
            'conflict_policy = "coin"',
            None,
            "reconcile.conflict_policy",
            "Input should be",
        ),
        (
            'timezone = "Europe/Amsterdam"',
            'timezone = "Mars/Olympus"',
            None,
            "projects[0].timezone",
            "unknown time zone",
        ),
        (
            'schedule = "0 2 * * *"',
            'schedule = "at two"',
            None,
            "projects[0].schedule",
            "not a cron expression",
        ),
        (
            'tracker = "github:acme/trending-now"',
            'tracker = "jira:TREND"',
            "[[projects]]",  # a check across targets points at their project
            "projects[0]",
            "tracker jira:TREND is listed twice",
        ),
        ("mapping = ", "mapings = ", None, "projects[0].targets[1].mapings", "unknown key"),
        ("username = ", "usrname = ", None, "projects[0].targets[0].usrname", "unknown key"),
        (
            "username = ",
            "[projects.bogus]\nx = 1\n#",
            "[projects.bogus]",
            "projects[0].bogus",
            "unknown",
        ),
        (
            'name = "fraud"',
            'name = "trending-now"',
            "[[projects]]",
            "projects",
            "project 'trending-now' is listed",
        ),
        (
            'username = "bot@acme.com"',
            "username = 3",
            None,
            "projects[0].targets[0].username",
            "valid string",
        ),
        ("[reconcile]", "[reconcle]", None, "reconcle", "unknown key"),
    ],
)
def test_invalid_values_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, at: str | None, field: str, message: str
) -> None:
    assert old in CONFIG
    text = CONFIG.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(UserError) as error:
        load_settings(path, environ={})
    [problem] = error.value.lines()
    needle = (at or new).splitlines()[0]
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith(needle))
    assert problem.startswith(f"{path}:{line}:1: "), problem
    if field:
        assert f": {field}: " in problem, problem
    assert message in problem, problem


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(UserError) as error:
        load_settings(environ={"TB_RECONCILE__MAX_CHANGE_RATIO": "lots"})
    [problem] = error.value.lines()
    assert problem.startswith("$TB_RECONCILE__MAX_CHANGE_RATIO:1:1: reconcile.max_change_ratio:")


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, '[store]\nurl = "unterminated\n')
    with pytest.raises(UserError) as error:
        load_settings(path, environ={})
    assert error.value.lines()[0].startswith(f"{path}:2:")


def test_unknown_names_give_user_errors(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, CONFIG), environ={})
    with pytest.raises(UserError, match=r"trending-now, fraud"):
        settings.project("nope")
    with pytest.raises(UserError, match="jira:TREND"):
        settings.project("trending-now").target("jira:OTHER")
    with pytest.raises(UserError, match="cannot read"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_models_are_frozen() -> None:
    settings = load_settings(environ={})
    with pytest.raises(ValueError, match="frozen"):
        settings.store = settings.store  # type: ignore[misc]
    assert isinstance(settings, Settings)
