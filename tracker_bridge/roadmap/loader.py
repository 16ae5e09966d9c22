"""`load_roadmap`: read, parse, validate and convert a roadmap file, reporting ALL problems."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from tracker_bridge.errors import Problem, UserError
from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.roadmap.build import build
from tracker_bridge.roadmap.fileformat import RoadmapFile
from tracker_bridge.roadmap.loaded import LoadedRoadmap
from tracker_bridge.roadmap.nodes import YamlProblem, compose, to_data
from tracker_bridge.roadmap.problems import Collector, format_path, from_validation_error
from tracker_bridge.roadmap.repair import outside, repaired


class RoadmapLoadError(UserError):
    """A roadmap file with problems; `.problems` holds every one, in file order."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(f"{path}: {count} problem{'s' if count != 1 else ''}", problems)
        self.path = path


def load_roadmap(path: Path, *, today: date | datetime | None = None) -> LoadedRoadmap:
    """Load and validate `path`; sprint states as of `today` (default: today in the cadence's zone;
    an aware datetime is read as that moment's date in the cadence's zone).

    Raises RoadmapLoadError (a UserError) listing every problem as FILE:LINE:COL: field: message.
    """
    path = Path(path)
    text = _read(path)
    return load_roadmap_text(text, path, today=today)


def load_roadmap_text(
    text: str, path: Path, *, today: date | datetime | None = None
) -> LoadedRoadmap:
    """As load_roadmap, for text already in memory (`path` only names it in messages)."""
    with no_gc_pauses():
        return _load(text, path, today)


def _load(text: str, path: Path, today: date | datetime | None) -> LoadedRoadmap:
    try:
        root = compose(text)
        data = to_data(root) if root is not None else None
    except YamlProblem as exc:
        problem = Problem(path, exc.line, exc.column, format_path(exc.path), exc.message)
        raise RoadmapLoadError(path, [problem]) from None
    if data is None:
        raise RoadmapLoadError(
            path,
            [
                Problem(
                    path, 1, 1, "", "the file is empty: a roadmap needs project, cadence and phases"
                )
            ],
        )
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r}"
        raise RoadmapLoadError(
            path,
            [
                Problem(
                    path,
                    1,
                    1,
                    "",
                    f"expected a mapping (project, cadence, phases, ...), got {what}",
                )
            ],
        )
    out = Collector(path, root)
    try:
        doc = RoadmapFile.model_validate(data)
    except ValidationError as exc:
        problems = from_validation_error(exc, root, path, RoadmapFile)
        rest = repaired(data, exc)
        if rest is not None:  # cross-check what is left, so people see everything at once
            build(rest[0], root, out, today)
            problems += outside(out.problems, rest[1])
        raise RoadmapLoadError(path, _ordered(problems)) from None
    del data  # validated into `doc`: a large file's plain copy need not outlive it
    roadmap, lines, claims = build(doc, root, out, today)
    if roadmap is None or out.problems:
        raise RoadmapLoadError(path, _ordered(out.problems))
    fixed = frozenset(sprint.id for sprint in doc.sprints if sprint.state is not None)
    return LoadedRoadmap(roadmap=roadmap, path=path, lines=lines, claims=claims,
                         fixed_states=fixed)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise RoadmapLoadError(
            path, [Problem(path, 1, 1, "", f"not UTF-8 text ({exc.reason})")]
        ) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: (problem.line, problem.column))
