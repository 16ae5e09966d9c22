"""Stable, human item ids derived from titles when the file gives none."""

from __future__ import annotations

import re
import unicodedata

MAX_ID = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, limit: int = 48) -> str:
    """`"Vibe score (LLM)"` → `vibe-score-llm`; ASCII only, never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "item"


def child_id(parent_id: str, title: str) -> str:
    """An item's derived id: its epic's id, a dot, the slug of its title (≤ 80 chars).

    Position in the file plays no part, so re-ordering items never changes an id; an
    explicit `id:` is never touched, so editing a title keeps an explicit id too.
    """
    room = MAX_ID - len(parent_id) - 1
    return f"{parent_id}.{slug(title, limit=max(room, 8))}"[:MAX_ID].rstrip("-.")
