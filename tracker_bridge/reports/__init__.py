"""Reports computed from the canonical items, the roadmap and store events.

Computations are pure (`board_snapshot`, `sprint_health`, `spike_statuses`, `check_spikes`,
`build_sprint_report`, `cumulative_flow`, `cycle_times`, `throughput`,
`research_learning`); renderers turn their values into terminal output, Markdown, JSON,
HTML and Slack Block Kit. `context.py` is the only part that opens settings and the store.
"""

from __future__ import annotations

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
from tracker_bridge.reports.sprint import BurndownPoint, SprintHealth, TrackHealth, sprint_health
from tracker_bridge.reports.summary import SprintReport, build_sprint_report

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
