"""The settings schema: a TOML file plus `TB_`-prefixed environment variables.

Secrets never live here: a target names the variable holding its token (`token_env`), and
the value is read from the environment (or a secrets file) only when an adapter is opened.
Loading, with file:line errors, is in `loading.py`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker_bridge.config.environ import current_environ
from tracker_bridge.config.secrets import read_secret
from tracker_bridge.errors import UserError
from tracker_bridge.locations import DEFAULT_STORE_URL
from tracker_bridge.model.planning import TimeZoneName

EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
ConflictPolicy = Literal["owner", "prefer_tracker", "prefer_roadmap", "hold"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The environment the settings were loaded from (tests pass their own).
    _environ: Mapping[str, str] | None = PrivateAttr(default=None)

    def _env(self, environ: Mapping[str, str] | None) -> Mapping[str, str]:
        if environ is not None:
            return environ
        return self._environ if self._environ is not None else os.environ


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class StoreSettings(_Frozen):
    url: str = DEFAULT_STORE_URL
    """SQLAlchemy URL. A password is accepted only from TB_STORE__URL, and is never shown."""

    @field_validator("url")
    @classmethod
    def _is_a_database_url(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                "not a SQLite or PostgreSQL URL; use sqlite:///path/state.sqlite or "
                "postgresql+psycopg://user@host/db"
            )
        return value

    @field_serializer("url")
    def _dump_url(self, value: str) -> str:
        return _hide_password(value)

    def __repr_args__(self) -> Any:
        yield "url", _hide_password(self.url)


class ReconcileSettings(_Frozen):
    conflict_policy: ConflictPolicy = "owner"
    max_change_ratio: float = Field(default=0.25, gt=0, le=1)
    """A plan touching more than this share of existing items needs --force."""
    pull_overlap_seconds: int = Field(default=120, ge=0)


class SlackSettings(_Frozen):
    webhook_env: EnvName | None = None
    """The variable holding the incoming-webhook URL (the URL is a secret)."""

    def webhook_url(self, environ: Mapping[str, str] | None = None) -> SecretStr | None:
        if self.webhook_env is None:
            return None
        return read_secret(self.webhook_env, self._env(environ), what="the Slack webhook URL")


DEFAULT_SERVE_HOST = "127.0.0.1"
DEFAULT_SERVE_PORT = 8088
LogFormat = Literal["human", "json"]


class ServeSettings(_Frozen):
    """`serve`'s HTTP endpoint: `GET /healthz`, `GET /metrics` and, when enabled, the webhooks.
    None: `[webhooks] host/port` if set there (the older keys), else 127.0.0.1:8088."""

    host: str | None = None
    """`0.0.0.0` in a container, so the health check and Prometheus can reach it."""
    port: int | None = Field(default=None, ge=0, le=65535)
    request_deadline_seconds: float = Field(default=10.0, gt=0, le=300)
    """A request (headers and body) must arrive whole within this time: a sender trickling
    bytes cannot hold a connection."""
    max_connections: int = Field(default=64, ge=1, le=10_000)
    """Connections served at once (a thread each); beyond, a new one is answered 503 with
    Retry-After at once."""
    log_format: LogFormat = "human"
    """`json`: one JSON object per line, for log collectors."""


class WebhookSettings(_Frozen):
    """`serve --webhooks`: whether deliveries are received and how long to wait before a sync.
    `host` and `port` are the older names of `[serve] host/port` (still read)."""

    enabled: bool = False
    host: str | None = None
    port: int | None = Field(default=None, ge=0, le=65535)
    debounce_seconds: float = Field(default=5.0, ge=0, le=3600)
    """A burst of deliveries for one project becomes one sync this long after the last."""
    max_body_bytes: int = Field(default=1_000_000, gt=0)


class TargetScope(_Frozen):
    """Which of the tracker's issues belong to the project (default: all of them).

    Jira reads `jql` (ANDed with `project = KEY`); GitHub reads `labels` (every one must be
    on the issue) and `milestone` (its title). Pull requests never count as issues."""

    jql: str | None = Field(default=None, min_length=1)
    labels: tuple[str, ...] = ()
    milestone: str | None = Field(default=None, min_length=1)

    @field_validator("labels")
    @classmethod
    def _plain_labels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for label in value:
            if not label.strip() or "," in label:
                raise ValueError(f"label {label!r}: GitHub filters on names without commas")
        return value

    @property
    def is_everything(self) -> bool:
        return self.jql is None and not self.labels and self.milestone is None


class TargetSettings(_Frozen):
    """One tracker project a roadmap is synced to."""

    tracker: str = Field(pattern=r"^[a-z][a-z0-9_-]*:.+$")
    """`jira:TREND`, `github:acme/trending-now`."""
    url: str | None = None
    username: str | None = None
    token_env: EnvName | None = None
    """The environment variable (or secrets file name) holding the token."""
    mapping: Path | None = None
    """None: the adapter's shipped mapping."""
    options: dict[str, Any] = Field(default_factory=dict)
    scope: TargetScope = TargetScope()
    """Which issues belong to the project; unmarked ones in scope become tracker-born items."""
    people: dict[str, str] = Field(default_factory=dict)
    """Roadmap handle -> this tracker's user (Jira account id or username, GitHub login).
    Handles not listed are sent as they are."""
    webhook_secret_env: EnvName | None = None
    """The variable (or secrets file name) holding this target's webhook secret; without
    one, `serve --webhooks` refuses its deliveries (unsigned webhooks are not accepted)."""

    @field_validator("url")
    @classmethod
    def _no_credentials_in_url(cls, value: str | None) -> str | None:
        # Never echo the value: it would print the password this refuses.
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL such as https://acme.atlassian.net")
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                "the URL holds credentials; leave them out: set username = ... and "
                'token_env = "TB_..." with the token in that environment variable'
            )
        return value

    @field_validator("tracker")
    @classmethod
    def _known_adapter(cls, value: str) -> str:
        from tracker_bridge.registry import adapter_names

        adapter = value.split(":", 1)[0]
        known = adapter_names()
        if known and adapter not in known:
            close = difflib.get_close_matches(adapter, sorted(known), n=1)
            hint = f"; did you mean '{close[0]}:{value.split(':', 1)[1]}'?" if close else ""
            raise ValueError(
                f"no tracker adapter named {adapter!r} (installed: {', '.join(sorted(known))})"
                + hint
            )
        return value

    @property
    def adapter(self) -> str:
        return self.tracker.split(":", 1)[0]

    def adapter_settings(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """What `AdapterFactory.open(settings=...)` takes; reads the token now."""
        token = None
        if self.token_env is not None:
            token = read_secret(
                self.token_env, self._env(environ), what=f"the token for {self.tracker}"
            )
        return {
            "url": self.url,
            "username": self.username,
            "token": token,
            "options": dict(self.options),
            "scope": self.scope.model_dump(exclude_defaults=True),
        }

    def webhook_secret(self, environ: Mapping[str, str] | None = None) -> SecretStr | None:
        """The webhook signing secret, read now; None when no variable is named."""
        if self.webhook_secret_env is None:
            return None
        return read_secret(
            self.webhook_secret_env,
            self._env(environ),
            what=f"the webhook secret for {self.tracker}",
        )


class ProjectSettings(_Frozen):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)
    roadmap: Path
    """Relative to the config file."""
    schedule: str | None = None
    """Cron expression for the nightly sync, e.g. `0 2 * * *`."""
    summary_schedule: str | None = None
    """Cron for posting the sprint summary to Slack (e.g. "0 9 * * 1-5"); None: never."""
    timezone: TimeZoneName = "UTC"
    research_points_burndown: bool = False
    """Reports judge research by learning; true also shows its points burndown."""
    mirror: Literal["roadmap", "all"] = "roadmap"
    """`roadmap`: only roadmap items are created on every target; `all`: tracker-born items
    are mirrored onto the other targets too."""
    on_remote_delete: Literal["unlink", "recreate"] = "unlink"
    """A synced issue deleted, moved or transferred away: forget it there (`unlink`), or
    create it again with a marker (`recreate`)."""
    targets: tuple[TargetSettings, ...] = ()

    @field_validator("schedule", "summary_schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a cron expression ({exc}); e.g. '0 2 * * *'") from None
        return value

    @model_validator(mode="after")
    def _one_target_per_tracker(self) -> ProjectSettings:
        seen = [t.tracker for t in self.targets]
        dupes = sorted({t for t in seen if seen.count(t) > 1})
        if dupes:
            raise ValueError(f"tracker {dupes[0]} is listed twice")
        return self

    def target(self, tracker_id: str) -> TargetSettings:
        for target in self.targets:
            if target.tracker == tracker_id:
                return target
        known = ", ".join(t.tracker for t in self.targets) or "none configured"
        raise UserError(f"project {self.name!r} has no target {tracker_id!r} (targets: {known})")


