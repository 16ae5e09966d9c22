"""What every GitHub answer carries besides its body, and the `/rate_limit` document.

Tools log `x-github-request-id` (GitHub Support asks for it) and read `x-oauth-scopes` to
check a classic token before they write; PyGithub's `get_rate_limit()` exposes each
`resources.*` entry (`search` is what search-heavy tools watch).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Sequence
from typing import Any

from tracker_bridge.testing.fake_github.limits import RateLimits

API_VERSION = "2022-11-28"  # what GitHub selects when a client sends no X-GitHub-Api-Version
# Budgets the fake does not spend (it has no code search, SCIM, … endpoints): (limit, seconds)
UNSPENT = {
    "code_search": (10, 60),
    "integration_manifest": (5000, 3600),
    "source_import": (100, 60),
    "code_scanning_upload": (1000, 3600),
    "code_scanning_autofix": (10, 60),
    "actions_runner_registration": (10000, 3600),
    "scim": (15000, 3600),
    "dependency_snapshots": (100, 60),
    "dependency_sbom": (100, 3600),
}
_serial = itertools.count(1)


def request_id(seed: int) -> str:
    """Unique per answer, in GitHub's form (`DEEE:4E297:23C6134F:24ABF6D7:67785F1C`)."""
    number = next(_serial)
    digest = hashlib.sha256(f"{seed}-{number}".encode()).hexdigest().upper()
    return f"{digest[:4]}:{digest[4:9]}:{digest[9:17]}:{digest[17:25]}:{number:08X}"


def github_headers(seed: int, scopes: Sequence[str] | None, status: int) -> dict[str, str]:
    headers = {
        "x-github-request-id": request_id(seed),
        "x-github-media-type": "github.v3; format=json",
        "x-github-api-version-selected": API_VERSION,
    }
    if scopes is not None and status != 401:  # refused or fine-grained: no scopes to report
        headers["x-oauth-scopes"] = ", ".join(sorted(scopes))
        headers["x-accepted-oauth-scopes"] = ""
    return headers


def rate_limit_body(limits: RateLimits) -> dict[str, Any]:
    now = limits.now().timestamp()
    resources: dict[str, Any] = {}
    for name in ("core", "search", "graphql"):
        budget = limits.budget(name)
        resources[name] = {
            "limit": budget.limit,
            "used": budget.used,
            "remaining": budget.remaining,
            "reset": int(budget.reset_at or 0),
        }
    for name, (limit, window) in UNSPENT.items():
        resources[name] = {
            "limit": limit,
            "used": 0,
            "remaining": limit,
            "reset": math.ceil(now + window),
        }
    return {"resources": resources, "rate": dict(resources["core"])}
