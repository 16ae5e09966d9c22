"""A fake GitHub (REST issues + GraphQL Projects v2) served over real HTTP on loopback.

    with FakeGitHub(repos=("trending-now",)) as gh:
        g = Github(base_url=gh.url, auth=Auth.Token(gh.token))
        httpx.post(gh.graphql_url, json={"query": ...},
                   headers={"Authorization": f"Bearer {gh.token}"})

Stateful and deterministic for a given seed; rate limits, ETags and sub-issue rules behave
as GitHub's do; `gh.clock` moves time; `gh.human_*` helpers edit like a person in the UI.
`FakeGitHub(project_status="default")` gives the boards GitHub's default Status options
(see `STATUS_PRESETS`), or any list of names.
"""

from __future__ import annotations

from tracker_bridge.testing.fake_github.projects import STAGE_OPTIONS, STATUS_PRESETS
from tracker_bridge.testing.fake_github.server import FakeGitHub

__all__ = ["STAGE_OPTIONS", "STATUS_PRESETS", "FakeGitHub"]
