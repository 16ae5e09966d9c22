"""Generated roadmaps validate at any size, with the requested number of items."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.model import Kind
from tracker_bridge.roadmap import load_roadmap_text
from tracker_bridge.testing.roadmaps import generate_roadmap


@pytest.mark.parametrize("count", [1, 7, 49, 150, 1234])
def test_generated_roadmaps_validate(count: int) -> None:
    loaded = load_roadmap_text(generate_roadmap(count), Path("generated.yaml"))
    work = [item for item in loaded.roadmap.items if item.kind is not Kind.EPIC]
    assert len(work) == count
    assert any(item.kind is Kind.SPIKE for item in work) == (count > 5)
