"""`LoadedRoadmap`: what loading a roadmap file gives (its own module, so the cache can
hand one out without importing the YAML parser)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tracker_bridge.errors import Problem
from tracker_bridge.model import Roadmap


@dataclass(frozen=True)
class LoadedRoadmap:
    """The canonical roadmap plus where each item (epics included) is written in the file."""

    roadmap: Roadmap
    path: Path
    lines: Mapping[str, int] = field(default_factory=dict)
    claims: Mapping[tuple[str, str, str], tuple[int, int, str]] = field(default_factory=dict)
    """(item id, target, issue key) of each `adopt:` claim -> line, column, field path."""
    fixed_states: frozenset[str] = frozenset()
    """Sprints whose state the file sets (`sprints: - state:`); every other sprint's state
    follows from its dates and the team's day (the cache derives those again each day)."""

    def line_of(self, item_id: str) -> int:
        """1-based line of the item's entry; KeyError for an id the file does not define."""
        return self.lines[item_id]

    def claim_problem(self, item_id: str, target: str, key: str, message: str) -> Problem:
        """`message` pinned to the `adopt:` field that claims `key` on `target` (the item's
        line if the claim is not in the file, e.g. the roadmap changed since)."""
        found = self.claims.get((item_id, target, key))
        if found is None:
            return Problem(self.path, self.lines.get(item_id, 1), 1, "", message)
        line, column, where = found
        return Problem(self.path, line, column, where, message)
