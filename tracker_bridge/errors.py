"""Errors meant for people: one line each, naming where the problem is and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, printed as `FILE:LINE:COL: field.path: message`."""

    file: Path | str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        if not self.field:
            return f"{where}: {self.message}"
        return f"{where}: {self.field}: {self.message}"


class UserError(Exception):
    """Bad input or configuration. The CLI prints it without a traceback and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems] or [str(self)]
