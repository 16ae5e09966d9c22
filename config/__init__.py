"""Settings: a TOML config file plus `TB_*` environment variables (see
`tracker-bridge.example.toml`). Secrets are named here and read from the environment."""

from __future__ import annotations

from tracker_bridge.config.loading import load_settings
from tracker_bridge.config.secrets import read_secret
from tracker_bridge.config.settings import (
    ConflictPolicy,
    ProjectSettings,
    ReconcileSettings,
    Settings,
    SlackSettings,
    StoreSettings,
    TargetSettings,
)

__all__ = [
    "ConflictPolicy",
    "ProjectSettings",
    "ReconcileSettings",
    "Settings",
    "SlackSettings",
    "StoreSettings",
    "TargetSettings",
    "load_settings",
    "read_secret",
]
