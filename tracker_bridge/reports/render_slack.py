"""Slack Block Kit: the sprint summary as a message, within Slack's limits.

Built with `slack_sdk.models.blocks` so each block is validated (`to_dict()` raises on a
header over 150 characters, more than 10 fields, ...). Lists are clipped to "… and N more"
and shrunk until the whole message stays under a text budget well below Slack's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from tracker_bridge.model import Track
from tracker_bridge.reports.fmt import (
    breach_text,
    clip,
    counted,
    item_text,
    learning_rows,
    pts,
    shorten,
    spike_text,
    track_rows,
)
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.outlook import slack_at_risk, slack_phase_line, slack_top_risks
from tracker_bridge.reports.sprint import TrackHealth
from tracker_bridge.reports.summary import SprintReport

MAX_BLOCKS = 50
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
MAX_FIELDS = 10
TEXT_BUDGET = 10_000
"""Total characters across blocks; Slack truncates around 12k, so stay well under."""
LINE_MAX = 150


@dataclass(frozen=True)
class SlackMessage:
    text: str
    """The notification / accessibility fallback Slack shows where blocks cannot be."""
    blocks: tuple[Block, ...]

    def to_dict(self) -> dict[str, Any]:
        """Validates every block (slack_sdk raises SlackObjectFormationError if one is bad)."""
        return {"text": self.text, "blocks": [block.to_dict() for block in self.blocks]}


def esc(text: str) -> str:
    """Slack mrkdwn needs only these three escaped (`<!channel>` would ping everyone)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Escaped text within `limit`: whole lines dropped from the end and counted as
    '… and N more', never a cut through an `&amp;` (a lone line is cut before its `&`)."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    for keep in range(len(lines) - 1, 0, -1):
        candidate = "\n".join([*lines[:keep], f"… and {len(lines) - keep} more"])
        if len(candidate) <= limit:
            return candidate
    cut = text[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _list(title: str, texts: Sequence[str], limit: int) -> str:
    if not texts:
        return ""
    lines = [f"• {esc(shorten(t, LINE_MAX))}" for t in clip(texts, limit)]
    return f"*{esc(counted(title, texts))}*\n" + "\n".join(lines)


def _items(title: str, lines: Sequence[ItemLine], limit: int) -> str:
    return _list(title, [item_text(x) for x in lines], limit)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=fit(text, SECTION_MAX)))


def _track_blocks(track: TrackHealth, report: SprintReport, limit: int) -> list[Block]:
    rows = track_rows(track)
    if track.track is Track.RESEARCH:  # judged by learning: that comes first
        rows = [*learning_rows(report.learning), *rows]
    fields = [
        MarkdownTextObject(text=fit(f"*{esc(label)}*\n{esc(value)}", FIELD_MAX))
        for label, value in rows
    ][:MAX_FIELDS]
    name = track.track.value.capitalize()
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{name}*"),
                                        fields=fields)]
    lists = [
        _items("Blocked", track.blocked, limit),
        _items("Ageing", track.ageing, limit),
        _items("Carry-over", track.carry_over, limit),
        _list("Spikes", [spike_text(s) for s in track.spikes], limit),
    ]
    text = "\n\n".join(part for part in lists if part)
    if text:
        blocks.append(_section(text))
    return blocks


def fallback_text(report: SprintReport) -> str:
    """The notification line; escaped like any Slack text (a sprint or phase named
    `R&D <!channel>` must not ping the channel)."""
    health = report.health
    parts = [f"{health.project} {health.sprint.name}"
             + (" (ended)" if health.over else f" (day {health.day} of {health.days})")]
    for track in health.tracks:
        if track.is_empty:
            continue
        if track.track is Track.RESEARCH:
            learning = report.learning
            parts.append(f"{track.track.value}: {len(learning.concluded)} spike(s) concluded "
                         f"this sprint, {learning.running} running")
        else:
            parts.append(f"{track.track.value}: {pts(track.completed_points)}/"
                         f"{pts(track.committed_points)} pts done")
    parts.append(f"{len(report.board.breaches)} WIP breach(es)")
    parts.append(f"{len(report.violations)} spike violation(s)")
    if report.objectives:
        parts.append(f"{len(slack_at_risk(report))} objective(s) at risk")
    return fit(esc("; ".join(parts)), 300)


def _build(report: SprintReport, limit: int) -> SlackMessage:
    health = report.health
    sprint = health.sprint
    when = "ended" if health.over else f"day {health.day} of {health.days}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(
            text=shorten(f"{sprint.name}: {when}", HEADER_MAX), emoji=False)),
        ContextBlock(elements=[MarkdownTextObject(text=fit(esc(
            f"{health.project} · {sprint.start:%d %b} to {sprint.end:%d %b}"
            + (f" · Goal: {sprint.goal}" if sprint.goal else "")), SECTION_MAX))]),
    ]
    for track in health.tracks:
        if not track.is_empty:
            blocks.append(DividerBlock())
            blocks.extend(_track_blocks(track, report, limit))
    blocks.append(DividerBlock())
    breaches = [breach_text(b) for b in report.board.breaches]
    blocks.append(_section(_list("WIP-limit breaches", breaches, limit)
                           or "No WIP-limit breaches."))
    blocks.append(_section(_list("Spike policy", [str(v) for v in report.violations], limit)
                           or "All spikes within their time-box and policy."))
    blocks.extend(_outlook_blocks(report, limit))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"tracker-bridge · {health.at:%Y-%m-%d %H:%M} UTC")]))
    return SlackMessage(text=fallback_text(report), blocks=tuple(blocks[:MAX_BLOCKS]))


def _outlook_blocks(report: SprintReport, limit: int) -> list[Block]:
    """The phase gate, objectives at risk and the top risks (the full register is in the
    other formats)."""
    phase = slack_phase_line(report)
    parts = [f"*{esc(phase)}*" if phase else "",
             _list("Objectives at risk", slack_at_risk(report), limit)
             or ("All objectives on track or met." if report.objectives else ""),
             _list("Top risks (likelihood x impact)", slack_top_risks(report), limit)]
    text = "\n\n".join(p for p in parts if p)
    return [DividerBlock(), _section(text)] if text else []


def text_size(message: SlackMessage) -> int:
    """Characters of text in the message (what Slack's size limits are about)."""
    def walk(value: Any) -> int:
        if isinstance(value, dict):
            return sum(len(v) if k == "text" and isinstance(v, str) else walk(v)
                       for k, v in value.items())
        if isinstance(value, list):
            return sum(walk(v) for v in value)
        return 0
    return walk(message.to_dict())


def render_slack(report: SprintReport) -> SlackMessage:
    """Shrinks the lists until the message fits the text budget."""
    for limit in (10, 6, 3, 1):
        message = _build(report, limit)
        if text_size(message) <= TEXT_BUDGET:
            return message
    return message
