"""The risk register: each roadmap risk scored likelihood x impact, highest first.

Levels count 1 (low), 2 (medium), 3 (high), so a score runs from 1 to 9; ties keep the
roadmap's order (the team listed them in the order it cares about).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker_bridge.model import Risk

LEVELS = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class RiskEntry:
    description: str
    likelihood: str
    impact: str
    score: int
    owner: str | None
    mitigation: str
    epics: tuple[str, ...]


def risk_register(risks: Iterable[Risk]) -> tuple[RiskEntry, ...]:
    entries = [
        RiskEntry(
            description=risk.description,
            likelihood=risk.likelihood,
            impact=risk.impact,
            score=LEVELS[risk.likelihood] * LEVELS[risk.impact],
            owner=risk.owner,
            mitigation=risk.mitigation,
            epics=risk.epics,
        )
        for risk in risks
    ]
    return tuple(sorted(entries, key=lambda e: -e.score))  # stable: roadmap order on ties


RISK_HEAD = ("Score", "Risk", "Likelihood x impact", "Owner", "Mitigation", "Epics")


def risk_row(entry: RiskEntry) -> tuple[str, ...]:
    return (
        str(entry.score),
        entry.description,
        f"{entry.likelihood} x {entry.impact}",
        f"@{entry.owner}" if entry.owner else "-",
        entry.mitigation or "-",
        ", ".join(entry.epics) or "-",
    )


def risk_text(entry: RiskEntry) -> str:
    """One line (Slack): score, description, owner."""
    owner = f" (@{entry.owner})" if entry.owner else ""
    return f"{entry.score} {entry.description}{owner}"
