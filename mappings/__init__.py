"""Default mapping files, shipped in the wheel as tracker_bridge.mappings."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def default_mapping(tracker: str) -> Traversable:
    """The shipped mapping for an adapter, e.g. `jira` -> jira.yaml."""
    return files(__name__) / f"{tracker}.yaml"
