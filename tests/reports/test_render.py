from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from io import StringIO

from rich.console import Console

from tracker_bridge.model import BoardPolicy, Stage, Track
from tracker_bridge.reports.render_html import render_html
from tracker_bridge.reports.render_json import report_dict, to_json
from tracker_bridge.reports.render_markdown import render_markdown
from tracker_bridge.reports.render_slack import MAX_BLOCKS, TEXT_BUDGET, render_slack, text_size
from tracker_bridge.reports.render_terminal import render_board, render_sprint
from tracker_bridge.reports.summary import SprintReport, build_sprint_report

from .scenario import NOW, ev, events, items, roadmap, spike, story


def _report() -> SprintReport:
    rm = roadmap()
    return build_sprint_report(rm.sprint_by_id()["s2"], items(), events(), rm, NOW)


def _big_report(n: int = 500) -> SprintReport:
    """500 blocked, ageing stories and 50 overdue spikes in one sprint, with WIP breaches."""
    rm = roadmap(BoardPolicy(wip_limits={Stage.IN_PROGRESS: 3},
                             wip_limits_per_track={Track.RESEARCH: {Stage.IN_PROGRESS: 1}}))
    work = {**items()}
    evs = list(events())
    for i in range(n):
        work[f"x{i}"] = story(f"x{i}", 2, Stage.IN_PROGRESS, sprint="s2", blocked=True,
                              title="T <&> " * 30)
        evs.append(ev("stage_changed", f"x{i}", NOW.replace(month=10),
                      **{"from": "backlog", "to": "in_progress"}))
    for i in range(50):
        work[f"y{i}"] = spike(f"y{i}", length=2, stage=Stage.IN_PROGRESS, sprint="s2")
        evs.append(ev("spike_started", f"y{i}", NOW.replace(day=1)))
    return build_sprint_report(rm.sprint_by_id()["s2"], work, evs, rm, NOW)


def test_markdown_contains_the_numbers() -> None:
    md = render_markdown(_report())
    assert md.startswith("## trending · Sprint 2 (02 Nov to 13 Nov, day 8 of 12)")
    assert "| Committed | 17 pts / 4 items |" in md
    assert "| Completed | 5 pts / 2 items |" in md
    assert "| Scope added | +2 pts / 1 items |" in md
    assert "| Scope removed | -8 pts / 1 items |" in md
    assert "≈ 3 sprint(s)" in md
    assert "| Actual | 17 | 17 | 9 | 6 | 8 | 6 | 6 | 6 | - |" in md
    assert "1 validated, 0 invalidated, 0 inconclusive" in md
    assert "- sp2: overdue: time-box of 5 days" in md


def test_markdown_clips_long_lists() -> None:
    md = render_markdown(_big_report())
    assert "… and 477 more" in md  # 501 blocked stories: 24 shown, the rest summed up


def test_json_round_trips_with_stable_keys() -> None:
    report = _report()
    text = to_json(report)
    data = json.loads(text)
    assert data == report_dict(report)
    assert to_json(report) == text  # deterministic
    assert list(data) == sorted(data)
    eng = next(t for t in data["health"]["tracks"] if t["track"] == "engineering")
    assert eng["committed_points"] == 17 and eng["sprints_needed"] == 3
    assert eng["burndown"][2] == {"day": "2026-11-04", "remaining": 9.0, "ideal": 14.17}
    assert data["violations"][0]["rule"] == "overdue"
    assert data["board"]["columns"][0]["count"] == 2
    assert data["spikes"][0]["id"] == "sp2" and data["spikes"][0]["total_days"] == 5


def test_html_is_self_contained_with_an_svg_burndown() -> None:
    page = render_html(_big_report(20))
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "T &lt;&amp;&gt;" in page  # titles escaped
    svg = page[page.index("<svg"): page.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2


def test_slack_payload_validates_and_fits() -> None:
    message = render_slack(_report())
    payload = message.to_dict()  # slack_sdk validates every block here
    assert payload["text"].startswith("trending Sprint 2 (day 8 of 12)")
    assert payload["blocks"][0]["type"] == "header"
    assert any("sp2: overdue" in json.dumps(b) for b in payload["blocks"])


def test_slack_stays_within_limits_with_500_items() -> None:
    message = render_slack(_big_report())
    payload = message.to_dict()
    assert len(payload["blocks"]) <= MAX_BLOCKS
    assert text_size(message) <= TEXT_BUDGET
    text = json.dumps(payload)
    assert "more" in text and "&lt;&amp;&gt;" in text
    for block in payload["blocks"]:
        assert len(block.get("fields", [])) <= 10
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_terminal_renderers() -> None:
    report = _big_report(10)
    out = StringIO()
    console = Console(file=out, width=120, color_system=None)
    render_sprint(report, console)
    render_board(report.board, console)
    text = out.getvalue()
    assert "37 pts / 14 items" in text  # 17 + ten 2-point stories
    assert "WIP limit breached in in_progress: 62 > 3" in text
    assert "WIP limit breached in in_progress (research): 51 > 1" in text
    assert "y0: overdue" in text


def test_the_sprint_report_counts_the_acceptance_criteria_people_ticked() -> None:
    rm = roadmap()
    work = {**items()}
    work["a1"] = story("a1", 3, Stage.IN_REVIEW, sprint="s2",
                       acceptance_criteria=("Runs nightly", "Alerts on failure"),
                       definition_of_done=("Reviewed",), checked=("Runs nightly",))
    evs = [*events(), ev("sprint_added", "a1", NOW.replace(day=2), sprint="s2")]
    md = render_markdown(build_sprint_report(rm.sprint_by_id()["s2"], work, evs, rm, NOW))
    assert "| Acceptance criteria | 1/3 met in 1 items |" in md
    assert "| Acceptance criteria |" not in render_markdown(_report())  # none: no line


def _reestimated_report() -> SprintReport:
    """p (8), q (5) are planned into s2 before it starts; on Wed 11-04 15:00 the team
    re-estimates p 8 -> 13 in sprint refinement. Reported Mon 11-09."""
    work = {i.id: i for i in (story("p", 13, sprint="s2"), story("q", 5, sprint="s2"))}
    evs = [ev("sprint_added", i, NOW.replace(month=10, day=30), sprint="s2") for i in work]
    evs.append(ev("points_changed", "p", NOW.replace(day=4, hour=15), **{"from": 8.0, "to": 13.0}))
    rm = roadmap()
    return build_sprint_report(rm.sprint_by_id()["s2"], work, evs, rm, NOW)


def test_a_re_estimate_shows_as_scope_change_in_every_renderer() -> None:
    report = _reestimated_report()
    md = render_markdown(report)
    assert "| Committed | 13 pts / 2 items |" in md
    assert "| Re-estimated | +5 pts / 1 items |" in md
    assert "Re-estimated" in md.split("| Forecast |")[1]  # and the item list names p
    html = render_html(report)
    assert "Re-estimated" in html and "+5 pts / 1 items" in html
    slack = json.dumps(render_slack(report).to_dict())
    assert "*Re-estimated*\\n+5 pts / 1 items" in slack
    out = StringIO()
    render_sprint(report, Console(file=out, width=120, color_system=None))
    assert "Re-estimated" in out.getvalue() and "+5 pts / 1 items" in out.getvalue()


def test_no_re_estimate_row_when_nobody_re_estimated() -> None:
    assert "Re-estimated" not in render_markdown(_report())
