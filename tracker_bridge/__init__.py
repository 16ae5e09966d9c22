"""tracker-bridge: a canonical MLOps work model kept in step with Jira and GitHub Issues."""

from __future__ import annotations

__version__ = "0.1.0"
