"""Roadmap files: load (with line numbers), validate, derive sprints, describe the format.

The names below are imported on first use: a run that finds its roadmap in the cache
(`roadmap.cache`) never loads the YAML parser or the file-format models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker_bridge.roadmap.fileformat import RoadmapFile, json_schema
    from tracker_bridge.roadmap.loaded import LoadedRoadmap
    from tracker_bridge.roadmap.loader import RoadmapLoadError, load_roadmap, load_roadmap_text

_HOME = {
    "LoadedRoadmap": "loaded",
    "RoadmapFile": "fileformat",
    "RoadmapLoadError": "loader",
    "json_schema": "fileformat",
    "load_roadmap": "loader",
    "load_roadmap_text": "loader",
}

__all__ = [
    "LoadedRoadmap",
    "RoadmapFile",
    "RoadmapLoadError",
    "json_schema",
    "load_roadmap",
    "load_roadmap_text",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value
