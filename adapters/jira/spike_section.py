"""A spike's section of its Jira description: the tool's own block, delimited (pure).

Jira has no fields for a hypothesis or a time-box, so they go in a panel the tool owns,
with the spike's record (`model.spike_record`) as a list under them:

    Notes the team wrote.

    {panel:title=Spike (tracker-bridge)}
    Hypothesis: an open 8B model scores within 5% of the hosted one
    Time-box: 5 days
    - Started: 2026-11-02 09:00 UTC
    - Extended: +3 days on 2026-11-06: the labelled set came late
    - Outcome: invalidated
    - Learning: the open model trails by 12%
    {panel}

    More notes, after the panel.

The item's description is the text around the panel (before, then after); a person's text
on either side survives our edits, and theirs never touches the record. Older issues carry
only a last paragraph `Hypothesis: …`: that is read as a section without a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker_bridge.model.spike_record import one_line

START = "{panel:title=Spike (tracker-bridge)}"
END = "{panel}"
HYPOTHESIS = "Hypothesis: "
_TIMEBOX = re.compile(r"^Time-box: (\d+) days?$")
_RECORD = re.compile(r"^- ((?:Started|Extended|Outcome|Learning): .+?)\s*$")


@dataclass(frozen=True)
class SpikeSection:
    hypothesis: str | None = None
    timebox_days: int | None = None
    record: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        lines = [START]
        if self.hypothesis:
            lines.append(HYPOTHESIS + one_line(self.hypothesis))
        if self.timebox_days:
            lines.append(f"Time-box: {self.timebox_days} day{'s' if self.timebox_days > 1 else ''}")
        lines += [f"- {line}" for line in self.record]
        return [*lines, END]


@dataclass(frozen=True)
class Description:
    before: str = ""
    section: SpikeSection | None = None
    after: str = ""

    @property
    def text(self) -> str:
        """The item's description: the person's text around the section."""
        return "\n\n".join(part for part in (self.before, self.after) if part)

    @property
    def record(self) -> str | None:
        return ("\n".join(self.section.record) or None) if self.section else None


def split(text: str) -> Description:
    """The description as Jira holds it, taken apart (lenient)."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if START in lines and END in lines[lines.index(START) + 1 :]:
        start = lines.index(START)
        end = lines.index(END, start + 1)
        section = _section(lines[start + 1 : end])
        before = "\n".join(lines[:start]).rstrip("\n")
        after = "\n".join(lines[end + 1 :]).strip("\n")
        return Description(before, section, after)
    if text.startswith(HYPOTHESIS) and "\n" not in text:
        return Description("", SpikeSection(text[len(HYPOTHESIS) :]))
    head, separator, last = text.rpartition("\n\n" + HYPOTHESIS)
    if separator and "\n" not in last:
        return Description(head, SpikeSection(last))
    return Description(text)


def _section(lines: list[str]) -> SpikeSection:
    hypothesis: str | None = None
    days: int | None = None
    record: list[str] = []
    for line in lines:
        if line.startswith(HYPOTHESIS):
            hypothesis = line[len(HYPOTHESIS) :].strip()
        elif match := _TIMEBOX.match(line.strip()):
            days = int(match.group(1))
        elif match := _RECORD.match(line.strip()):
            record.append(match.group(1))
    return SpikeSection(hypothesis, days, tuple(record))


def join(description: Description) -> str:
    """The Jira description text; `split(join(d))` gives `d` back."""
    if description.section is None:
        return description.text
    parts = [description.before, "\n".join(description.section.lines()), description.after]
    return "\n\n".join(part for part in parts if part)


def with_text(current: Description, text: str) -> Description:
    """The item's new description written around the section where it stands: text a person
    put after the panel stays after it while the new description still ends with it."""
    after = current.after
    if after and text.endswith(after) and text != after:
        return Description(text[: -len(after)].rstrip("\n"), current.section, after)
    return Description(text, current.section, "")
