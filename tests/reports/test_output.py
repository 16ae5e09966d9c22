"""What each format shows and how it stays safe and bounded: escaping, clipping with counts,
flow metrics, research judged by learning, one JSON type for points, bounded JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from io import StringIO
from typing import Any

from rich.console import Console

from tracker_bridge.model import Stage, Track
from tracker_bridge.reports.render_html import render_html
from tracker_bridge.reports.render_json import JSON_LIST_LIMIT, report_dict, to_json
from tracker_bridge.reports.render_markdown import render_markdown
from tracker_bridge.reports.render_slack import fit, render_slack
from tracker_bridge.reports.render_terminal import render_sprint
from tracker_bridge.reports.summary import SprintReport, build_sprint_report

from .scenario import NOW, at, events, items, move, roadmap, spike, story
from .test_render import _big_report

SVG = "{http://www.w3.org/2000/svg}"


def report(research_points: bool = False, title: str | None = None,
           sprint_name: str | None = None) -> SprintReport:
    """The shared scenario plus a 3-point research story in sprint 2 and a spike finished on
    the board (moved to done, never `spike close`d)."""
    rm = roadmap()
    if sprint_name is not None:
        sprints = tuple(s.model_copy(update={"name": sprint_name}) if s.id == "s2" else s
                        for s in rm.sprints)
        rm = rm.model_copy(update={"sprints": sprints})
    work = dict(items())
    work["r"] = story("r", 3, Stage.IN_PROGRESS, sprint="s2", track=Track.RESEARCH,
                      blocked=True, **({"title": title} if title else {}))
    work["sp3"] = spike("sp3", stage=Stage.DONE, sprint="s2")
    evs = [*events(), move("sp3", at(3), "backlog", "in_progress"),
           move("sp3", at(6), "in_progress", "done")]
    return build_sprint_report(rm.sprint_by_id()["s2"], work, evs, rm, NOW,
                               research_points_burndown=research_points)


def test_markdown_escapes_angle_brackets() -> None:
    md = render_markdown(report(title="<script>alert(1)</script> | x"))
    assert "<script" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| x" in md


def test_slack_fallback_is_escaped_and_cannot_ping_the_channel() -> None:
    message = render_slack(report(sprint_name="R&D <!channel> sprint", title="R&D <!channel>"))
    payload = message.to_dict()
    assert payload["text"].startswith("trending R&amp;D &lt;!channel&gt; sprint (day 8 of 12)")
    # Mentions are parsed in mrkdwn (and the fallback), not in plain_text (the header).
    assert "<!channel>" not in json.dumps(_mrkdwn(payload))
    assert "r R&amp;D &lt;!channel&gt; (in_progress" in json.dumps(_mrkdwn(payload))


def _mrkdwn(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["text"]] if value.get("type") == "mrkdwn" else []
        return own + [t for v in value.values() for t in _mrkdwn(v)]
    if isinstance(value, list):
        return [t for v in value for t in _mrkdwn(v)]
    return []


def test_slack_fallback_counts_spikes_closed_on_the_board_too() -> None:
    # sp1 closed with `spike close` on 5 Nov, sp3 moved to done on 6 Nov: two concluded.
    text = render_slack(report()).text
    assert "research: 2 spike(s) concluded this sprint, 1 running" in text


def test_fit_never_cuts_through_an_entity_and_counts_dropped_lines() -> None:
    text = "\n".join(f"• T &lt;&amp;&gt; {i}" for i in range(100))
    clipped = fit(text, 300)
    assert len(clipped) <= 300 and clipped.endswith("more")
    assert re.search(r"… and \d+ more$", clipped)
    one_line = fit("x" * 5 + "&amp;" * 100, 40)
    assert len(one_line) <= 40 and re.fullmatch(r"x{5}(&amp;)*…", one_line)


def test_wip_breaches_and_violations_are_clipped_with_counts_in_every_format() -> None:
    big = _big_report(100)  # 152 in progress (51 research); 51 spike violations
    md = render_markdown(big)
    assert re.search(r"in_progress: 152 &gt; 3: b, sp2, x0, [^\n,]*(, [^\n,]*){6} … and 142 more",
                     md)
    assert "**Spike policy (51)**" in md and "**WIP-limit breaches (2)**" in md
    html = render_html(big)
    assert re.search(r"in_progress: 152 &gt; 3: [^<]* … and 142 more", html)
    assert "Spike policy (51)" in html
    slack = json.dumps(render_slack(big).to_dict(), ensure_ascii=False)
    assert "… and 142 more" in slack and "Spike policy (51)" in slack
    out = StringIO()
    render_sprint(big, Console(file=out, width=200, color_system=None))
    term = out.getvalue()
    assert "… and 142 more" in term and "Spike policy violations (51)" in term
    assert term.count(": overdue:") < 20  # 51 violations, clipped to 15 lines
    data = report_dict(big)
    breach = data["board"]["breaches"][0]
    assert breach["count"] == 152 and len(breach["items"]) == JSON_LIST_LIMIT
    assert breach["items_total"] == 152
    assert len(data["violations"]) == JSON_LIST_LIMIT and data["violations_total"] == 51


def _numbers_under(data: Any, keys: set[str]) -> list[Any]:
    found: list[Any] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if (key in keys or key.endswith("_points")) and not isinstance(value, (dict, list)):
                found.append(value)
            elif key == "velocity_history":
                found += [points for _, points in value]
            else:
                found += _numbers_under(value, keys)
    elif isinstance(data, list):
        for value in data:
            found += _numbers_under(value, keys)
    return found


def test_json_points_are_always_floats() -> None:
    data = json.loads(to_json(report()))
    values = _numbers_under(data, {"points", "remaining", "ideal", "capacity", "velocity"})
    numbers = [v for v in values if v is not None]
    assert len(numbers) > 50 and all(type(v) is float for v in numbers)
    eng = next(t for t in data["health"]["tracks"] if t["track"] == "engineering")
    assert eng["removed_points"] == 8.0 and "8.0" in to_json(report())


def test_json_is_bounded_unless_full() -> None:
    big = _big_report(500)
    bounded = to_json(big)
    full = to_json(big, full=True)
    data = json.loads(bounded)
    assert data["lists_clipped_at"] == JSON_LIST_LIMIT
    column = next(c for c in data["board"]["columns"] if c["stage"] == "in_progress")
    assert column["count"] == 552 and column["items_total"] == 552
    assert len(column["items"]) == JSON_LIST_LIMIT
    assert len(bounded) < len(full) / 3
    whole = json.loads(full)
    assert whole["lists_clipped_at"] is None
    assert len(next(c for c in whole["board"]["columns"]
                    if c["stage"] == "in_progress")["items"]) == 552


def test_json_has_flow_metrics_and_learning() -> None:
    data = report_dict(report())
    eng = next(f for f in data["cumulative_flow"] if f["track"] == "engineering")
    # Sprint 2 from 2 Nov to now (9 Nov 12:00): 8 days; at the end of 4 Nov, a was done.
    assert [d["day"] for d in eng["days"]][:2] == ["2026-11-02", "2026-11-03"]
    assert len(eng["days"]) == 8 and eng["days"][2]["counts"]["done"] >= 1
    cycle = {e["id"]: e["cycle_days"] for e in data["cycle_time"]["items"]}
    assert cycle["a"] == 2.0 and cycle["c"] == round(23 / 24, 2)  # 5 Nov 11:00 -> 6 Nov 10:00
    stats = data["cycle_time"]["stats"]
    assert {k: stats[2][k] for k in ("track", "kind")} == {"track": "engineering", "kind": None}
    assert data["throughput"][-1]["counts"] == {"research": 0, "engineering": 0}
    assert data["learning"]["learning_recorded"] == 1 and data["learning"]["adherence"] == 1.0
    assert [c["id"] for c in data["learning"]["concluded"]] == ["sp1", "sp3"]


def test_research_shows_learning_first_and_points_burndown_only_when_asked() -> None:
    md = render_markdown(report())
    research = md[md.index("### Research"):md.index("### Engineering")]
    assert research.index("**Learning**") < research.index("| Committed |")
    assert "| Spikes concluded | 2 (1 running) |" in research
    assert "| Within time-box | 2 of 2 (100%) |" in research
    assert "**Burndown**" not in research
    asked = render_markdown(report(research_points=True))
    assert "**Burndown**" in asked[asked.index("### Research"):asked.index("### Engineering")]
    assert render_html(report()).count("research burndown") == 0
    assert render_html(report(research_points=True)).count("research burndown") >= 1


def test_markdown_flow_tables() -> None:
    md = render_markdown(report())
    assert "**Cumulative flow, engineering** (items per stage at the end of each day)" in md
    assert "| Track | Kind | Items | Cycle time | Lead time |" in md
    assert "| engineering | story |" in md
    assert "**Throughput** (items done per week)" in md
    assert "| 02 Nov | 2 | 2 |" in md  # sp1, sp3; a, c
    assert "end 13 Nov |" in md and "14 Nov" not in md  # the sprint's last day, not after


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", page, flags=re.S)]


def test_html_charts_read_on_a_phone() -> None:
    page = render_html(report())
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    svgs = _svgs(page)
    titles = [svg.findtext(f"{SVG}title") for svg in svgs]
    assert titles == ["engineering burndown", "Cumulative flow, research",
                      "Cumulative flow, engineering", "Cycle time (control chart)"]
    for svg in svgs:
        assert svg.get("viewBox") == "0 0 420 260" and svg.get("width") == "100%"
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        assert "today" in texts or svg.findtext(f"{SVG}title", "").startswith("Cycle")
        assert len(svg.findall(f"{SVG}line")) >= 5  # gridlines and axes
    burndown = svgs[0]
    texts = [t.text for t in burndown.iter(f"{SVG}text")]
    assert {"Sprint day", "Points remaining", "Remaining", "Ideal"} <= set(texts)
    assert "13 Nov" in texts and "14 Nov" not in texts
    cfd = svgs[2]
    assert len(cfd.findall(f"{SVG}polygon")) >= 2
    assert "done" in [t.text for t in cfd.iter(f"{SVG}text")]
    scatter = svgs[3]
    assert len(scatter.findall(f"{SVG}circle")) >= 4
    assert {"Date done", "Cycle time (days)", "p50", "p85"} <= {
        t.text for t in scatter.iter(f"{SVG}text")}


def test_terminal_shows_learning_first_and_the_flow_table() -> None:
    out = StringIO()
    render_sprint(report(), Console(file=out, width=160, color_system=None))
    text = out.getvalue()
    research = text[text.index("Research"):text.index("Engineering")]
    assert research.index("Spikes concluded") < research.index("Committed")
    assert "Burndown:" not in research
    assert "ideal reaches 0 at the end of 13 Nov" in text
    assert "Cycle and lead time, p50 / p85 / p95" in text


def test_burndown_is_kept_when_the_sprint_was_planned_after_its_start() -> None:
    # Only story c, added on day 4: nothing committed at the start, the chart still shows.
    rm = roadmap()
    work = {"c": items()["c"]}
    evs = [e for e in events() if e.item_id == "c"]
    late = build_sprint_report(rm.sprint_by_id()["s2"], work, evs, rm, NOW)
    assert late.health.track(Track.ENGINEERING).committed_points == 0
    assert "engineering burndown" in render_html(late)
    assert "**Burndown**" in render_markdown(late)
