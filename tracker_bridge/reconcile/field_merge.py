"""A field changed on several sides, merged part by part instead of one side's value winning.

Each side's change is the difference between its value and its own base (what it held at
the last sync), applied to what the trackers agreed on then (`agreed`, a tracker's base: the
roadmap file never learns a person's edits, so the roadmap's base can be older than that).

- Sets (labels, ticked boxes) merge member by member and never conflict: an addition wins
  a tie with a removal.
- Texts (title, description, the checklist) merge line by line, as `git merge` does: changes
  to lines apart are all kept; changes that touch the same or adjacent lines cannot be
  merged, and the planner settles them as before (a conflict, or the one changed side).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from tracker_bridge.model import FieldValue

SET_FIELDS = frozenset({"labels", "checked"})
TEXT_FIELDS = frozenset({"title", "description", "acceptance"})

Change = tuple[FieldValue, FieldValue]
"""(the side's base, the side's value now)."""


def merged_set(agreed: FieldValue, changes: Sequence[Change]) -> tuple[str, ...] | None:
    """None: a base is unknown (first sync, relink), so the changes cannot be told apart."""
    if not isinstance(agreed, tuple) or not all(isinstance(base, tuple) for base, _ in changes):
        return None
    added: set[str] = set()
    removed: set[str] = set()
    for base, value in changes:
        now = set(value) if isinstance(value, tuple) else set()
        before = set(base) if isinstance(base, tuple) else set()
        added |= now - before
        removed |= before - now
    return tuple(sorted((set(agreed) - removed) | added))


def merged_text(agreed: FieldValue, changes: Sequence[Change]) -> FieldValue:
    """The agreed text with every side's line changes, or `UNMERGED` where two touch."""
    if not all(isinstance(v, str | None) for v in (agreed, *(x for c in changes for x in c))):
        return UNMERGED
    text = str(agreed or "")
    for base, value in changes:
        rebased = _merge3(str(base or ""), text, str(value or ""))
        if rebased is None:
            return UNMERGED
        text = rebased
    # The same value as a side's where it is one (None and "" are both "no text").
    for candidate in (*(value for _, value in changes), agreed):
        if (candidate or "") == text:
            return candidate
    return text


UNMERGED: FieldValue = ("\x00unmerged",)
"""What `merged_text` returns for changes that touch the same lines (no field holds it)."""

_Hunk = tuple[int, int, list[str]]


def _merge3(base: str, ours: str, theirs: str) -> str | None:
    """`ours` with the changes from `base` to `theirs`; None where both changed the same or
    adjacent lines of `base` differently."""
    lines = base.splitlines(keepends=True)
    mine, other = _hunks(lines, ours), _hunks(lines, theirs)
    chosen: list[_Hunk] = []
    for hunk in sorted(mine + other, key=lambda h: (h[0], h[1])):
        if chosen and hunk[0] <= chosen[-1][1] and chosen[-1][0] <= hunk[1]:
            if hunk != chosen[-1]:  # touching: one change over another's lines
                return None
            continue  # both sides made the same change
        chosen.append(hunk)
    out: list[str] = []
    at = 0
    for start, end, replacement in chosen:
        out += lines[at:start] + replacement
        at = end
    return "".join(out + lines[at:])


def _hunks(base: list[str], text: str) -> list[_Hunk]:
    """The changed ranges of `base` (start, end) with their new lines, adjacent ones joined."""
    lines = text.splitlines(keepends=True)
    found: list[_Hunk] = []
    opcodes = SequenceMatcher(None, base, lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if found and found[-1][1] == i1:
            start, _, replacement = found[-1]
            found[-1] = (start, i2, replacement + lines[j1:j2])
        else:
            found.append((i1, i2, lines[j1:j2]))
    return found
