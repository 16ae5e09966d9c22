"""A self-contained HTML page: inline CSS and SVG charts (see `charts.py`), no JavaScript,
no CDN; a viewport meta tag so it reads on a 390 px phone screen."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tracker_bridge.model import Track
from tracker_bridge.reports.charts import burndown_svg, cfd_svg, scatter_svg
from tracker_bridge.reports.fmt import (
    breach_text,
    clip,
    concluded_text,
    counted,
    cycle_rows,
    cycle_text,
    item_text,
    learning_rows,
    shows_burndown,
    spike_text,
    sprint_title,
    track_rows,
)
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.outlook import outlook_sections
from tracker_bridge.reports.sprint import TrackHealth
from tracker_bridge.reports.summary import SprintReport

LIST_LIMIT = 50

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1rem auto;padding:0 .75rem;max-width:60rem;
color:#1d2330;overflow-wrap:anywhere}
h1{font-size:1.3rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0}
td,th{padding:.2rem .6rem;text-align:left}th{color:#555;font-weight:600}
.bad{color:#b3261e;font-weight:600}.muted{color:#777}
figure{margin:.75rem 0;max-width:42rem}svg{display:block;border:1px solid #e3e6ea}
"""


def _list(title: str, texts: Sequence[str], css: str = "") -> str:
    if not texts:
        return ""
    rows = "".join(f"<li>{escape(t)}</li>" for t in clip(texts, LIST_LIMIT))
    return f'<h3 class="{css}">{escape(counted(title, texts))}</h3><ul>{rows}</ul>'


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
                   for label, value in pairs)
    return f'<div class="scroll"><table>{rows}</table></div>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<div class="scroll"><table><tr>{cells}</tr>{body}</table></div>'


def _figure(svg: str) -> str:
    return f"<figure>{svg}</figure>" if svg else ""


def _items(title: str, lines: Sequence[ItemLine], css: str = "") -> str:
    return _list(title, [item_text(x) for x in lines], css)


def _learning(report: SprintReport) -> str:
    learning = report.learning
    return ("<h3>Learning</h3>" + _rows(learning_rows(learning))
            + _list("Concluded", [concluded_text(c) for c in learning.concluded]))


def _track(track: TrackHealth, report: SprintReport) -> str:
    chart = ""
    if shows_burndown(track, report.research_points_burndown):
        chart = _figure(burndown_svg(track.burndown, report.health.at, report.timezone,
                                     f"{track.track.value} burndown"))
    learning = _learning(report) if track.track is Track.RESEARCH else ""
    return (
        f"<section><h2>{escape(track.track.value.capitalize())}</h2>{learning}"
        + ("<h3>Points</h3>" if learning else "") + _rows(track_rows(track))
        + chart
        + _items("Blocked", track.blocked, "bad")
        + _items("Ageing", track.ageing)
        + _items("Scope added", track.added)
        + _items("Scope removed", track.removed)
        + _items("Re-estimated", track.reestimated)
        + _items("Carry-over", track.carry_over)
        + _list("Spikes", [spike_text(s) for s in track.spikes])
        + "</section>"
    )


def _flow(report: SprintReport) -> str:
    sprint, at, tz = report.health.sprint, report.health.at, report.timezone
    cfd = "".join(_figure(cfd_svg(flow, sprint.start, sprint.end, at, tz))
                  for flow in report.cumulative_flow)
    times = report.cycle_time
    rows = cycle_rows(times)
    return (
        "<section><h2>Flow</h2>" + cfd
        + f"<h3>Cycle and lead time (p50 / p85 / p95), items done {times.since:%d %b} to "
          f"{times.until:%d %b}</h3>"
        + (_table(["Track", "Kind", "Items", "Cycle time", "Lead time"], rows) if rows
           else "<p>No items done in that time.</p>")
        + _figure(scatter_svg(times, at))
        + _list("Cycle time per item", [cycle_text(e) for e in reversed(times.items)])
        + "<h3>Throughput (items done per week)</h3>"
        + _table(["Week of", *(t.value for t in Track)],
                 [[f"{w.week:%d %b}", *(str(w.counts[t]) for t in Track)]
                  for w in report.throughput])
        + "</section>"
    )


def render_html(report: SprintReport) -> str:
    health = report.health
    title = sprint_title(health)
    goal = f"<p><em>Goal: {escape(health.sprint.goal)}</em></p>" if health.sprint.goal else ""
    breaches = [breach_text(b) for b in report.board.breaches]
    body = (
        f"<h1>{escape(title)}</h1>{goal}"
        + "".join(_track(t, report) for t in health.tracks if not t.is_empty)
        + _flow(report)
        + "<section><h2>Board and policy</h2>"
        + (_list("WIP-limit breaches", breaches, "bad") or "<p>No WIP-limit breaches.</p>")
        + (_list("Spike policy", [str(v) for v in report.violations], "bad")
           or "<p>All spikes within their time-box and policy.</p>")
        + "</section>"
        + "".join(
            f"<section><h2>{escape(s.title)}</h2>"
            + (_table(s.head, s.rows) if s.head
               else "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in s.lines) + "</ul>")
            + "</section>"
            for s in outlook_sections(report))
        + "<section>"
        + f'<p class="muted">Generated {health.at:%Y-%m-%d %H:%M} UTC by tracker-bridge.</p>'
        + "</section>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
