"""Delivery drives the board: pull requests, deployments and releases move items forward.

`facts` (what happened to the code, JSON both ways), `links` (pull request -> items),
`rules` (facts -> the stage each item reached, and when), all pure;
`github_json` reads GitHub's objects (REST and webhooks), `stored` and `record` keep facts.
The planner side (`reconcile.delivery`) and the sync step (`reconcile.delivery_step`)
live in `reconcile`, which imports this package, never the other way round.
"""

from __future__ import annotations

from tracker_bridge.delivery.facts import Deployment, Facts, PullRequest, Release
from tracker_bridge.delivery.links import LINK_BY, LinkIndex, linked_items
from tracker_bridge.delivery.rules import DeliveryRules, Reached, reached_stages

__all__ = [
    "LINK_BY",
    "DeliveryRules",
    "Deployment",
    "Facts",
    "LinkIndex",
    "PullRequest",
    "Reached",
    "Release",
    "linked_items",
    "reached_stages",
]
