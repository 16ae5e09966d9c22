"""Save and load the fake's state as JSON (for `state_file=`), without pickle.

Dataclasses are tagged with their class name; only the classes listed here can be rebuilt,
so a state file can never make the loader construct anything else.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from tracker_bridge.testing.fake_github import delivery_state, projects, state

CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        state.User,
        state.Label,
        state.Milestone,
        state.Comment,
        state.IssueType,
        state.Issue,
        state.Repo,
        state.GitHubState,
        delivery_state.Commit,
        delivery_state.PullRequest,
        delivery_state.DeploymentStatus,
        delivery_state.Deployment,
        delivery_state.Release,
        delivery_state.Environment,
        delivery_state.Git,
        projects.Option,
        projects.Iteration,
        projects.ProjectField,
        projects.ProjectItem,
        projects.Project,
    )
}

RETIRED: dict[str, tuple[str, ...]] = {"Issue": ("label_events",)}
"""Fields older state files have and the classes no longer do (read, then dropped): an issue's
label timeline is its event log (`events`), which those files also hold."""


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": type(value).__name__, **fields}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$map" in value:
        return {decode(k): decode(v) for k, v in value["$map"]}
    kind = value["$type"]
    dropped = {"$type", *RETIRED.get(kind, ())}
    return CLASSES[kind](**{k: decode(v) for k, v in value.items() if k not in dropped})
