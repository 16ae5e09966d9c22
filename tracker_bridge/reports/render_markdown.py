"""Markdown: a sprint summary for a wiki page, a pull request or an issue comment.

Every piece of text is escaped: `<` and `>` (a title like `<script>` or `<!channel>` stays
text) and `|` inside table cells."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.model import Stage, Track
from tracker_bridge.reports.flow import TrackFlow
from tracker_bridge.reports.fmt import (
    breach_text,
    burndown_label,
    clip,
    concluded_text,
    counted,
    cycle_rows,
    cycle_text,
    item_text,
    learning_rows,
    pts,
    shows_burndown,
    spike_text,
    sprint_title,
    track_rows,
)
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.outlook import outlook_sections
from tracker_bridge.reports.sprint import TrackHealth
from tracker_bridge.reports.summary import SprintReport

LIST_LIMIT = 25
"""Longest item list per section; the rest is summed up as '… and N more'."""


def md(text: str) -> str:
    """Markdown would take `<...>` for HTML: escape the brackets, keep the text."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    return md(text).replace("|", "\\|").replace("\n", " ")


def _bullets(title: str, texts: Sequence[str]) -> list[str]:
    if not texts:
        return []
    return [f"**{counted(title, texts)}**", "",
            *(f"- {_cell(t)}" for t in clip(texts, LIST_LIMIT)), ""]


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [f"| {' | '.join(_cell(h) for h in head)} |",
            f"|{'|'.join('---' for _ in head)}|",
            *(f"| {' | '.join(_cell(c) for c in row)} |" for row in rows), ""]


def _items(title: str, lines: Sequence[ItemLine]) -> list[str]:
    return _bullets(title, [item_text(line) for line in lines])


def _burndown(track: TrackHealth) -> list[str]:
    days = " | ".join(burndown_label(track, i) for i in range(len(track.burndown)))
    actual = " | ".join(pts(p.remaining) for p in track.burndown)
    ideal = " | ".join(pts(p.ideal) for p in track.burndown)
    sep = " | ".join("---:" for _ in track.burndown)
    return ["**Burndown** (points left at the start of each day)", "",
            f"| | {days} |", f"|---| {sep} |", f"| Actual | {actual} |",
            f"| Ideal | {ideal} |", ""]


def _learning(report: SprintReport) -> list[str]:
    learning = report.learning
    out = ["**Learning** (research is judged by what it learned)", "", "| | |", "|---|---|"]
    out += [f"| {label} | {_cell(value)} |" for label, value in learning_rows(learning)]
    out.append("")
    return out + _bullets("Concluded", [concluded_text(c) for c in learning.concluded])


def _track(track: TrackHealth, report: SprintReport) -> list[str]:
    out = [f"### {track.track.value.capitalize()}", ""]
    if track.track is Track.RESEARCH:
        out += _learning(report)
    out += ["| | |", "|---|---|"]
    out += [f"| {label} | {_cell(value)} |" for label, value in track_rows(track)]
    out.append("")
    if shows_burndown(track, report.research_points_burndown):
        out += _burndown(track)
    out += _items("Blocked", track.blocked)
    out += _items("Ageing", track.ageing)
    out += _items("Scope added", track.added)
    out += _items("Scope removed", track.removed)
    out += _items("Re-estimated", track.reestimated)
    out += _items("Carry-over", track.carry_over)
    out += _bullets("Spikes", [spike_text(s) for s in track.spikes])
    return out


def _cfd(flow: TrackFlow) -> list[str]:
    used = [s for s in Stage if any(d.counts[s] for d in flow.days)]
    if not used:
        return []
    rows = [[f"{d.day:%a %d %b}", *(str(d.counts[s]) for s in used)] for d in flow.days]
    return [f"**Cumulative flow, {flow.track.value}** (items per stage at the end of each day)",
            "", *_table(["Day", *(s.value for s in used)], rows)]


def _flow(report: SprintReport) -> list[str]:
    out = ["### Flow", ""]
    for flow in report.cumulative_flow:
        out += _cfd(flow)
    times = report.cycle_time
    rows = cycle_rows(times)
    out += [f"**Cycle and lead time** (p50 / p85 / p95, items done "
            f"{times.since:%d %b} to {times.until:%d %b})", ""]
    out += _table(["Track", "Kind", "Items", "Cycle time", "Lead time"], rows) if rows \
        else ["No items done in that time.", ""]
    out += _bullets("Cycle time per item", [cycle_text(e) for e in reversed(times.items)])
    out += ["**Throughput** (items done per week)", ""]
    out += _table(["Week of", *(t.value for t in Track)],
                  [[f"{w.week:%d %b}", *(str(w.counts[t]) for t in Track)]
                   for w in report.throughput])
    return out


def render_markdown(report: SprintReport) -> str:
    health = report.health
    out = [f"## {md(sprint_title(health))}", ""]
    if health.sprint.goal:
        out += [f"_Goal: {_cell(health.sprint.goal)}_", ""]
    for track in health.tracks:
        if not track.is_empty:
            out += _track(track, report)
    out += _flow(report)
    out += ["### Board", ""]
    out += _bullets("WIP-limit breaches", [breach_text(b) for b in report.board.breaches])
    if not report.board.breaches:
        out += ["No WIP-limit breaches.", ""]
    out += _bullets("Spike policy", [str(v) for v in report.violations])
    if not report.violations:
        out += ["All spikes within their time-box and policy.", ""]
    for section in outlook_sections(report):
        out += [f"### {md(section.title)}", ""]
        out += _table(section.head, section.rows) if section.head \
            else [*(f"- {_cell(x)}" for x in section.lines), ""]
    return "\n".join(out).rstrip() + "\n"
