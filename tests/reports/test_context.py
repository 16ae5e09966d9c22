"""The report context's items: the store's view over the roadmap's, whichever way loaded."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker_bridge.model import Kind, Origin, Stage, WorkItem
from tracker_bridge.reports.context import open_context
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trending-now.yaml"
NOW = datetime(2026, 2, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize("cached", [False, True], ids=["cache-miss", "cache-hit"])
def test_items_are_the_store_view_over_the_roadmap_in_roadmap_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    # The context loads only the roadmap items the store has not synced: the merge must be
    # what it was with every roadmap item loaded, values and order alike.
    monkeypatch.setenv("TB_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copy(EXAMPLE, tmp_path / "roadmap.yaml")
    config = tmp_path / "tracker-bridge.toml"
    config.write_text('[store]\nurl = "sqlite:///state.sqlite"\n'
                      '[[projects]]\nname = "trending"\nroadmap = "roadmap.yaml"\n')
    roadmap = load_roadmap(tmp_path / "roadmap.yaml", today=NOW).roadmap
    synced = [i.model_copy(update={"stage": Stage.IN_REVIEW}) for i in roadmap.items[1::3]]
    born = WorkItem(id="trend-99", kind=Kind.BUG, title="Found in Jira",
                    origin=Origin(tracker="jira:TREND", key="TREND-99"))
    gone = WorkItem(id="trend-98", kind=Kind.BUG, title="Deleted in Jira",
                    origin=Origin(tracker="jira:TREND", key="TREND-98", ended="deleted"))
    with Store.open(f"sqlite:///{tmp_path / 'state.sqlite'}") as store:
        store.save_items("trending", [born, *synced, gone])
        expected = {**roadmap.item_by_id(), **store.get_items("trending")}
    if cached:
        with open_context(config, None, NOW):
            pass  # fills the cache
    with open_context(config, None, NOW) as ctx:
        items = ctx.items()
        assert list(items) == list(expected)
        assert items == expected
        assert ctx.ended_items() == {"trend-98": gone}
        assert {i.id for i in ctx.roadmap.items}.isdisjoint(i.id for i in synced)
    assert synced and items[synced[0].id].stage is Stage.IN_REVIEW


def test_a_report_is_the_same_read_side_by_side_or_in_one_thread(tmp_path: Path) -> None:
    # A file store reads the board, the flow's counts and the open points on a second
    # thread; an in-memory store, whose one connection every checkout shares, reads all in
    # one. Both give the report the full replay gives.
    from tracker_bridge.config import ProjectSettings, Settings
    from tracker_bridge.reports.context import ReportContext
    from tracker_bridge.reports.summary import build_sprint_report
    from tracker_bridge.store import StoreEvent

    roadmap = load_roadmap(EXAMPLE, today=NOW).roadmap
    synced = [i.model_copy(update={"stage": Stage.IN_PROGRESS}) for i in roadmap.items[::2]]
    project = ProjectSettings(name="trending", roadmap=Path("roadmap.yaml"))
    sprint = roadmap.sprints[0]
    moves = [StoreEvent("stage_changed", i.id, NOW.replace(day=3), None,
                        {"from": "backlog", "to": "in_progress"}) for i in synced]
    reports = []
    for url in ("sqlite://", f"sqlite:///{tmp_path / 'state.sqlite'}"):
        with Store.open(url) as store:
            assert store.reads_side_by_side is url.startswith("sqlite:///")
            store.save_items("trending", synced)
            store.record_events("trending", moves)
            ctx = ReportContext(Settings(projects=(project,)), project, roadmap, store, NOW)
            report = ctx.sprint_report(sprint)
            whole = ReportContext(Settings(projects=(project,)), project, roadmap, store, NOW)
            assert report == build_sprint_report(
                sprint, whole.items(), (), roadmap, NOW, ended=whole.ended_items(),
                history=store.histories("trending"))
            reports.append(report)
    assert reports[0] == reports[1]
    assert sum(c.count for c in reports[0].board.columns) > 0
