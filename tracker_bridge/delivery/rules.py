"""The rules that turn delivery facts into the stage each item has reached (pure).

Defaults (all configurable in the mapping's `delivery:` section): a pull request opened
ready for review -> in_review; merged -> ready_for_staging; a successful deployment to an
environment mapped to a stage (`staging` -> in_staging, `production` -> done) whose commit
contains the merge -> that stage; a published release containing the merge -> done, only
when no environment already maps to done. An item linked to several pull requests reaches
the furthest stage any of them reached, at the earliest time that stage was reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tracker_bridge.delivery.facts import Deployment, Facts, PullRequest
from tracker_bridge.delivery.links import LINK_BY, LinkBy, LinkIndex, linked_items
from tracker_bridge.model import Stage


@dataclass(frozen=True)
class DeliveryRules:
    link_by: tuple[LinkBy, ...] = LINK_BY
    pull_request_opened: Stage | None = Stage.IN_REVIEW
    pull_request_merged: Stage | None = Stage.READY_FOR_STAGING
    environments: Mapping[str, Stage] = field(
        default_factory=lambda: {"staging": Stage.IN_STAGING, "production": Stage.DONE}
    )
    release_published: Stage | None = Stage.DONE
    prereleases: bool = False

    def environment_stage(self, name: str) -> Stage | None:
        """Environment names compare without case, as GitHub's do."""
        wanted = name.casefold()
        return next((s for env, s in self.environments.items() if env.casefold() == wanted), None)

    @property
    def release_stage(self) -> Stage | None:
        """Releases count only when no environment already reports that stage."""
        stage = self.release_published
        if stage is None or stage in set(self.environments.values()):
            return None
        return stage


@dataclass(frozen=True)
class Reached:
    stage: Stage
    at: datetime
    because: str  # "pull acme/repo#3 merged", "deployment 12 to staging", ...


def _better(current: Reached | None, stage: Stage, at: datetime, because: str) -> Reached:
    """Furthest stage wins; for the same stage, the earliest time."""
    if current is None or stage.position > current.stage.position:
        return Reached(stage, at, because)
    if stage is current.stage and at < current.at:
        return Reached(stage, at, because)
    return current


def reached_stages(facts: Facts, index: LinkIndex, rules: DeliveryRules) -> dict[str, Reached]:
    """Item id -> the furthest stage its delivery has reached, and when."""
    result: dict[str, Reached] = {}

    def note(items: set[str], stage: Stage | None, at: datetime | None, because: str) -> None:
        if stage is None or at is None:
            return
        for item in items:
            result[item] = _better(result.get(item), stage, at, because)

    deployments = [d for d in facts.deployments.values() if d.succeeded]
    releases = [
        r
        for r in facts.releases.values()
        if r.published_at and not r.draft and (rules.prereleases or not r.prerelease)
    ]
    for pull in facts.pulls.values():
        items = linked_items(pull, index, rules.link_by)
        if not items:
            continue
        name = f"pull request {pull.repo}#{pull.number}"
        if not pull.draft or pull.merged_at:
            note(
                items, rules.pull_request_opened, pull.ready_at or pull.opened_at, f"{name} opened"
            )
        if pull.merged_at is None or not pull.merge_sha:
            continue
        note(items, rules.pull_request_merged, pull.merged_at, f"{name} merged")
        for deployment in deployments:
            if pull.merge_sha in deployment.contains:
                stage = rules.environment_stage(deployment.environment)
                note(items, stage, deployment.at, _deployed(deployment, name))
        for release in releases:
            if pull.merge_sha in release.contains:
                note(items, rules.release_stage, release.published_at, f"release {release.tag}")
    for deployment in deployments:  # `delivered --items`: named directly
        if deployment.items:
            stage = rules.environment_stage(deployment.environment)
            note(set(deployment.items), stage, deployment.at, _deployed(deployment, None))
    return result


def _deployed(deployment: Deployment, what: str | None) -> str:
    where = f"deployment {deployment.id} to {deployment.environment}"
    return f"{where} ({what})" if what else where


def pending_merges(facts: Facts, deployment_time: datetime) -> dict[str, PullRequest]:
    """Merged pull requests a deployment at `deployment_time` could contain, by merge sha."""
    return {
        p.merge_sha: p
        for p in facts.merged_pulls()
        if p.merge_sha and p.merged_at and p.merged_at <= deployment_time
    }
