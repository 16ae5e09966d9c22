"""Keep checking after schema errors: drop the bad fields, re-validate, run the cross-checks.

People fix files faster when they see every problem at once, not schema errors first and
cross-check errors on the next run. Only mapping keys are removed (their defaults apply), so
list positions, and with them the file lines of later problems, stay exactly as written.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from tracker_bridge.errors import Problem
from tracker_bridge.roadmap.fileformat import RoadmapFile
from tracker_bridge.roadmap.problems import format_path

Loc = tuple[str | int, ...]


def repaired(data: dict[str, Any], error: ValidationError) -> tuple[RoadmapFile, list[str]] | None:
    """The file without its invalid fields, and the scopes (paths) those fields were in.

    None when a required field of a list element or of the file is missing or bad: nothing
    sensible can stand in for it.
    """
    fixed = copy.deepcopy(data)
    scopes: list[str] = []
    for _ in range(3):  # removing a field can reveal one more level; three is plenty
        for detail in error.errors(include_url=False):
            loc: Loc = tuple(detail["loc"])
            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
            if detail["type"] == "missing":
                # An optional section lacking a required field (a timebox without a
                # hypothesis) goes as a whole; a list element lacking one cannot.
                loc = loc[:-1]
                if not loc or not isinstance(loc[-1], str):
                    return None
            if not loc or not _remove(fixed, loc):
                return None
            scopes.append(_scope(loc))
        try:
            return RoadmapFile.model_validate(fixed), scopes
        except ValidationError as again:
            error = again
    return None


def _remove(data: Any, loc: Loc) -> bool:
    """Delete the mapping key nearest to the end of `loc`; False if there is none."""
    for end in range(len(loc), 0, -1):
        parent = _get(data, loc[: end - 1])
        key = loc[end - 1]
        if isinstance(parent, dict) and key in parent:
            del parent[key]
            return True
        if isinstance(parent, dict) and end == len(loc):
            return True  # already removed by an earlier error on the same field
    return False


def _get(data: Any, loc: Sequence[str | int]) -> Any:
    for step in loc:
        in_dict = isinstance(data, dict) and step in data
        in_list = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        if in_dict or in_list:
            data = data[step]
        else:
            return None
    return data


def _scope(loc: Loc) -> str:
    """The list element (item, epic, sprint...) holding the field, else its top-level section."""
    last_index = max((i for i, step in enumerate(loc) if isinstance(step, int)), default=-1)
    return format_path(loc[: last_index + 1] if last_index >= 0 else loc[:1])


def outside(problems: list[Problem], scopes: list[str]) -> list[Problem]:
    """Cross-check problems not inside a scope that already has a schema error (no echoes)."""

    def inside(field: str) -> bool:
        return any(field == s or field.startswith((s + ".", s + "[")) for s in scopes)

    return [problem for problem in problems if not inside(problem.field)]
