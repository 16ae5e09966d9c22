"""A Jira issue names its item by one `tb-id:` label; with several it belongs to none."""

from __future__ import annotations

from tracker_bridge.adapters.jira.mapping import load_mapping
from tracker_bridge.adapters.jira.translate import item_id_of


def test_one_marker_label_names_the_item() -> None:
    assert item_id_of(load_mapping(), ["scraping", "tb-id:ingestion.scraper"]) == (
        "ingestion.scraper"
    )


def test_an_issue_claimed_by_two_items_is_used_for_neither() -> None:
    labels = ["tb-id:ingestion.scraper", "tb-id:ingestion.other"]
    assert item_id_of(load_mapping(), labels) is None
