"""The roadmap's order as the Jira rank (Agile `PUT /issue/rank`), sending only what moved.

Which issues move is `adapters.ordering.rank_moves`; a board already in the roadmap's order
costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker_bridge.adapters.ordering import RANK_BATCH, RankMove, rank_moves

from .client import JiraCallError

if TYPE_CHECKING:
    from .client import JiraClient


def send_moves(client: JiraClient, moves: Sequence[RankMove]) -> list[str]:
    """Send the moves; the errors, one line per issue Jira did not rank."""
    errors: list[str] = []
    for move in moves:
        try:
            answer = client.put("issue/rank", move.body(), agile=True)
        except JiraCallError as exc:
            errors.append(f"ranking {', '.join(move.issues)}: {exc}")
            continue
        for entry in (answer or {}).get("entries", ()) if isinstance(answer, dict) else ():
            if int(entry.get("status") or 200) >= 300:
                errors.append(f"ranking {entry.get('issueKey')}: {entry.get('errors')}")
    return errors


__all__ = ["RANK_BATCH", "RankMove", "rank_moves", "send_moves"]
