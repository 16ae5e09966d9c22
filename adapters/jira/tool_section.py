"""The tool's own section of a Jira description: a delimited panel (pure).

Jira has no fields for a hypothesis, a time-box or a checklist, so they go in a panel the
tool owns: a spike's hypothesis, time-box and record (`model.spike_record`), and the
acceptance criteria with the definition of done (`model.checklist`):

    Notes the team wrote.

    {panel:title=Spike (tracker-bridge)}
    Hypothesis: an open 8B model scores within 5% of the hosted one
    Time-box: 5 days
    - Started: 2026-11-02 09:00 UTC
    - Extended: +3 days on 2026-11-06: the labelled set came late
    - Outcome: invalidated
    - Learning: the open model trails by 12%
    Acceptance criteria:
    - [ ] A written comparison on 200 titles
    {panel}

    More notes, after the panel.

The item's description is the text around the panel (before, then after); a person's text
on either side survives our edits, and theirs never touches the record. Older issues carry
only a last paragraph `Hypothesis: …`: that is read as a section without a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker_bridge.model.checklist import is_checklist_line, read_checklist
from tracker_bridge.model.spike_record import one_line

SPIKE_START = "{panel:title=Spike (tracker-bridge)}"
CHECKLIST_START = "{panel:title=Acceptance (tracker-bridge)}"
START = re.compile(r"^\{panel:title=[^}]*\(tracker-bridge\)\}$")
END = "{panel}"
HYPOTHESIS = "Hypothesis: "
_TIMEBOX = re.compile(r"^Time-box: (\d+) days?$")
_RECORD = re.compile(r"^- ((?:Started|Extended|Outcome|Learning): .+?)\s*$")


@dataclass(frozen=True)
class ToolSection:
    hypothesis: str | None = None
    timebox_days: int | None = None
    record: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    """The checklist's lines as written, ticks included."""

    @property
    def empty(self) -> bool:
        return not (self.hypothesis or self.timebox_days or self.record or self.checklist)

    def lines(self) -> list[str]:
        spike = self.hypothesis or self.timebox_days or self.record
        lines = [SPIKE_START if spike else CHECKLIST_START]
        if self.hypothesis:
            lines.append(HYPOTHESIS + one_line(self.hypothesis))
        if self.timebox_days:
            lines.append(f"Time-box: {self.timebox_days} day{'s' if self.timebox_days > 1 else ''}")
        lines += [f"- {line}" for line in self.record]
        lines += self.checklist
        return [*lines, END]


@dataclass(frozen=True)
class Description:
    before: str = ""
    section: ToolSection | None = None
    after: str = ""

    @property
    def text(self) -> str:
        """The item's description: the person's text around the section."""
        return "\n\n".join(part for part in (self.before, self.after) if part)

    @property
    def record(self) -> str | None:
        return ("\n".join(self.section.record) or None) if self.section else None

    @property
    def checklist(self) -> tuple[str | None, tuple[str, ...]]:
        """(`acceptance`, `checked`) as synced."""
        return read_checklist(self.section.checklist if self.section else ())


def split(text: str) -> Description:
    """The description as Jira holds it, taken apart (lenient)."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if START.match(line)), None)
    if start is not None and END in lines[start + 1 :]:
        end = lines.index(END, start + 1)
        section = _section(lines[start + 1 : end])
        # join() puts exactly one blank line on each side: the text keeps any other.
        before = "\n".join(lines[:start]).removesuffix("\n")
        after = "\n".join(lines[end + 1 :]).removeprefix("\n")
        return Description(before, section, after)
    if text.startswith(HYPOTHESIS) and "\n" not in text:
        return Description("", ToolSection(text[len(HYPOTHESIS) :]))
    head, separator, last = text.rpartition("\n\n" + HYPOTHESIS)
    if separator and "\n" not in last:
        return Description(head, ToolSection(last))
    return Description(text)


def _section(lines: list[str]) -> ToolSection:
    hypothesis: str | None = None
    days: int | None = None
    record: list[str] = []
    checklist: list[str] = []
    for line in lines:
        if is_checklist_line(line.strip()):
            checklist.append(line.strip())
        elif line.startswith(HYPOTHESIS):
            hypothesis = line[len(HYPOTHESIS) :].strip()
        elif match := _TIMEBOX.match(line.strip()):
            days = int(match.group(1))
        elif match := _RECORD.match(line.strip()):
            record.append(match.group(1))
    return ToolSection(hypothesis, days, tuple(record), tuple(checklist))


def join(description: Description) -> str:
    """The Jira description text; `split(join(d))` gives `d` back."""
    if description.section is None or description.section.empty:
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
