"""Default mapping files, shipped in the wheel as tracker_bridge.mappings."""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path


def default_mapping(tracker: str) -> Traversable:
    """The shipped mapping for an adapter, e.g. `jira` -> jira.yaml."""
    return files(__name__) / f"{tracker}.yaml"


def default_mapping_path(tracker: str) -> Path:
    """The shipped mapping as a real file (for wheels and editable installs alike)."""
    with as_file(default_mapping(tracker)) as path:
        return Path(path)
