"""A mapping for a live project as it is: its statuses grouped by category onto the 8 stages.

Pure: takes what `project/{key}/statuses`, `field` and the board answered, returns YAML text.
`tracker-bridge mapping init` (tracker_bridge/cli/mapping_cmds.py) feeds it.

Stages fall into three groups, like Jira's status categories: to do (backlog, sprint_backlog),
in progress (in_progress … ready_for_prod) and done. Within a group a status whose name says
which stage it is takes that stage; a stage no status names shares the status of the stage
before it (or the group's first status). Statuses left over are read back as the group's last
stage that has a status of its own. Where statuses are fewer than stages, a refinement label
keeps the finer stage on the issue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tracker_bridge.model import Stage

GROUPS: dict[str, tuple[Stage, ...]] = {
    "new": (Stage.BACKLOG, Stage.SPRINT_BACKLOG),
    "indeterminate": (
        Stage.IN_PROGRESS,
        Stage.IN_REVIEW,
        Stage.READY_FOR_STAGING,
        Stage.IN_STAGING,
        Stage.READY_FOR_PROD,
    ),
    "done": (Stage.DONE,),
}

ALIASES: dict[Stage, tuple[str, ...]] = {
    Stage.BACKLOG: ("backlog", "open", "new"),
    Stage.SPRINT_BACKLOG: ("selected for development", "to do", "todo", "sprint backlog", "ready"),
    Stage.IN_PROGRESS: ("in progress", "doing", "in development", "development"),
    Stage.IN_REVIEW: ("in review", "review", "code review", "peer review"),
    Stage.READY_FOR_STAGING: ("ready for staging", "ready for qa", "ready for test"),
    Stage.IN_STAGING: ("in staging", "staging", "qa", "in qa", "testing", "in test"),
    Stage.READY_FOR_PROD: ("ready for prod", "ready for production", "ready for release"),
    Stage.DONE: ("done", "closed", "resolved", "released"),
}


@dataclass(frozen=True)
class StatusInfo:
    name: str
    category: str
    """Jira's status category key: new, indeterminate or done."""


@dataclass(frozen=True)
class ProjectFacts:
    """What `mapping init` read from the live project."""

    project: str
    issue_types: Sequence[str]
    statuses: Sequence[StatusInfo]
    story_points: str | None = None
    epic_link: str = "auto"
    board_id: int | None = None
    transition_fields: Mapping[str, str] = field(default_factory=dict)
    """Required screen fields seen on transitions: field key -> a suggested value line."""


def group_statuses(statuses: Sequence[StatusInfo]) -> dict[Stage, list[str]]:
    """Stage -> status names (the first is the one a move goes to)."""
    out: dict[Stage, list[str]] = {}
    for category, stages in GROUPS.items():
        names = [s.name for s in statuses if s.category == category]
        if not names:
            # No status of this category (unusual): share the previous group's last status.
            previous = [v[0] for v in out.values()]
            names = previous[-1:] or [statuses[0].name]
        own: dict[Stage, str] = {}
        for stage in stages:
            match = next(
                (n for n in names if n.casefold() in ALIASES[stage] and n not in own.values()),
                None,
            )
            if match is not None:
                own[stage] = match
        current = names[0]
        for stage in stages:
            current = own.get(stage, current)
            out[stage] = [current]
        leftovers = [n for n in names if n not in {v[0] for v in out.values()}]
        if leftovers:
            last_own = next((s for s in reversed(stages) if s in own), stages[-1])
            out[last_own] += leftovers
    return out


def _yaml_list(names: Sequence[str]) -> str:
    return "[" + ", ".join(_quote(n) for n in names) + "]"


def _quote(text: str) -> str:
    plain = text.replace(" ", "").replace("-", "").replace("_", "").isalnum()
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_mapping(facts: ProjectFacts) -> str:
    """The mapping file's text, commented so a person can review it before use."""
    stages = group_statuses(facts.statuses)
    shared = {
        stage
        for stage in Stage
        if sum(1 for other in Stage if stages[other][0] == stages[stage][0]) > 1
    }
    lines = [
        f"# tracker-bridge mapping for Jira project {facts.project}, written by "
        "`tracker-bridge mapping init` from the project as it is.",
        "# Review it, then point the target's `mapping =` at this file and run "
        "`tracker-bridge doctor`.",
        "version: 1",
        "",
        "# Canonical kind -> issue type. The project's types: "
        + ", ".join(facts.issue_types),
        "kinds:",
    ]
    types = {t.casefold(): t for t in facts.issue_types}
    for kind, default in (
        ("epic", "Epic"),
        ("story", "Story"),
        ("task", "Task"),
        ("bug", "Bug"),
        ("spike", "Spike"),
    ):
        lines.append(f"  {kind}: {_quote(types.get(default.casefold(), default))}")
    if "spike" not in types:
        lines.append("# No Spike type: spikes become a Task carrying the label 'spike'.")
        lines += ["spike_fallback:", "  issue_type: Task", "  label: spike"]
    lines += [
        "",
        "# Canonical stage -> statuses (the first is the one a move goes to). The statuses are",
        "# grouped by category: to do, in progress, done.",
    ]
    if shared:
        lines += [
            "# Several stages share a status here: the label `stage:<stage>` on the issue keeps",
            "# the finer stage (see README, Jira: coarse workflows).",
        ]
    lines.append("stages:")
    lines += [f"  {stage.value}: {_yaml_list(stages[stage])}" for stage in Stage]
    if shared:
        lines += ["refinement:", "  as: label", '  label_prefix: "stage:"']
    lines += ["", "# Fields the transition screens require.", "transition_fields:"]
    fields = {"resolution": "Done", **facts.transition_fields}
    lines += [f"  {key}: {value}" for key, value in fields.items()]
    lines += ["", "fields:"]
    points = _quote(facts.story_points) if facts.story_points else "auto"
    lines.append(f"  story_points: {points}")
    lines.append(f"  epic_link: {facts.epic_link}")
    lines += ["", f"board_id: {facts.board_id if facts.board_id is not None else 'null'}", ""]
    return "\n".join(lines)
