"""Keys of the store's base rows (the last values synced to a tracker, per key).

An item's row is keyed by its id; a sprint's by `sprint:` and its id. Apply writes sprint
rows and the pull reads them back, so the key lives here, below both (apply cannot import
the puller: the puller imports apply)."""

from __future__ import annotations

SPRINT_PREFIX = "sprint:"


def sprint_key(sprint_id: str) -> str:
    """The base row of a sprint (what the tracker's sprint was last synced to)."""
    return f"{SPRINT_PREFIX}{sprint_id}"
