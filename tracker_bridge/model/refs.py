"""Where a canonical item lives on a tracker."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

TrackerId = str
"""A configured target, `<adapter>:<project>`, e.g. `jira:MLOPS` or `github:acme/trending-now`."""


class RemoteRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tracker: TrackerId = Field(pattern=r"^[a-z][a-z0-9_-]*:.+$")
    key: str
    """Human key: `MLOPS-12`, or the GitHub issue number as text."""
    remote_id: str
    """Immutable id: Jira issue id, GitHub issue database id."""
    url: str = ""
    version: str = ""
    """Opaque remote version (Jira `updated`, GitHub `updated_at`), for echo suppression."""

    @property
    def adapter(self) -> str:
        return self.tracker.split(":", 1)[0]
