"""Which work items a pull request is about (pure).

Three ways, each switched on in the mapping's `delivery.link_by`:
- `closing_keywords`: GitHub's keywords in the title or body (close, closes, closed, fix,
  fixes, fixed, resolve, resolves, resolved; any case, an optional colon) followed by
  `#12`, `owner/repo#12` or the issue's URL, for an issue of a configured repository;
- `jira_key`: a Jira key (`TREND-12`) of a linked item in the title or the branch name;
- `item_id`: the item's own id (`ingestion.rotten-tomatoes`) as a whole word in the title
  or the branch name (`feature/ingestion.rotten-tomatoes`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tracker_bridge.delivery.facts import PullRequest

LinkBy = Literal["closing_keywords", "jira_key", "item_id"]
LINK_BY: tuple[LinkBy, ...] = ("closing_keywords", "jira_key", "item_id")

CLOSING_KEYWORDS = (
    "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
)  # fmt: skip
_CLOSING = re.compile(
    r"(?<![\w-])(?:" + "|".join(CLOSING_KEYWORDS) + r")\s*:?\s+"
    r"(?:(?:https?://[^/\s]+/)(?P<url_repo>[\w.-]+/[\w.-]+)/issues/(?P<url_number>\d+)"
    r"|(?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+))\b",
    re.IGNORECASE,
)
_JIRA_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9_]+-\d+)(?!\d)")
_WORD = re.compile(r"[\w.-]+")


@dataclass(frozen=True)
class LinkIndex:
    """What the store knows that a pull request can point at."""

    github_issues: Mapping[tuple[str, int], str] = field(default_factory=dict)
    """(lower-cased "owner/repo", issue number) -> item id."""
    jira_keys: Mapping[str, str] = field(default_factory=dict)
    """Upper-cased Jira key -> item id."""
    item_ids: Collection[str] = frozenset()


def linked_items(
    pull: PullRequest, index: LinkIndex, link_by: Collection[LinkBy] = LINK_BY
) -> set[str]:
    found: set[str] = set()
    text = f"{pull.title}\n{pull.body}"
    if "closing_keywords" in link_by:
        for match in _CLOSING.finditer(text):
            repo = match["url_repo"] or match["repo"] or pull.repo
            number = int(match["url_number"] or match["number"])
            item = index.github_issues.get((repo.lower(), number))
            if item is not None:
                found.add(item)
    named = f"{pull.title}\n{pull.branch}"
    if "jira_key" in link_by:
        for key in _JIRA_KEY.findall(named):
            item = index.jira_keys.get(key.upper())
            if item is not None:
                found.add(item)
    if "item_id" in link_by:
        ids = index.item_ids
        for word in _WORD.findall(named):
            word = word.strip(".-")
            if word in ids:
                found.add(word)
    return found
