"""Roadmap files: load (with line numbers), validate, derive sprints, describe the format."""

from __future__ import annotations

from tracker_bridge.roadmap.fileformat import RoadmapFile, json_schema
from tracker_bridge.roadmap.loader import (
    LoadedRoadmap,
    RoadmapLoadError,
    load_roadmap,
    load_roadmap_text,
)

__all__ = [
    "LoadedRoadmap",
    "RoadmapFile",
    "RoadmapLoadError",
    "json_schema",
    "load_roadmap",
    "load_roadmap_text",
]
