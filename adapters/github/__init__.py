"""The GitHub adapter: issues via PyGithub's requester, Projects v2 via httpx GraphQL.

Registered under the `tracker_bridge.adapters` entry point as `github`:

    from tracker_bridge.adapters.github import factory
    adapter = factory.open("github:acme/trending-now",
                           settings={"url": "https://api.github.com", "token": SecretStr(...),
                                     "username": None, "options": {}})
"""

from __future__ import annotations

from tracker_bridge.adapters.github.adapter import GitHubAdapter
from tracker_bridge.adapters.github.factory import GitHubFactory, factory
from tracker_bridge.adapters.github.mapping import GitHubMapping, load_mapping, parse_mapping

__all__ = [
    "GitHubAdapter",
    "GitHubFactory",
    "GitHubMapping",
    "factory",
    "load_mapping",
    "parse_mapping",
]
