"""Generated roadmaps of any size, for load tests, benchmarks and crash tests.

Shaped like a real one: phases of sprints, epics of `per_epic` items, about one spike in
six (research track, started time-box), points and an assignee (`alice`, whom the fakes know)
on the rest. Ids are explicit, so a generated roadmap can be edited without new items.
"""

from __future__ import annotations

STAGES = ("backlog", "sprint_backlog", "in_progress", "in_review", "done", "ready_for_staging")
KINDS = ("story", "task", "task", "bug", "story", "spike")


def generate_roadmap(
    work_items: int,
    *,
    project: str = "bench",
    phases: int = 3,
    sprints_per_phase: int = 8,
    per_epic: int = 50,
) -> str:
    """YAML text with `work_items` items under ceil(work_items / per_epic) epics."""
    epics = max(1, -(-work_items // per_epic))
    phases = max(1, min(phases, epics))  # every phase needs an epic
    lines = [
        f"project: {project}",
        "cadence: {sprint_length_days: 14, first_sprint_start: 2026-01-05}",
        "board:",
        "  wip_limits: {in_progress: 40, in_review: 20}",
        "  spikes: {max_timebox_days: 10, extensions_allowed: 1}",
        "phases:",
    ]
    made = 0
    for phase in range(phases):
        lines += [
            f"  - name: Phase {phase}",
            f"    sprints: {sprints_per_phase}",
            "    epics:",
        ]
        for epic in range(phase * epics // phases, (phase + 1) * epics // phases):
            lines += [f"      - id: epic-{epic}", f"        title: Epic {epic}", "        items:"]
            for number in range(per_epic):
                if made == work_items:
                    break
                lines += _item(made, epic, number, sprints_per_phase)
                made += 1
    return "\n".join(lines) + "\n"


def _item(made: int, epic: int, number: int, sprints: int) -> list[str]:
    kind = KINDS[made % len(KINDS)]
    lines = [
        f"          - id: e{epic}.i{number}",
        f"            title: Item {number} of epic {epic}",
        f"            kind: {kind}",
        f"            stage: {STAGES[made % len(STAGES)]}",
        f"            sprint: {made % sprints + 1}",
        "            labels: [generated]",
    ]
    if kind == "spike":
        return [
            *lines,
            "            track: research",
            "            timebox: {days: 5, hypothesis: It works, started: 2026-02-02}",
        ]
    return [*lines, f"            points: {made % 8}", "            assignee: alice"]
