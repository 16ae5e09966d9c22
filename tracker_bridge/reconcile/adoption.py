"""`adopt:` claims: a roadmap item binds an existing issue instead of creating one.

The first sync that sees the claimed issue binds it: its ref is stored, its values become the
base on both the tracker's side and the roadmap's (so a roadmap value that differs is a
planned, visible update, never a silent overwrite), and the item's marker is written before
anything else. An issue claimed by one item but bound to, or marked for, another is an error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tracker_bridge.errors import Problem, UserError
from tracker_bridge.model import RemoteRef, WorkItem, parse_claim
from tracker_bridge.tracker import RemoteItem


class AdoptConflict(UserError):
    """An `adopt:` claim names an issue that belongs to another item. Carries the claim, so
    whoever holds the roadmap file can name the `adopt:` line (`LoadedRoadmap.claim_problem`)."""

    def __init__(self, item_id: str, target: str, key: str, reason: str) -> None:
        super().__init__(f"roadmap item {item_id!r} (adopt: {target} {key}): {reason}")
        self.item_id, self.target, self.key, self.reason = item_id, target, key, reason

    def pinned(self, roadmap: ClaimLines) -> UserError:
        """The same error, named at the `adopt:` field of the roadmap file that claims it."""
        problem = roadmap.claim_problem(self.item_id, self.target, self.key, self.reason)
        return UserError(str(self), [problem])


class ClaimLines(Protocol):
    """Where a roadmap file writes its claims (`tracker_bridge.roadmap.LoadedRoadmap`)."""

    def claim_problem(self, item_id: str, target: str, key: str, message: str) -> Problem: ...


def claims_on(items: Iterable[WorkItem], tracker: str) -> dict[str, str]:
    """Issue key on `tracker` -> the roadmap item claiming it."""
    claims: dict[str, str] = {}
    for item in items:
        for claim in item.adopt:
            target, key = parse_claim(claim)
            if target == tracker:
                claims[key] = item.id
    return claims


@dataclass
class Binding:
    bound: dict[str, RemoteItem] = field(default_factory=dict)
    """Claimed issues bound in this run, by the claiming item's id."""
    adopting: set[str] = field(default_factory=set)
    """Claiming items whose issue does not carry their marker yet."""
    taken: dict[str, tuple[str, RemoteRef]] = field(default_factory=dict)
    """Tracker-born items whose issue a roadmap item adopted: born id -> (claimant, ref)."""


def bind(
    tracker: str,
    claims: Mapping[str, str],
    issues: Sequence[RemoteItem],
    refs: Mapping[str, RemoteRef],
    born: Collection[str] = (),
) -> Binding:
    """A tracker-born item's issue may be adopted: the roadmap item takes it over."""
    owner = {ref.remote_id: item_id for item_id, ref in refs.items()}
    binding = Binding()
    for issue in issues:
        claimant = claims.get(issue.ref.key)
        if claimant is None:
            continue
        key = issue.ref.key
        other = issue.item_id or owner.get(issue.ref.remote_id)
        if other is not None and other != claimant and other in born and not issue.item_id:
            binding.taken[other] = (claimant, refs[other])
        elif other is not None and other != claimant:
            how = "carries the marker of" if issue.item_id else "is bound to"
            what = "tracker-born item" if other in born else "roadmap item"
            fix = "claim the issue it was born as" if other in born else (
                f"drop {other!r} from the roadmap first")
            raise AdoptConflict(
                claimant, tracker, key,
                f"{key} {how} {what} {other!r} already: an issue belongs to one item; "
                f"remove this claim, or {fix}",
            )
        mine = refs.get(claimant)
        if mine is not None and mine.remote_id != issue.ref.remote_id:
            raise AdoptConflict(
                claimant, tracker, key,
                f"{claimant!r} is linked to {mine.key} on {tracker} already: remove this "
                "claim, or claim that issue",
            )
        if issue.item_id is None:
            binding.adopting.add(claimant)
        if mine is None:
            binding.bound[claimant] = issue
    return binding


def unseen_claims(
    claims: Mapping[str, str], issues: Iterable[RemoteItem], refs: Mapping[str, RemoteRef]
) -> list[str]:
    """Claimed keys neither pulled nor bound yet: to be read one by one."""
    seen = {issue.ref.key for issue in issues}
    return sorted(key for key, item_id in claims.items() if key not in seen and item_id not in refs)
