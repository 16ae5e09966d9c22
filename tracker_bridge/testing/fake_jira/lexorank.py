"""LexoRank-like ranks for the fake Jira: base-36 fractions as strings, so an issue ranked
between two others gets a string between theirs and no other issue changes."""

from __future__ import annotations

from collections.abc import Iterable

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def between(low: str, high: str | None) -> str:
    """A rank strictly between `low` and `high` (None: no upper bound), as short as can be."""
    digits: list[str] = []
    i = 0
    while True:
        lo = _INDEX[low[i]] if i < len(low) else 0
        hi = _INDEX[high[i]] if high is not None and i < len(high) else len(ALPHABET)
        if hi - lo > 1:
            digits.append(ALPHABET[(lo + hi) // 2])
            return "".join(digits)
        digits.append(ALPHABET[lo])
        if hi - lo == 1:
            high = None  # past this digit anything above `low` stays below `high`
        i += 1


def after_last(ranks: Iterable[str]) -> str:
    """The rank of a new issue: after every other (the bottom of the backlog)."""
    return between(max((r for r in ranks if r), default=""), None)
