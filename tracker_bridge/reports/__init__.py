"""Reports computed from the canonical items, the roadmap and store events.

Computations are pure (`board_snapshot`, `sprint_health`, `spike_statuses`, `check_spikes`,
`build_sprint_report`, `cumulative_flow`, `cycle_times`, `throughput`,
`research_learning`); renderers turn their values into terminal output, Markdown, JSON,
HTML and Slack Block Kit. `context.py` is the only part that opens settings and the store.
The names below are imported on first use, so `status` or `spike check` never loads the
Slack client or the HTML renderer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker_bridge.reports.board import (
        BoardSnapshot,
        StageColumn,
        WipBreach,
        active_sprint,
        ageing_items,
        board_snapshot,
    )
    from tracker_bridge.reports.flow import (
        CycleItem,
        CycleStats,
        CycleTimes,
        FlowDay,
        Quantiles,
        TrackFlow,
        WeekThroughput,
        cumulative_flow,
        cycle_times,
        throughput,
    )
    from tracker_bridge.reports.history import EventLike
    from tracker_bridge.reports.learning import ResearchLearning, research_learning
    from tracker_bridge.reports.lines import ItemLine
    from tracker_bridge.reports.render_html import render_html
    from tracker_bridge.reports.render_json import report_dict, to_json
    from tracker_bridge.reports.render_markdown import render_markdown
    from tracker_bridge.reports.render_slack import SlackMessage, render_slack
    from tracker_bridge.reports.render_terminal import render_board, render_sprint
    from tracker_bridge.reports.slack_post import SlackPostError, post_to_slack
    from tracker_bridge.reports.spikes import (
        SpikeStatus,
        SpikeViolation,
        check_spikes,
        spike_status,
        spike_statuses,
    )
    from tracker_bridge.reports.sprint import (
        BurndownPoint,
        SprintHealth,
        TrackHealth,
        sprint_health,
    )
    from tracker_bridge.reports.summary import SprintReport, build_sprint_report

_HOME = {
    "CycleItem": "flow",
    "CycleStats": "flow",
    "CycleTimes": "flow",
    "FlowDay": "flow",
    "Quantiles": "flow",
    "TrackFlow": "flow",
    "WeekThroughput": "flow",
    "cumulative_flow": "flow",
    "cycle_times": "flow",
    "throughput": "flow",
    "ResearchLearning": "learning",
    "research_learning": "learning",
    "BoardSnapshot": "board",
    "BurndownPoint": "sprint",
    "EventLike": "history",
    "ItemLine": "lines",
    "SlackMessage": "render_slack",
    "SlackPostError": "slack_post",
    "SpikeStatus": "spikes",
    "SpikeViolation": "spikes",
    "SprintHealth": "sprint",
    "SprintReport": "summary",
    "StageColumn": "board",
    "TrackHealth": "sprint",
    "WipBreach": "board",
    "active_sprint": "board",
    "ageing_items": "board",
    "board_snapshot": "board",
    "build_sprint_report": "summary",
    "check_spikes": "spikes",
    "post_to_slack": "slack_post",
    "render_board": "render_terminal",
    "render_html": "render_html",
    "render_markdown": "render_markdown",
    "render_slack": "render_slack",
    "render_sprint": "render_terminal",
    "report_dict": "render_json",
    "spike_status": "spikes",
    "spike_statuses": "spikes",
    "sprint_health": "sprint",
    "to_json": "render_json",
}

__all__ = [
    "BoardSnapshot",
    "BurndownPoint",
    "CycleItem",
    "CycleStats",
    "CycleTimes",
    "EventLike",
    "FlowDay",
    "ItemLine",
    "Quantiles",
    "ResearchLearning",
    "SlackMessage",
    "SlackPostError",
    "SpikeStatus",
    "SpikeViolation",
    "SprintHealth",
    "SprintReport",
    "StageColumn",
    "TrackFlow",
    "TrackHealth",
    "WeekThroughput",
    "WipBreach",
    "active_sprint",
    "ageing_items",
    "board_snapshot",
    "build_sprint_report",
    "check_spikes",
    "cumulative_flow",
    "cycle_times",
    "post_to_slack",
    "render_board",
    "render_html",
    "render_markdown",
    "render_slack",
    "render_sprint",
    "report_dict",
    "research_learning",
    "spike_status",
    "spike_statuses",
    "sprint_health",
    "throughput",
    "to_json",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value
