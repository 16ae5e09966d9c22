"""Delivery drives the board: pull requests, deployments and releases move items forward.

`facts` (what happened to the code, JSON both ways), `links` (pull request -> items),
`rules` (facts -> the stage each item reached, and when), `planning` (delivery as a
forward-only side of the planner's merge): all pure. `payloads` reads webhook payloads,
`step` is the sync's I/O glue (store, adapter reads), `record` what `delivered` stores.
"""

from __future__ import annotations

from tracker_bridge.delivery.facts import Deployment, Facts, PullRequest, Release
from tracker_bridge.delivery.links import LINK_BY, LinkIndex, linked_items
from tracker_bridge.delivery.planning import (
    DELIVERY_SIDE,
    DeliverySide,
    delivery_side,
    delivery_times,
    plan_with_delivery,
)
from tracker_bridge.delivery.rules import DeliveryRules, Reached, reached_stages

__all__ = [
    "DELIVERY_SIDE",
    "LINK_BY",
    "DeliveryRules",
    "DeliverySide",
    "Deployment",
    "Facts",
    "LinkIndex",
    "PullRequest",
    "Reached",
    "Release",
    "delivery_side",
    "delivery_times",
    "linked_items",
    "plan_with_delivery",
    "reached_stages",
]
