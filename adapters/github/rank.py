"""The roadmap's order as the positions on a Projects v2 board (`updateProjectV2ItemPosition`
with `afterId`), one request per item out of place and none when the board matches.

Which items move is decided as for Jira's rank (`adapters.ordering.rank_moves`): the longest
run already in the roadmap's order stays, every other item goes right after the one before
it in the roadmap (or to the top of the board when it comes first).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from tracker_bridge.adapters.github.client import GitHubClient, GraphQLError, WriteUncertain
from tracker_bridge.adapters.ordering import rank_moves

POSITION = """
mutation($p:ID!,$i:ID!,$a:ID){ updateProjectV2ItemPosition(
  input:{projectId:$p,itemId:$i,afterId:$a}){ clientMutationId } }"""


def position_items(
    client: GitHubClient,
    project_id: str,
    board: Sequence[int],
    desired: Sequence[int],
    item_of: Mapping[int, str],
    only: Collection[int] | None = None,
) -> tuple[int, list[str]]:
    """Move the board's items (issue numbers, in board order) into `desired`'s order, or
    with `only` place just those: (requests sent, errors). Issues without a known project
    item are left where they are."""
    wanted = [n for n in desired if n in item_of]
    placed = None if only is None else {str(n) for n in only}
    moves = rank_moves([str(n) for n in board], [str(n) for n in wanted], placed)
    sent, errors = 0, []
    for move in moves:
        previous = move.after
        for key in move.issues:
            after = item_of[int(previous)] if previous is not None else None
            try:
                sent += 1
                client.graphql(POSITION, {"p": project_id, "i": item_of[int(key)], "a": after})
            except (GraphQLError, WriteUncertain) as exc:
                errors.append(f"positioning #{key} on the project: {exc}")
            previous = key
    return sent, errors
