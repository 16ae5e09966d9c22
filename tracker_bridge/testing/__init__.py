"""Fake Jira and GitHub servers that behave like the real services, for tests and demos.

Part of the product: users test their own mapping files against them, and
`tracker-bridge demo` runs the whole cycle on them.
"""

from __future__ import annotations

from tracker_bridge.testing.server import FakeServer, FaultRule, HTTPError, Request, Response

__all__ = ["FakeServer", "FaultRule", "HTTPError", "Request", "Response"]
