"""`objective` and `phase` commands end to end: config file, roadmap, a SQLite store, and
the sprint report in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.store import Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trending-now.yaml"
NOW = "2026-02-10T12:00Z"  # sprint s3, the start-up phase's last


@pytest.fixture
def config(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text().replace(
        "- description: LLM inference cost grows with the catalogue",
        "- description: LLM cost & <!channel> grows with the catalogue", 1)
    (tmp_path / "roadmap.yaml").write_text(text)
    path = tmp_path / "tracker-bridge.toml"
    path.write_text(
        '[store]\nurl = "sqlite:///state.sqlite"\n'
        '[[projects]]\nname = "trending"\nroadmap = "roadmap.yaml"\n'
    )
    return path


def run(config: Path, *args: str, now: str = NOW) -> int:
    return main([*args, "--config", str(config), "--now", now])


def stored(config: Path) -> list[tuple[str, str, float]]:
    with Store.open(f"sqlite:///{config.parent / 'state.sqlite'}") as store:
        return [(m.objective_id, m.on.isoformat(), m.value)
                for m in store.measurements("trending")]


def test_record_then_list_and_show(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(config, "objective", "record", "summary-usefulness", "20", "--at", "2026-01-20",
               "--note", "pilot survey 1") == 0
    assert run(config, "objective", "record", "summary-usefulness", "30") == 0
    out = capsys.readouterr().out
    # 0 -> 70 %: 30 is 42.9 % of the way; +10 in 21 days reaches 70 well before 25 May.
    assert "summary-usefulness: 30% on 2026-02-10; on track, 42.9% of the way" in out
    assert run(config, "objective", "record", "freshness", "70", "--at", "2026-01-10") == 0
    assert run(config, "objective", "record", "freshness", "69", "--at", "2026-02-09") == 0
    assert "freshness: 69 h on 2026-02-09; at risk" in capsys.readouterr().out
    assert run(config, "objective", "show", "freshness") == 0
    out = capsys.readouterr().out
    # -1 h in 30 days from 70 h on 10 Jan: 261 days later (28 Sep) about 61.3 h, not 24.
    assert "Status:     at risk" in out and "61.3 h on 2026-09-28" in out
    assert "2026-01-10  70 h" in out
    assert run(config, "objective", "list") == 0
    out = capsys.readouterr().out
    assert "summary-usefulness" in out and "no data" in out  # enrichment-cost: none yet


def test_bad_records_are_refused_with_the_field(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "objective", "record", "freshnes", "70") == 2
    assert "no objective 'freshnes' (did you mean 'freshness'?)" in capsys.readouterr().err
    assert run(config, "objective", "record", "freshness", "fast") == 2
    assert "VALUE: expected a number, got 'fast'" in capsys.readouterr().err
    assert run(config, "objective", "record", "freshness", "70", "--at", "2026-02-11") == 2
    assert "--at: 2026-02-11 is in the future" in capsys.readouterr().err
    assert stored(config) == []


def test_import_is_all_or_nothing_with_file_and_line(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = config.parent / "kpis.csv"
    bad.write_text("id,value,at,note\nfreshness,70,2026-01-10,grafana\n"
                   "freshness,sixty,2026-02-09,\nenrichment-cost,0.1,2026/02/01,\n")
    assert run(config, "objective", "import", str(bad)) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{bad}:3:1: value: expected a number, got 'sixty'",
        f"{bad}:4:1: at: expected a date like 2026-03-02, got '2026/02/01'",
    ]
    assert stored(config) == []  # the good first line was not written either
    good = config.parent / "kpis.json"
    good.write_text(json.dumps([
        {"id": "freshness", "value": 70, "at": "2026-01-10", "note": "grafana"},
        {"id": "enrichment-cost", "value": 0.11},
    ], indent=2))
    assert run(config, "objective", "import", str(good)) == 0
    assert "recorded 2 measurement(s)" in capsys.readouterr().out
    assert stored(config) == [("enrichment-cost", "2026-02-10", 0.11),
                              ("freshness", "2026-01-10", 70.0)]
    worse = config.parent / "more.json"
    worse.write_text('[\n  {"id": "freshness", "value": 60},\n  {"id": "nope", "value": 1}\n]\n')
    assert run(config, "objective", "import", str(worse)) == 2
    assert capsys.readouterr().err.startswith(f"{worse}:3:3: id: no objective 'nope'")
    assert len(stored(config)) == 2


def test_phase_review_records_who_and_when_and_the_report_shows_it(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "aisha")
    assert run(config, "phase", "review", "start-up", "--decision", "maybe", "--note", "x") == 2
    assert run(config, "phase", "review", "nope", "--decision", "go", "--note", "x") == 2
    capsys.readouterr()
    assert run(config, "phase", "review", "start-up", "--decision", "no-go",
               "--note", "eval set not frozen", now="2026-02-13T16:00Z") == 0
    out = capsys.readouterr().out
    assert "start-up: no-go recorded by aisha at 2026-02-13 16:00 UTC" in out
    assert "phase-1's sprints will not be started on the trackers until a go" in out
    assert run(config, "phase", "list") == 0
    assert "(held: start-up is no-go)" in capsys.readouterr().out
    assert run(config, "report", "sprint", "--format", "markdown", now="2026-02-14T12:00Z") == 0
    md = capsys.readouterr().out
    assert "### Phase: Start-up" in md
    assert "- Gate: no-go by aisha on 2026-02-13: eval set not frozen" in md
    assert "MLOps maturity level 0 (manual)" in md


def test_every_format_shows_objectives_risks_and_the_phase(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "objective", "record", "freshness", "70", "--at", "2026-01-10") == 0
    assert run(config, "objective", "record", "freshness", "69", "--at", "2026-02-09") == 0
    capsys.readouterr()
    assert run(config, "report", "sprint", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    fresh = next(o for o in data["objectives"] if o["id"] == "freshness")
    assert fresh["state"] == "at risk" and fresh["latest"] == 69.0
    assert fresh["progress"] == pytest.approx(6.2)  # 3 of the 48 hours
    assert [r["score"] for r in data["risks"]] == [9, 6, 4]
    assert data["risks"][0]["epics"] == ["ingestion"]
    assert data["phase"]["id"] == "start-up" and data["phase"]["review"] is None

    assert run(config, "report", "sprint", "--format", "markdown") == 0
    md = capsys.readouterr().out
    assert "### Objectives" in md and "| freshness: Hours from release" in md
    assert "| 9 | Review sites block or throttle the scrapers | high x high | @joao |" in md
    assert "LLM cost & &lt;!channel&gt; grows" in md  # text, not a mention

    assert run(config, "report", "sprint", "--format", "html") == 0
    html = capsys.readouterr().out
    assert "<h2>Risk register (likelihood x impact, 1-9)</h2>" in html
    assert "LLM cost &amp; &lt;!channel&gt;" in html
    assert "<h2>Phase: Start-up: platform foundations</h2>" in html

    assert run(config, "report", "sprint") == 0  # terminal, in a pipe
    text = capsys.readouterr().out
    assert "Objectives" in text and "Exit criterion:" in text and "at risk" in text

    assert run(config, "report", "sprint", "--format", "slack") == 0
    slack = json.loads(capsys.readouterr().out)
    blob = json.dumps(slack, ensure_ascii=False)
    assert "*Objectives at risk (1)*" in blob
    assert "freshness: 69 h of 24 h by 2026-09-28: trend reaches 61.3 h by then" in blob
    assert ("Phase Start-up: platform foundations · MLOps maturity level 0 (manual) · "
            "Gate: no go/no-go recorded yet") in blob
    assert "LLM cost &amp; &lt;!channel&gt;" in blob and "<!channel>" not in blob
    assert "1 objective(s) at risk" in slack["text"]


def test_the_held_phase_says_which_decision_holds_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "phase", "review", "start-up", "--decision", "no-go", "--by", "joao",
               "--note", "<!here> eval set & labels late", now="2026-02-13T16:00Z") == 0
    capsys.readouterr()
    # 20 Feb: sprint s4, phase-1's first, by the calendar.
    assert run(config, "report", "sprint", "--format", "slack", now="2026-02-20T09:00Z") == 0
    blob = json.dumps(json.loads(capsys.readouterr().out), ensure_ascii=False)
    assert ("Gate: no go/no-go recorded yet · Held: start-up is no-go by joao on 2026-02-13: "
            "&lt;!here&gt; eval set &amp; labels late") in blob
    assert "<!here>" not in blob
    assert run(config, "report", "sprint", "--format", "markdown", now="2026-02-20T09:00Z") == 0
    md = capsys.readouterr().out
    assert "### Phase: Phase 1: First model results" in md
    assert "- Held: start-up is no-go by joao on 2026-02-13: &lt;!here&gt; eval set" in md
