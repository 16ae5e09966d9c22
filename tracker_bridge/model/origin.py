"""Ids of work born in a tracker: derived once from the tracker key, never changed after."""

from __future__ import annotations

import re

_ADAPTER_PREFIX = {"github": "gh"}
_NOT_ID = re.compile(r"[^a-z0-9._-]+")


def born_id(tracker: str, key: str) -> str:
    """`jira:TREND` + `TREND-37` -> `jira-trend-37`; `github:acme/repo` + `12` ->
    `gh-acme-repo-12`. The reconciler stores it the first time it sees the issue and finds
    it again by the issue's immutable id, so a later move, transfer or mirror never
    changes it. Jira keys already name their project, so only the adapter is prefixed."""
    adapter, _, project = tracker.partition(":")
    prefix = _ADAPTER_PREFIX.get(adapter, adapter)
    raw = f"{prefix}-{key}" if adapter == "jira" else f"{prefix}-{project}-{key}"
    slug = _NOT_ID.sub("-", raw.lower()).strip("-._")
    return slug[:80]


_BORN_SHAPES = (
    re.compile(r"^jira-[a-z][a-z0-9_]*-[0-9]+$"),  # jira-<project>-<number>
    re.compile(r"^gh-[a-z0-9._-]+-[a-z0-9._-]+-[0-9]+$"),  # gh-<owner>-<repo>-<number>
)
BORN_ID_RULE = (
    "ids shaped like jira-<project>-<number> or gh-<owner>-<repo>-<number> are reserved "
    "for work born in a tracker"
)


def looks_born(item_id: str) -> bool:
    """Is `item_id` shaped like an id `born_id` gives? A roadmap item may not take one (it
    would be the same item as the tracker's issue), unless it adopts exactly that issue."""
    return any(shape.match(item_id) for shape in _BORN_SHAPES)


_CLAIM = re.compile(r"^(?P<adapter>[a-z][a-z0-9_-]*):(?P<rest>\S+)$")
_JIRA_KEY = re.compile(r"^(?P<project>[A-Z][A-Z0-9_]*)-(?P<number>[1-9][0-9]*)$")
_GITHUB_ISSUE = re.compile(r"^(?P<repo>[^/#\s]+/[^/#\s]+)#(?P<number>[1-9][0-9]*)$")


def parse_claim(text: str) -> tuple[str, str]:
    """`jira:TREND-37` -> (`jira:TREND`, `TREND-37`); `github:acme/repo#12` ->
    (`github:acme/repo`, `12`): the target and the issue key an `adopt:` claims."""
    found = _CLAIM.match(text)
    if found is None:
        raise ValueError(f"adopt {text!r}: expected jira:KEY-12 or github:OWNER/REPO#12")
    adapter, rest = found["adapter"], found["rest"]
    if adapter == "jira" and (key := _JIRA_KEY.match(rest)):
        return f"jira:{key['project']}", rest
    if adapter == "github" and (issue := _GITHUB_ISSUE.match(rest)):
        return f"github:{issue['repo']}", issue["number"]
    if adapter not in ("jira", "github"):
        return text.rsplit("#", 1)[0] if "#" in rest else text, rest.rsplit("#", 1)[-1]
    raise ValueError(f"adopt {text!r}: expected jira:KEY-12 or github:OWNER/REPO#12")
