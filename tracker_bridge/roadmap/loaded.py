"""`LoadedRoadmap`: what loading a roadmap file gives (its own module, so the cache can
hand one out without importing the YAML parser)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tracker_bridge.model import Roadmap


@dataclass(frozen=True)
class LoadedRoadmap:
    """The canonical roadmap plus where each item (epics included) is written in the file."""

    roadmap: Roadmap
    path: Path
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, item_id: str) -> int:
        """1-based line of the item's entry; KeyError for an id the file does not define."""
        return self.lines[item_id]