class _EnvSource(EnvSettingsSource):
    """The usual env source, reading the mapping given to `load_settings` if any."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = current_environ()
        if environ is None:
            return super()._load_env_vars()
        return parse_env_vars(
            environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TB_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    store: StoreSettings = Field(default_factory=StoreSettings)
    reconcile: ReconcileSettings = Field(default_factory=ReconcileSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    projects: tuple[ProjectSettings, ...] = ()

    @field_validator("projects")
    @classmethod
    def _unique_project_names(
        cls, projects: tuple[ProjectSettings, ...]
    ) -> tuple[ProjectSettings, ...]:
        names = [p.name for p in projects]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"project {dupes[0]!r} is listed twice")
        return projects

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment over file (passed as init kwargs); no .env magic, no secrets here.
        return (_EnvSource(settings_cls), init_settings)

    @property
    def listen_address(self) -> tuple[str, int]:
        """Where `serve` listens: `[serve]`, else the older `[webhooks]` keys, else the default."""
        host = self.serve.host or self.webhooks.host or DEFAULT_SERVE_HOST
        port = self.serve.port if self.serve.port is not None else self.webhooks.port
        return host, DEFAULT_SERVE_PORT if port is None else port

    def project(self, name: str) -> ProjectSettings:
        for project in self.projects:
            if project.name == name:
                return project
        known = ", ".join(p.name for p in self.projects) or "none configured"
        raise UserError(f"no project named {name!r} in the settings (projects: {known})")

    def _bind_environ(self, environ: Mapping[str, str]) -> None:
        """Secrets are read lazily, from the environment the settings were loaded from."""
        self.slack._environ = environ
        for project in self.projects:
            project._environ = environ
            for target in project.targets:
                target._environ = environ
