"""The plan around the sprint, as format-neutral sections every renderer draws the same
way: the current phase and its gate, the objectives, and the risk register."""

from __future__ import annotations

from dataclasses import dataclass

from tracker_bridge.reports.objectives import OBJECTIVE_HEAD, at_risk_text, objective_row
from tracker_bridge.reports.phases import NO_GO, decision_text, phase_lines
from tracker_bridge.reports.risks import RISK_HEAD, risk_row, risk_text
from tracker_bridge.reports.summary import SprintReport

SLACK_TOP_RISKS = 3
"""The Slack summary names this many of the highest-scored risks."""


@dataclass(frozen=True)
class Section:
    title: str
    head: tuple[str, ...] = ()
    """Column titles; empty for a section of plain lines."""
    rows: tuple[tuple[str, ...], ...] = ()
    lines: tuple[str, ...] = ()


def outlook_sections(report: SprintReport) -> list[Section]:
    """Phase, objectives, risks; a section the roadmap has nothing for is left out."""
    out: list[Section] = []
    if report.phase is not None:
        out.append(Section(f"Phase: {report.phase.name}", lines=tuple(phase_lines(report.phase))))
    if report.objectives:
        out.append(Section("Objectives", OBJECTIVE_HEAD,
                           tuple(objective_row(o) for o in report.objectives)))
    if report.risks:
        out.append(Section("Risk register (likelihood x impact, 1-9)", RISK_HEAD,
                           tuple(risk_row(r) for r in report.risks)))
    return out


def slack_phase_line(report: SprintReport) -> str | None:
    """Phase, maturity and gate in one line (plain text; the caller escapes it)."""
    phase = report.phase
    if phase is None:
        return None
    gate = decision_text(phase.review) if phase.review else "no go/no-go recorded yet"
    if phase.review is not None and phase.review.decision == NO_GO:
        gate += " (the next phase waits for a go)"
    held = ""
    if phase.held_by and phase.held_decision:
        held = f" · Held: {phase.held_by} is {decision_text(phase.held_decision)}"
    return (f"Phase {phase.name} · MLOps maturity level {phase.maturity_level} "
            f"({phase.maturity}) · Gate: {gate}{held}")


def slack_at_risk(report: SprintReport) -> list[str]:
    return [at_risk_text(o) for o in report.objectives if o.at_risk]


def slack_top_risks(report: SprintReport) -> list[str]:
    return [risk_text(r) for r in report.risks[:SLACK_TOP_RISKS]]
