"""Which issues to move so a tracker's order becomes the roadmap's (pure, tracker-neutral).

The issues that keep their place are the longest run already in the roadmap's order (a
longest increasing subsequence); every other issue goes right after the one before it in the
roadmap (or before the first one kept, at the top), in batches of up to 50.

When the tracker owns the order (`ownership: {order: tracker}`), only the issues named in
`only` (those created this run) are placed; every other issue keeps the place people gave it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

RANK_BATCH = 50


@dataclass(frozen=True)
class RankMove:
    issues: tuple[str, ...]
    before: str | None = None
    after: str | None = None

    def body(self) -> dict[str, Any]:
        anchor = {"rankBeforeIssue": self.before} if self.before else {"rankAfterIssue": self.after}
        return {"issues": list(self.issues), **anchor}


def _kept(positions: Sequence[int]) -> set[int]:
    """Indexes (into `positions`) of a longest increasing subsequence."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(positions)
    for index, value in enumerate(positions):
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[at], tail_at[at] = value, index
        previous[index] = tail_at[at - 1] if at > 0 else -1
    kept: set[int] = set()
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


def _batched(run: Sequence[str], before: str | None, after: str | None) -> list[RankMove]:
    """One run of keys next to an anchor, in requests of at most RANK_BATCH keys."""
    moves: list[RankMove] = []
    for start in range(0, len(run), RANK_BATCH):
        chunk = tuple(run[start : start + RANK_BATCH])
        if start > 0:
            moves.append(RankMove(chunk, after=run[start - 1]))
        else:
            moves.append(RankMove(chunk, before=before, after=after))
    return moves


def _placements(now: list[str], desired: Sequence[str], only: Collection[str]) -> list[RankMove]:
    """Each run of `only` keys goes right after the key before it in `desired` (before the
    next one at the top); the other keys are never sent, so their order stays as it is."""
    if all(key in only for key in desired):
        return rank_moves(now, desired)  # nothing placed by a person yet: the roadmap's order
    moves: list[RankMove] = []
    index = 0
    while index < len(desired):
        if desired[index] not in only:
            index += 1
            continue
        end = index
        while end < len(desired) and desired[end] in only:
            end += 1
        run = list(desired[index:end])
        rest = [key for key in now if key not in set(run)]
        if index > 0:
            at = rest.index(desired[index - 1]) + 1
            before, after = None, desired[index - 1]
        else:
            at = rest.index(desired[end])
            before, after = desired[end], None
        placed = rest[:at] + run + rest[at:]
        if placed != now:  # a new issue can be in its place already (last, after the last)
            moves += _batched(run, before, after)
            now = placed
        index = end
    return moves


def rank_moves(
    current: Sequence[str], desired: Sequence[str], only: Collection[str] | None = None
) -> list[RankMove]:
    """The rank requests that turn `current` (keys in rank order) into `desired`'s order;
    with `only`, the requests that place just those keys by `desired` (see the module).
    Keys missing from `current` count as last (a new issue is at the bottom)."""
    wanted = set(desired)
    now = [key for key in current if key in wanted]
    now += [key for key in desired if key not in set(now)]
    if only is not None:
        return _placements(now, desired, only)
    if now == list(desired):
        return []
    place = {key: index for index, key in enumerate(now)}
    kept = _kept([place[key] for key in desired])
    moves: list[RankMove] = []
    index = 0
    while index < len(desired):
        if index in kept:
            index += 1
            continue
        end = index
        while end < len(desired) and end not in kept:
            end += 1
        run = list(desired[index:end])
        for start in range(0, len(run), RANK_BATCH):
            chunk = tuple(run[start : start + RANK_BATCH])
            if start > 0:
                moves.append(RankMove(chunk, after=run[start - 1]))
            elif index > 0:
                moves.append(RankMove(chunk, after=desired[index - 1]))
            else:  # at the top: before the first issue that keeps its place
                moves.append(RankMove(chunk, before=desired[end]))
        index = end
    return moves
