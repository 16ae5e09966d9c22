"""Inline SVG charts for the HTML report: burndown, cumulative flow, cycle-time scatter.

No JavaScript, no library: each chart is one `<svg>` with a `viewBox`, so it scales to the
page (a 390 px phone screen included), with a legend, axis titles, gridlines and a marker
for today. The x axis spans the sprint's days, first to last (not the morning after).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from html import escape

from tracker_bridge.model import Stage, Track
from tracker_bridge.reports.flow import CycleTimes, TrackFlow, quantiles
from tracker_bridge.reports.history import day_start
from tracker_bridge.reports.sprint import BurndownPoint

W, H = 420, 260
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 34, 46
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
STAGE_COLOURS = {
    Stage.BACKLOG: "#c9d1d9", Stage.SPRINT_BACKLOG: "#a5b4c8", Stage.IN_PROGRESS: "#f2b84b",
    Stage.IN_REVIEW: "#e8875b", Stage.READY_FOR_STAGING: "#b58be0",
    Stage.IN_STAGING: "#7b6fd6", Stage.READY_FOR_PROD: "#4aa3c9", Stage.DONE: "#3fa66a",
}
TRACK_COLOURS = {Track.RESEARCH: "#8a3ffc", Track.ENGINEERING: "#1f6feb"}
TODAY = "#d1242f"


def _nice_top(value: float) -> float:
    """The smallest round axis maximum at or above `value` whose four gridlines fall on round
    numbers (steps of 1, 2, 2.5 or 5 x 10^n): 4 -> 4, 8 -> 8, 17 -> 20, 0.3 -> 1."""
    value = max(value, 1.0)
    scale = 0.1
    while True:
        for m in (2.5, 5, 10, 20):
            if 4 * m * scale >= value:
                return round(4 * m * scale, 6)
        scale *= 10


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H - (value / top) * PLOT_H


def _fmt(value: float) -> str:
    return f"{value:g}"


def _frame(title: str, x_title: str, y_title: str, top: float, body: str,
           legend: Sequence[tuple[str, str]]) -> str:
    """Axes, four gridlines with values, axis titles and the legend around `body`."""
    grid = "".join(
        f'<line x1="{LEFT}" y1="{_y(top * k / 4, top):.1f}" x2="{W - RIGHT}" '
        f'y2="{_y(top * k / 4, top):.1f}" stroke="#e1e4e8"/>'
        f'<text x="{LEFT - 4}" y="{_y(top * k / 4, top) + 3:.1f}" font-size="10" '
        f'text-anchor="end">{_fmt(round(top * k / 4, 2))}</text>'
        for k in range(5)
    )
    keys, x = [], LEFT
    for label, mark in legend:
        keys.append(f'<g transform="translate({x},12)">{mark}'
                    f'<text x="16" y="4" font-size="10">{escape(label)}</text></g>')
        x += 24 + 6 * len(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui,sans-serif">'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fafbfc"/>'
        + grid
        + body
        + f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{W - RIGHT}" y2="{TOP + PLOT_H}" '
          f'stroke="#57606a"/>'
        + f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_H}" stroke="#57606a"/>'
        + f'<text x="{LEFT + PLOT_W / 2:.1f}" y="{H - 6}" font-size="11" '
          f'text-anchor="middle">{escape(x_title)}</text>'
        + f'<text transform="translate(12,{TOP + PLOT_H / 2:.1f}) rotate(-90)" font-size="11" '
          f'text-anchor="middle">{escape(y_title)}</text>'
        + "".join(keys)
        + "</svg>"
    )


def _line_key(colour: str, dash: str = "", width: float = 2) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="0" y1="0" x2="12" y2="0" stroke="{colour}" '
            f'stroke-width="{width}"{extra}/>')


def _box_key(colour: str) -> str:
    return f'<rect x="0" y="-5" width="12" height="10" fill="{colour}"/>'


def _dot_key(colour: str) -> str:
    return f'<circle cx="6" cy="0" r="4" fill="{colour}"/>'


def _day_axis(first: date, last: date, timezone: str, now: datetime
              ) -> tuple[Callable[[datetime], float], str]:
    """x for a time within [first 00:00, last 24:00]; day labels centred on each day, the
    last label the sprint's last day; a today marker when now falls inside."""
    start, end = day_start(first, timezone), day_start(last + timedelta(days=1), timezone)
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return LEFT + PLOT_W * (at - start).total_seconds() / span

    count = (last - first).days + 1
    every = max(1, -(-count // 7))
    labels = []
    for k in range(count - 1, -1, -every):  # from the last day back, so it is always named
        day = first + timedelta(days=k)
        mid = x(day_start(day, timezone) + (end - start) / count / 2)
        labels.append(f'<text x="{mid:.1f}" y="{TOP + PLOT_H + 14}" font-size="10" '
                      f'text-anchor="middle">{day:%d %b}</text>')
    marker = ""
    if start <= now <= end:
        at = x(now)
        marker = (f'<line x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{TOP + PLOT_H}" '
                  f'stroke="{TODAY}" stroke-dasharray="3,3"/>'
                  f'<text x="{at + 3:.1f}" y="{TOP + 10}" font-size="10" '
                  f'fill="{TODAY}">today</text>')
    return x, "".join(labels) + marker


def burndown_svg(series: Sequence[BurndownPoint], now: datetime, timezone: str = "UTC",
                 title: str = "Burndown") -> str:
    """Ideal dashed, remaining solid; point k is the start of day k, the last one the end of
    the sprint's last day."""
    if len(series) < 2:
        return ""
    top = _nice_top(max([p.ideal for p in series] + [p.remaining or 0 for p in series]))
    first, last = series[0].day, series[-1].day - timedelta(days=1)
    x, axis = _day_axis(first, last, timezone, now)

    def xy(p: BurndownPoint, value: float) -> str:
        return f"{x(day_start(p.day, timezone)):.1f},{_y(value, top):.1f}"

    ideal = " ".join(xy(p, p.ideal) for p in series)
    actual = " ".join(xy(p, p.remaining) for p in series if p.remaining is not None)
    body = (f'<polyline points="{ideal}" fill="none" stroke="#8a94a6" stroke-dasharray="5,4"/>'
            + (f'<polyline points="{actual}" fill="none" stroke="#1f6feb" stroke-width="2.5"/>'
               if actual else "") + axis)
    return _frame(title, "Sprint day", "Points remaining", top, body,
                  [("Remaining", _line_key("#1f6feb", width=2.5)),
                   ("Ideal", _line_key("#8a94a6", "5,4"))])


def cfd_svg(flow: TrackFlow, first: date, last: date, now: datetime,
            timezone: str = "UTC") -> str:
    """Stacked areas, done at the bottom and backlog on top, as Jira draws them; each day's
    counts sit at the middle of that day."""
    used = [s for s in Stage if any(d.counts[s] for d in flow.days)]
    if not flow.days or not used:
        return ""
    totals = [sum(d.counts[s] for s in used) for d in flow.days]
    top = _nice_top(max(totals))
    x, axis = _day_axis(first, last, timezone, now)
    xs = [x(day_start(d.day, timezone) + timedelta(hours=12)) for d in flow.days]
    if len(xs) == 1:  # one day: a band across it
        xs = [xs[0] - 6, xs[0] + 6]
        days = [flow.days[0], flow.days[0]]
    else:
        days = list(flow.days)
    below = [0] * len(days)
    areas = []
    for stage in reversed(used):
        above = [b + d.counts[stage] for b, d in zip(below, days, strict=True)]
        upper = " ".join(f"{px:.1f},{_y(v, top):.1f}" for px, v in zip(xs, above, strict=True))
        lower = " ".join(f"{px:.1f},{_y(v, top):.1f}"
                         for px, v in reversed(list(zip(xs, below, strict=True))))
        areas.append(f'<polygon points="{upper} {lower}" fill="{STAGE_COLOURS[stage]}" '
                     f'stroke="#fff" stroke-width="0.5"><title>{stage.value}</title></polygon>')
        below = above
    return _frame(f"Cumulative flow, {flow.track.value}", "Sprint day", "Items", top,
                  "".join(areas) + axis,
                  [(s.value.replace("_", " "), _box_key(STAGE_COLOURS[s])) for s in used])


def scatter_svg(times: CycleTimes, now: datetime) -> str:
    """Jira's control chart: one dot per item at the time it was done, its cycle time up the
    y axis; the 50th and 85th percentiles as lines."""
    points = [e for e in times.items if e.cycle_days is not None]
    values = [e.cycle_days for e in points if e.cycle_days is not None]
    found = quantiles(values)  # the values sorted once, for both lines
    if found is None:  # no point
        return ""
    top = _nice_top(max(values))
    span = (times.until - times.since).total_seconds() or 1.0

    def x(at: datetime) -> float:
        return LEFT + PLOT_W * (at - times.since).total_seconds() / span

    dots = "".join(
        f'<circle cx="{x(e.done_at):.1f}" cy="{_y(e.cycle_days or 0, top):.1f}" r="3.5" '
        f'fill="{TRACK_COLOURS[e.track]}" fill-opacity="0.75">'
        f"<title>{escape(e.id)}: {e.cycle_days:g} d</title></circle>"
        for e in points
    )
    lines = ""
    for days, dash in ((found.p50, "6,3"), (found.p85, "2,3")):
        y = _y(days, top)
        lines += (f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" '
                  f'stroke="#24292f" stroke-dasharray="{dash}"/>')
    weeks = []
    week = times.since
    while week <= times.until:
        weeks.append(f'<text x="{x(week):.1f}" y="{TOP + PLOT_H + 14}" font-size="10" '
                     f'text-anchor="start">{week:%d %b}</text>')
        week += timedelta(weeks=2)
    marker = ""
    if times.since <= now <= times.until:
        marker = (f'<line x1="{x(now):.1f}" y1="{TOP}" x2="{x(now):.1f}" y2="{TOP + PLOT_H}" '
                  f'stroke="{TODAY}" stroke-dasharray="3,3"/>')
    tracks = sorted({e.track for e in points}, key=list(Track).index)
    return _frame("Cycle time (control chart)", "Date done", "Cycle time (days)", top,
                  lines + dots + "".join(weeks) + marker,
                  [*((t.value, _dot_key(TRACK_COLOURS[t])) for t in tracks),
                   ("p50", _line_key("#24292f", "6,3", 1)),
                   ("p85", _line_key("#24292f", "2,3", 1))])
