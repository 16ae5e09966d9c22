"""Finds adapters through the `tracker_bridge.adapters` entry-point group."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config loading asks for the names only: no adapter protocol to load for that
    from tracker_bridge.tracker import AdapterFactory

ENTRY_POINT_GROUP = "tracker_bridge.adapters"


@cache
def adapter_names() -> frozenset[str]:
    """Names of the installed adapters, without importing them: cheap enough for config
    loading to refuse a mistyped `tracker = "jria:TREND"` at its line."""
    return frozenset(entry.name for entry in entry_points(group=ENTRY_POINT_GROUP))


@cache
def available() -> dict[str, AdapterFactory]:
    factories: dict[str, AdapterFactory] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        factory = entry.load()
        factories[factory.name] = factory
    return factories


def factory_for(adapter_name: str) -> AdapterFactory:
    from tracker_bridge.tracker import AdapterError

    factories = available()
    if adapter_name not in factories:
        known = ", ".join(sorted(factories)) or "none installed"
        raise AdapterError(f"no tracker adapter named {adapter_name!r} (available: {known})")
    return factories[adapter_name]
