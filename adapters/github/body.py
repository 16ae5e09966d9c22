"""The issue body: the person's description plus the lines we manage at its end (pure).

    <description>

    Time-box: until 2026-12-04 (hypothesis: it lifts CTR by 1%)   (spikes; `Due: …` otherwise)
    - Started: 2026-11-20 09:00 UTC                                (a spike's record, if any)
    - Extended: +4 days on 2026-11-27: labelled data came late
    - Outcome: invalidated
    - Learning: the open model trails by 12%
    Acceptance criteria:                                           (the checklist, if any)
    - [ ] Precision@10 of at least 0.6
    Definition of done:
    - [x] Reviewed by a second engineer
    - [ ] #12                                                      (task-list parent fallback)
    <!-- tracker-bridge:id=llm-enrichment.vibe-score -->

The description value excludes the managed tail; writing a description re-appends it, and a
person editing the text above it keeps it, so the marker survives edits on either side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tracker_bridge.model.checklist import HEADINGS, is_checklist_line

MARKER = re.compile(r"<!--\s*tracker-bridge:id=([a-z0-9][a-z0-9._-]*)\s*-->")
TIMEBOX = re.compile(
    r"^Time-box: (?:until (\d{4}-\d\d-\d\d)|(\d+) days?)(?: \(hypothesis: (.*)\))?\s*$"
)
DUE = re.compile(r"^Due: (\d{4}-\d\d-\d\d)\s*$")
TASK = re.compile(r"^- \[[ xX]\] #(\d+)\s*$")
RECORD = re.compile(r"^- ((?:Started|Extended|Outcome|Learning): .+?)\s*$")


@dataclass(frozen=True)
class Body:
    description: str = ""
    item_id: str | None = None
    due: str | None = None
    """ISO date from the `Due:` or `Time-box: until` line."""
    timebox_days: int | None = None
    hypothesis: str | None = None
    spike_line: bool = False
    """True when the date line is a `Time-box:` line (spikes)."""
    children: tuple[int, ...] = ()
    """Issue numbers of the task-list fallback (`- [ ] #N`), for epics without sub-issues."""
    checklist: tuple[str, ...] = ()
    """Acceptance criteria and definition of done as written, ticks included
    (`model.checklist`)."""
    spike_record: tuple[str, ...] = ()
    """A spike's record lines (`model.spike_record`), under its `Time-box:` line."""
    markers: tuple[str, ...] = ()
    """Every marker id in the body when there are several: ambiguous, so none is trusted."""

    def with_changes(self, **changes: object) -> Body:
        return replace(self, **changes)  # type: ignore[arg-type]


def marker(item_id: str) -> str:
    return f"<!-- tracker-bridge:id={item_id} -->"


def parse(text: str | None) -> Body:
    """Split a body into the description and our managed tail (lenient: any may be absent)."""
    text = (text or "").replace("\r\n", "\n")
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1  # trailing blank lines after the tail
    item_id: str | None = None
    due: str | None = None
    days: int | None = None
    hypothesis: str | None = None
    spike = False
    children: list[int] = []
    record: list[str] = []
    checklist: list[str] = []
    cut = end
    # Walk up from the end over managed lines; what is above them is the description. The
    # marker is trusted only where render() puts it, the last line: a marker a person (or a
    # roadmap description) placed anywhere else names nothing.
    while cut > 0:
        line = lines[cut - 1]
        if cut == end and (match := MARKER.fullmatch(line.strip())):
            item_id = match.group(1)
        elif (match := TIMEBOX.match(line)) and due is None and not spike:
            due, spike, hypothesis = match.group(1), True, match.group(3)
            days = int(match.group(2)) if match.group(2) else None
        elif (match := DUE.match(line)) and due is None and not spike:
            due = match.group(1)
        elif match := TASK.match(line):
            children.insert(0, int(match.group(1)))
        elif is_checklist_line(line) and not (record or spike or due is not None):
            checklist.insert(0, line)
        elif (match := RECORD.match(line)) and not spike and due is None:
            record.insert(0, match.group(1))  # only under the Time-box line, never above
        else:
            break
        cut -= 1
    found = tuple(MARKER.findall(text))
    if len(found) > 1:  # two items claim this issue: it belongs to neither until fixed
        return Body(text, markers=found)
    if record and not spike:  # record lines belong under a Time-box line: a person's list
        cut, record = cut + len(record), []
    if checklist and not record and not spike and due is None:
        # Ours from its first heading; boxes above it are the end of a person's text.
        first = next((i for i, line in enumerate(checklist) if line in HEADINGS), len(checklist))
        cut, checklist = cut + first, checklist[first:]
    if cut == end:  # no managed tail: not ours
        return Body(text)
    head = "\n".join(lines[:cut])
    # render() puts exactly one blank line between description and tail.
    description = head[:-1] if head.endswith("\n") else head
    return Body(
        description, item_id, due, days, hypothesis, spike, tuple(children), tuple(checklist),
        tuple(record),
    )


def render(body: Body) -> str:
    """The body text for GitHub; `parse(render(b))` gives `b` back, description exactly."""
    tail: list[str] = []
    if body.spike_line:
        when = f"until {body.due}" if body.due else f"{body.timebox_days or 0} days"
        # One line whatever the roadmap's YAML did (folded scalars end in a newline).
        hypothesis = " ".join((body.hypothesis or "").split())
        why = f" (hypothesis: {hypothesis})" if hypothesis else ""
        tail.append(f"Time-box: {when}{why}")
        tail += [f"- {line}" for line in body.spike_record]
    elif body.due:
        tail.append(f"Due: {body.due}")
    tail += body.checklist
    tail += [f"- [ ] #{number}" for number in body.children]
    if body.item_id:
        tail.append(marker(body.item_id))
    if not tail:
        return body.description
    if not body.description:
        return "\n".join(tail)
    return body.description + "\n\n" + "\n".join(tail)
