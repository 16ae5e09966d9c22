"""The bases a relinked issue starts from, so the next sync can tell what it does not know.

`relink` finds our issues by their markers after the store was lost, and with the store the
values each issue was last synced with (its base). Where an issue holds what the roadmap
says, nothing changed. Where it holds something else in a field the roadmap owns (a
description a person rewrote, a roadmap edit not yet synced), either side may have changed
since the last sync and no record says which. Such a field's base is left unknown on both
sides (`UNKNOWN`), so the next sync sees two changes: it reports the conflict with both
values and settles it by `conflict_policy` (and the change-ratio guard counts it), instead
of writing the roadmap's value over a person's edit in silence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from tracker_bridge.model import FieldValue, WorkItem
from tracker_bridge.reconcile.planner import DEFAULT_OWNERS, Owner, Values, canonical
from tracker_bridge.tracker import RemoteItem

UNKNOWN: FieldValue = None
"""The base of a field whose last synced value is lost: unlike a value either side holds,
so each side that holds a value reads as changed."""

_RESTORED_ELSEWHERE = frozenset({"spike"})
"""The spike record comes back as events (`reconcile.spike_records.restore`), not by merge."""


@dataclass(frozen=True)
class RelinkedBases:
    tracker: dict[str, dict[str, FieldValue]] = field(default_factory=dict)
    """Per item: the base to store for the relinked target."""
    roadmap: dict[str, dict[str, FieldValue]] = field(default_factory=dict)
    """Per item whose issue disagrees with the roadmap: the roadmap's base to store."""
    unsettled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per item: the roadmap's fields where the issue and the roadmap hold different
    values, each a conflict at the next sync."""


def relinked_bases(
    items: Mapping[str, WorkItem],
    found: Mapping[str, RemoteItem],
    restored: Collection[str],
    roadmap_base: Mapping[str, Values],
    owners: Mapping[str, Owner] = DEFAULT_OWNERS,
) -> RelinkedBases:
    """The bases of the issues found by marker. `restored`: the items whose ref was lost
    (the others' history is still in the store, their base is the issue's values as
    before); `roadmap_base`: the roadmap's stored base (an earlier target's relink)."""
    out = RelinkedBases()
    for item_id, remote in found.items():
        values = canonical(remote.values)
        item = items.get(item_id)
        if item is None or item_id not in restored:
            out.tracker[item_id] = values
            continue
        desired = item.sync_values()
        differing = [
            name
            for name, value in values.items()
            if owners.get(name) == "roadmap"
            and name not in _RESTORED_ELSEWHERE
            and name in desired
            and value != desired[name]
        ]
        if not differing:
            out.tracker[item_id] = values
            continue
        # An empty side keeps its own value as its base: unchanged, so the other side's
        # value simply wins at the next sync (nothing to lose). Where both hold a value,
        # both bases are unknown: that is the conflict.
        out.tracker[item_id] = {**values, **{n: _base(values[n]) for n in differing}}
        out.roadmap[item_id] = {**(roadmap_base.get(item_id) or desired),
                                **{n: _base(desired[n]) for n in differing}}
        both = tuple(n for n in differing if not (_empty(values[n]) or _empty(desired[n])))
        if both:
            out.unsettled[item_id] = both
    return out


def _empty(value: FieldValue) -> bool:
    return value is None or value == "" or value == ()


def _base(value: FieldValue) -> FieldValue:
    return value if _empty(value) else UNKNOWN


def unsettled_note(unsettled: Mapping[str, tuple[str, ...]], shown: int = 5) -> str:
    """What `relink` says of the fields the next sync will report as conflicts."""
    per_field = Counter(name for names in unsettled.values() for name in names)
    fields = ", ".join(f"{name}: {count}" for name, count in sorted(per_field.items()))
    ids = sorted(unsettled)
    listed = ", ".join(f"{i} ({', '.join(unsettled[i])})" for i in ids[:shown])
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return (
        f"{len(ids)} item(s) hold values other than the roadmap's in fields the roadmap owns "
        f"({fields}): {listed}{more}. Which side changed was known only to the lost store, "
        "so the next sync reports each as a conflict with both values and settles it by "
        "conflict_policy (owner: the roadmap's value; hold: nothing written until the two "
        "agree). `tracker-bridge plan` shows them first."
    )
