"""Acceptance criteria and the board's definition of done as a checklist (pure).

Trackers carry it in the tool's own block (GitHub body, Jira description panel):

    Acceptance criteria:
    - [ ] Precision@10 of at least 0.6 on the review set
    - [x] A runbook for re-indexing
    Definition of done:
    - [ ] Reviewed by a second engineer

Two synced values come from it: `acceptance` (the lines with every box empty: what the
roadmap says, so a tick is never a change of the criteria) and `checked` (the texts a person
ticked on a tracker, which belong to the tracker like the stage).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tracker_bridge.model.spike_record import one_line

CRITERIA = "Acceptance criteria:"
DONE = "Definition of done:"
HEADINGS = (CRITERIA, DONE)
BOX = re.compile(r"^- \[([ xX])\] (.+?)\s*$")


def checklist_value(criteria: Sequence[str], done: Sequence[str]) -> str | None:
    """The `acceptance` value: the checklist with every box empty (None when empty)."""
    lines: list[str] = []
    for heading, entries in ((CRITERIA, criteria), (DONE, done)):
        texts = [one_line(entry) for entry in entries if entry.strip()]
        if texts:
            lines += [heading, *(f"- [ ] {text}" for text in texts)]
    return "\n".join(lines) or None


def ticked(value: str | None, checked: Iterable[str]) -> list[str]:
    """The checklist's lines with the boxes in `checked` ticked (for writing)."""
    done = set(checked)
    lines: list[str] = []
    for line in (value or "").split("\n"):
        match = BOX.match(line)
        if match and match.group(2) in done:
            line = f"- [x] {match.group(2)}"
        if line:
            lines.append(line)
    return lines


def is_checklist_line(line: str) -> bool:
    return line in HEADINGS or BOX.match(line) is not None


def read_checklist(lines: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """(`acceptance`, `checked`) from a block's lines; lines before a heading mean nothing."""
    kept: list[str] = []
    checked: list[str] = []
    heading = False
    for line in lines:
        if line in HEADINGS:
            heading = True
            kept.append(line)
        elif heading and (match := BOX.match(line)):
            kept.append(f"- [ ] {match.group(2)}")
            if match.group(1) in "xX":
                checked.append(match.group(2))
    if not any(BOX.match(line) for line in kept):
        return None, ()
    return "\n".join(kept), tuple(sorted(set(checked)))


def criteria_of(value: str | None) -> list[tuple[str, str]]:
    """(heading, text) of each box, for reports."""
    found: list[tuple[str, str]] = []
    heading = CRITERIA
    for line in (value or "").split("\n"):
        if line in HEADINGS:
            heading = line
        elif match := BOX.match(line):
            found.append((heading, match.group(2)))
    return found
