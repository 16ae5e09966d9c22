"""`objective import FILE`: many KPI measurements from JSON or CSV, checked whole first.

JSON: a list of objects `{"id": ..., "value": ..., "at": "2026-03-02", "note": ...}`.
CSV: a header row `id,value,at,note` (`at` and `note` may be left out or empty). A missing
`at` means `today`. Every problem is reported as FILE:LINE: field: what is wrong, and any
problem means nothing is recorded.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tracker_bridge.errors import Problem, UserError
from tracker_bridge.roadmap.nodes import YamlProblem, child, compose, position
from tracker_bridge.roadmap.problems import suggest
from tracker_bridge.store import Measurement

COLUMNS = ("id", "value", "at", "note")


def parse_value(text: object) -> float:
    """A finite number; raises ValueError with what is wrong."""
    if isinstance(text, bool) or not isinstance(text, int | float | str):
        raise ValueError(f"expected a number, got {text!r}")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {text!r}")
    return value


def parse_day(text: object, today: date) -> date:
    """An ISO date, not after `today`; raises ValueError with what is wrong."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date like 2026-03-02, got {text!r}")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-03-02, got {text!r}") from None
    if day > today:
        raise ValueError(f"{day} is in the future (today is {today})")
    return day


def check_objective(objective_id: object, known: Collection[str]) -> str:
    if not isinstance(objective_id, str) or not objective_id.strip():
        raise ValueError("an objective id is required")
    if objective_id not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise ValueError(f"no objective {objective_id!r}{suggest(objective_id, known)} "
                         f"(objectives: {listed})")
    return objective_id


def _row(values: Mapping[str, Any], known: Collection[str], today: date,
         where: tuple[str, int, int], out: list[Problem]) -> Measurement | None:
    file, line, column = where
    checks: list[tuple[str, Any]] = []
    try:
        objective_id = check_objective(values.get("id"), known)
        checks.append(("id", objective_id))
        value = parse_value(values.get("value", ""))
        checks.append(("value", value))
        at = values.get("at")
        day = today if at in (None, "") else parse_day(at, today)
        checks.append(("at", day))
        note = values.get("note") or ""
        if not isinstance(note, str):
            raise ValueError(f"expected text, got {note!r}")
        checks.append(("note", note))
    except ValueError as exc:
        field = COLUMNS[len(checks)]
        out.append(Problem(file, line, column, field, str(exc)))
        return None
    return Measurement(objective_id, day, value, note.strip())


def _from_csv(text: str, file: str, known: Collection[str], today: date,
              out: list[Problem]) -> list[Measurement]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "value") if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        what = (f"missing column(s) {', '.join(missing)}" if missing
                else f"unknown column(s) {', '.join(unknown)}")
        out.append(Problem(file, 1, 1, "", f"{what}; the header is {','.join(COLUMNS)}"))
        return []
    found: list[Measurement] = []
    for row in reader:
        if None in row:  # more cells than the header names
            out.append(Problem(file, reader.line_num, 1, "", "more cells than the header has"))
            continue
        measurement = _row(row, known, today, (file, reader.line_num, 1), out)
        if measurement is not None:
            found.append(measurement)
    return found


def _from_json(text: str, file: str, known: Collection[str], today: date,
               out: list[Problem]) -> list[Measurement]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        out.append(Problem(file, exc.lineno, exc.colno, "", f"not valid JSON: {exc.msg}"))
        return []
    try:
        root = compose(text)  # the same text again, for the line of each entry
    except YamlProblem:
        root = None
    if not isinstance(data, list):
        out.append(Problem(file, 1, 1, "", "expected a list of measurements"))
        return []
    found: list[Measurement] = []
    for number, entry in enumerate(data):
        node = child(root, number)
        line, column = position(node) if node is not None else (1, 1)
        if not isinstance(entry, dict):
            out.append(Problem(file, line, column, "",
                               "expected an object with id, value, at, note"))
            continue
        unknown = sorted(set(entry) - set(COLUMNS))
        if unknown:
            out.append(Problem(file, line, column, unknown[0],
                               f"unknown field; use {', '.join(COLUMNS)}"))
            continue
        measurement = _row(entry, known, today, (file, line, column), out)
        if measurement is not None:
            found.append(measurement)
    return found


def read_measurements(path: Path, known: Iterable[str], today: date) -> list[Measurement]:
    """All measurements in the file, or a UserError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path}:1: not a UTF-8 text file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read it ({exc.strerror})") from None
    ids = set(known)
    problems: list[Problem] = []
    parse = _from_json if path.suffix.lower() == ".json" or text.lstrip().startswith("[") \
        else _from_csv
    found = parse(text, str(path), ids, today, problems)
    if problems:
        raise UserError(str(problems[0]), problems)
    if not found:
        raise UserError(f"{path}: no measurements in the file")
    return found
