"""A self-contained HTML page: inline CSS and SVG burndown charts, no JavaScript, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tracker_bridge.reports.fmt import clip, item_text, pts, spike_text, sprint_title, track_rows
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.sprint import BurndownPoint, TrackHealth
from tracker_bridge.reports.summary import SprintReport

LIST_LIMIT = 50
_W, _H, _PAD = 560, 220, 36

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2330}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .7rem;text-align:left}
th{color:#555;font-weight:600}.bad{color:#b3261e;font-weight:600}.muted{color:#777}
svg{background:#fafbfc;border:1px solid #e3e6ea}
"""


def burndown_svg(series: Sequence[BurndownPoint], title: str = "Burndown") -> str:
    """Ideal line dashed, actual line solid; days ahead have no actual value yet."""
    if not series:
        return ""
    top = max([p.ideal for p in series] + [p.remaining or 0 for p in series] + [1.0])
    step = (_W - 2 * _PAD) / max(len(series) - 1, 1)

    def xy(index: int, value: float) -> str:
        x = _PAD + index * step
        y = _H - _PAD - (value / top) * (_H - 2 * _PAD)
        return f"{x:.1f},{y:.1f}"

    ideal = " ".join(xy(i, p.ideal) for i, p in enumerate(series))
    actual = " ".join(
        xy(i, p.remaining) for i, p in enumerate(series) if p.remaining is not None
    )
    labels = "".join(
        f'<text x="{_PAD + i * step:.1f}" y="{_H - _PAD + 16}" font-size="10" '
        f'text-anchor="middle">{p.day:%d %b}</text>'
        for i, p in enumerate(series) if i % max(len(series) // 7, 1) == 0
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#999"/>'
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{_H - _PAD}" stroke="#999"/>'
        f'<text x="{_PAD - 4}" y="{_PAD + 4}" font-size="10" text-anchor="end">{pts(top)}</text>'
        f'<text x="{_PAD - 4}" y="{_H - _PAD}" font-size="10" text-anchor="end">0</text>'
        f'<polyline points="{ideal}" fill="none" stroke="#8a94a6" stroke-dasharray="5,4"/>'
        + (f'<polyline points="{actual}" fill="none" stroke="#1f6feb" stroke-width="2.5"/>'
           if actual else "")
        + labels
        + "</svg>"
    )


def _list(title: str, texts: Sequence[str], css: str = "") -> str:
    if not texts:
        return ""
    rows = "".join(f"<li>{escape(t)}</li>" for t in clip(texts, LIST_LIMIT))
    return f'<h3 class="{css}">{escape(title)}</h3><ul>{rows}</ul>'


def _items(title: str, lines: Sequence[ItemLine], css: str = "") -> str:
    return _list(title, [item_text(x) for x in lines], css)


def _track(track: TrackHealth) -> str:
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in track_rows(track)
    )
    chart = ""
    if track.committed_points:
        chart = burndown_svg(track.burndown, f"{track.track.value} burndown")
    return (
        f"<section><h2>{escape(track.track.value.capitalize())}</h2><table>{rows}</table>"
        + chart
        + _items("Blocked", track.blocked, "bad")
        + _items("Ageing", track.ageing)
        + _items("Scope added", track.added)
        + _items("Scope removed", track.removed)
        + _items("Carry-over", track.carry_over)
        + _list("Spikes", [spike_text(s) for s in track.spikes])
        + "</section>"
    )


def render_html(report: SprintReport) -> str:
    health = report.health
    title = sprint_title(health)
    goal = f"<p><em>Goal: {escape(health.sprint.goal)}</em></p>" if health.sprint.goal else ""
    breaches = [f"{b}: {', '.join(b.items)}" for b in report.board.breaches]
    body = (
        f"<h1>{escape(title)}</h1>{goal}"
        + "".join(_track(t) for t in health.tracks if not t.is_empty)
        + "<section><h2>Board and policy</h2>"
        + (_list("WIP-limit breaches", breaches, "bad") or "<p>No WIP-limit breaches.</p>")
        + (_list("Spike policy", [str(v) for v in report.violations], "bad")
           or "<p>All spikes within their time-box and policy.</p>")
        + f'<p class="muted">Generated {health.at:%Y-%m-%d %H:%M} UTC by tracker-bridge.</p>'
        + "</section>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
