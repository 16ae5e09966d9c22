"""The mapping's `delivery:` section: how pull requests link to items and which delivery
events move them to which stage (frozen, extra keys refused, errors at FILE:LINE)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tracker_bridge.delivery.links import LINK_BY, LinkBy
from tracker_bridge.delivery.rules import DeliveryRules
from tracker_bridge.model import Stage


class DeliverySection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    """Off: pull requests, deployments and releases are not read and move nothing."""
    link_by: tuple[LinkBy, ...] = LINK_BY
    pull_request_opened: Stage | None = Stage.IN_REVIEW
    pull_request_merged: Stage | None = Stage.READY_FOR_STAGING
    environments: dict[str, Stage] = Field(
        default_factory=lambda: {"staging": Stage.IN_STAGING, "production": Stage.DONE}
    )
    """GitHub environment name (any case) -> the stage a successful deployment there means."""
    release_published: Stage | None = Stage.DONE
    """Used only when no environment maps to this stage (no production environment)."""
    prereleases: bool = False

    @field_validator("link_by")
    @classmethod
    def _some_link(cls, value: tuple[LinkBy, ...]) -> tuple[LinkBy, ...]:
        if not value:
            raise ValueError(f"name at least one of {', '.join(LINK_BY)}")
        return value

    @field_validator("environments")
    @classmethod
    def _distinct_names(cls, value: dict[str, Stage]) -> dict[str, Stage]:
        names = [name.casefold() for name in value]
        if len(set(names)) != len(names):
            raise ValueError("two environments differ only in case (GitHub treats them as one)")
        if any(not name.strip() for name in value):
            raise ValueError("an environment name is empty")
        return value

    def rules(self) -> DeliveryRules:
        return DeliveryRules(
            link_by=self.link_by,
            pull_request_opened=self.pull_request_opened,
            pull_request_merged=self.pull_request_merged,
            environments=dict(self.environments),
            release_published=self.release_published,
            prereleases=self.prereleases,
        )
