"""Markdown: a sprint summary for a wiki page, a pull request or an issue comment."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.reports.fmt import (
    clip,
    item_text,
    pts,
    spike_text,
    sprint_title,
    track_rows,
)
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.sprint import TrackHealth
from tracker_bridge.reports.summary import SprintReport

LIST_LIMIT = 25
"""Longest item list per section; the rest is summed up as '… and N more'."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _bullets(title: str, texts: Sequence[str]) -> list[str]:
    if not texts:
        return []
    return [f"**{title}**", "", *(f"- {_cell(t)}" for t in clip(texts, LIST_LIMIT)), ""]


def _items(title: str, lines: Sequence[ItemLine]) -> list[str]:
    return _bullets(title, [item_text(line) for line in lines])


def _burndown(track: TrackHealth) -> list[str]:
    days = " | ".join(f"{p.day:%d %b}" for p in track.burndown)
    actual = " | ".join(pts(p.remaining) for p in track.burndown)
    ideal = " | ".join(pts(p.ideal) for p in track.burndown)
    sep = " | ".join("---:" for _ in track.burndown)
    return ["**Burndown** (points left at the start of each day)", "",
            f"| | {days} |", f"|---| {sep} |", f"| Actual | {actual} |",
            f"| Ideal | {ideal} |", ""]


def _track(track: TrackHealth) -> list[str]:
    out = [f"### {track.track.value.capitalize()}", "", "| | |", "|---|---|"]
    out += [f"| {label} | {_cell(value)} |" for label, value in track_rows(track)]
    out.append("")
    if track.burndown and track.committed_points:
        out += _burndown(track)
    out += _items("Blocked", track.blocked)
    out += _items("Ageing", track.ageing)
    out += _items("Scope added", track.added)
    out += _items("Scope removed", track.removed)
    out += _items("Carry-over", track.carry_over)
    out += _bullets("Spikes", [spike_text(s) for s in track.spikes])
    return out


def render_markdown(report: SprintReport) -> str:
    health = report.health
    out = [f"## {sprint_title(health)}", ""]
    if health.sprint.goal:
        out += [f"_Goal: {health.sprint.goal}_", ""]
    for track in health.tracks:
        if not track.is_empty:
            out += _track(track)
    out += ["### Board", ""]
    out += _bullets("WIP-limit breaches", [str(b) + f": {', '.join(b.items)}"
                                           for b in report.board.breaches])
    if not report.board.breaches:
        out += ["No WIP-limit breaches.", ""]
    out += _bullets("Spike policy", [str(v) for v in report.violations])
    if not report.violations:
        out += ["All spikes within their time-box and policy.", ""]
    return "\n".join(out).rstrip() + "\n"
