"""A mapping for a live repository and board as they are (pure: facts in, YAML text out).

`tracker-bridge mapping init` (tracker_bridge/cli/mapping_cmds.py) feeds it what
mapping_live.py read. The Projects v2 Status options are laid onto the eight stages in three
groups, as Jira's status categories do: to do (backlog, sprint_backlog), in progress
(in_progress … ready_for_prod) and done. An option named like a stage takes it; an option no
stage names takes the next stage without one; a stage left over shares the option before it.
Where options are fewer than stages, the stage labels (`stage:in-staging`) keep the finer
stage on the issue (refinement.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker_bridge.model import Kind, Stage, Track

TODO = (Stage.BACKLOG, Stage.SPRINT_BACKLOG)
PROGRESS = (Stage.IN_PROGRESS, Stage.IN_REVIEW, Stage.READY_FOR_STAGING, Stage.IN_STAGING,
            Stage.READY_FOR_PROD)
ALIASES: dict[Stage, tuple[str, ...]] = {
    Stage.BACKLOG: ("backlog", "new", "open", "triage", "icebox", "inbox"),
    Stage.SPRINT_BACKLOG: ("todo", "to do", "ready", "sprint backlog", "up next", "next",
                           "selected for development"),
    Stage.IN_PROGRESS: ("in progress", "doing", "in development", "development", "wip"),
    Stage.IN_REVIEW: ("in review", "review", "code review", "peer review"),
    Stage.READY_FOR_STAGING: ("ready for staging", "ready for qa", "ready for test"),
    Stage.IN_STAGING: ("in staging", "staging", "qa", "in qa", "testing", "in test"),
    Stage.READY_FOR_PROD: ("ready for prod", "ready for production", "ready for release",
                           "ready to deploy"),
    Stage.DONE: ("done", "closed", "complete", "completed", "shipped", "released", "deployed",
                 "in production", "live"),
}
POINTS_NAMES = ("points", "story points", "estimate", "size", "effort")


@dataclass(frozen=True)
class BoardFacts:
    """A Projects v2 board as `mapping init` read it."""

    owner: str
    owner_kind: str
    number: int
    title: str
    status_field: str | None
    options: Sequence[str]
    iteration_fields: Sequence[str] = ()
    number_fields: Sequence[str] = ()


@dataclass(frozen=True)
class RepoFacts:
    repo: str
    labels: Sequence[str]
    issue_types: Sequence[str] = ()
    board: BoardFacts | None = None
    other_boards: Sequence[str] = field(default_factory=tuple)
    """`owner#number (title)` of further boards the owner has, named in a comment."""


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


def group_options(options: Sequence[str]) -> dict[Stage, str]:
    """Stage -> Status option (several stages may share one; see the module docstring)."""
    if not options:
        raise ValueError("the Status field has no options")
    todo_names = {a for s in TODO for a in ALIASES[s]}
    done = [o for o in options if _fold(o) in ALIASES[Stage.DONE]]
    if not done and len(options) > 1:
        done = [options[-1]]
    todo = [o for o in options if o not in done and _fold(o) in todo_names]
    if not todo and options[0] not in done:
        todo = [options[0]]
    progress = [o for o in options if o not in done and o not in todo]
    out: dict[Stage, str] = {}
    previous: str | None = None
    for names, stages in ((todo, TODO), (progress, PROGRESS), (done, (Stage.DONE,))):
        names = names or [previous or options[0]]  # none: share the group before
        out.update(_lay(names, stages))
        previous = out[stages[-1]]
    return out


def _lay(names: Sequence[str], stages: Sequence[Stage]) -> dict[Stage, str]:
    own: dict[Stage, str] = {}
    for stage in stages:
        match = next((n for n in names if _fold(n) in ALIASES[stage]
                      and n not in own.values()), None)
        if match is not None:
            own[stage] = match
    out: dict[Stage, str] = {}
    position = -1
    for index, stage in enumerate(stages):
        if stage in own:
            out[stage] = own[stage]
            position = names.index(own[stage])
            continue
        # A free option before the next named one takes this stage; else share the last.
        later = [names.index(own[s]) for s in stages[index + 1:] if s in own]
        limit = min(later, default=len(names))
        free = [i for i in range(position + 1, limit)
                if names[i] not in own.values() and names[i] not in out.values()]
        if free:
            position = free[0]
        out[stage] = names[max(position, 0)]
    return out


def _quote(text: str) -> str:
    plain = text.replace(" ", "").replace("-", "").replace("_", "").isalnum()
    return text if plain and text == text.strip() else (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _label(labels: Sequence[str], candidates: Sequence[str], default: str) -> str:
    have = {name.casefold(): name for name in labels}
    return next((have[c.casefold()] for c in candidates if c.casefold() in have), default)


def _points_field(names: Sequence[str]) -> str | None:
    return next((n for n in names if _fold(n) in POINTS_NAMES),
                next((n for n in names if "point" in n.casefold()), names[0] if names else None))


def render_mapping(facts: RepoFacts) -> str:
    """The mapping file's text, commented so a person can review it before use."""
    board = facts.board
    projects = board is not None and board.status_field is not None and bool(board.options)
    lines = [
        f"# tracker-bridge mapping for GitHub repository {facts.repo}, written by "
        "`tracker-bridge mapping init` from the repository"
        + (f" and board {board.owner}#{board.number} ({board.title})" if board else "")
        + " as they are.",
        "# Review it, then point the target's `mapping =` at this file and run "
        "`tracker-bridge doctor`.",
        "version: 1",
        f"mode: {'projects' if projects else 'labels'}",
        "",
        "labels:",
        "  kinds:",
    ]
    labels = facts.labels
    for kind in Kind:
        candidates = [f"type:{kind.value}", f"kind:{kind.value}", f"type/{kind.value}",
                      f"kind/{kind.value}", *(["bug"] if kind is Kind.BUG else [])]
        name = _label(labels, candidates, "type:" + kind.value)
        lines.append(f"    {kind.value}: {_quote(name)}")
    lines.append("  tracks:")
    for track in Track:
        candidates = [f"track:{track.value}", f"track/{track.value}"]
        lines.append(f"    {track.value}: "
                     f"{_quote(_label(labels, candidates, 'track:' + track.value))}")
    stages = group_options(board.options) if projects and board else {}
    shared = {s for s in stages if list(stages.values()).count(stages[s]) > 1}
    if shared:
        lines += ["  # Several stages share a Status option below: a stage's label keeps the finer",
                  "  # stage on the issue (the option's first stage needs none; README, GitHub:",
                  "  # coarse Status fields)."]
    lines.append("  stages:")
    for stage in Stage:
        default = "stage:" + stage.value.replace("_", "-")
        lines.append(f"    {stage.value}: {_quote(default)}")
    lines.append(f"  blocked: {_quote(_label(labels, ['blocked', 'status:blocked'], 'blocked'))}")
    lines.append('  points_prefix: "points:"')
    lines += ["", "# Kind -> issue type, used where the repository has issue types."]
    types = {t.casefold(): t for t in facts.issue_types}
    wanted = {Kind.EPIC: ("epic",), Kind.STORY: ("story", "feature"), Kind.TASK: ("task",),
              Kind.BUG: ("bug",), Kind.SPIKE: ("spike",)}
    found = {k: types[n] for k, names in wanted.items() for n in reversed(names) if n in types}
    if found:
        lines.append("issue_types:")
        lines += [f"  {kind.value}: {_quote(name)}" for kind, name in found.items()]
    else:
        lines.append("issue_types: {}")
    if not projects or board is None:
        lines += ["", "sprints_as: milestone", ""]
        return "\n".join(lines)
    iteration = board.iteration_fields[0] if board.iteration_fields else None
    points = _points_field(board.number_fields)
    lines += [
        "",
        "# milestone, or the board's Iteration field (matched by start date, never created).",
        f"sprints_as: {'iteration' if iteration else 'milestone'}",
        "",
        "project:",
        f"  owner: {_quote(board.owner)}",
        f"  number: {board.number}",
        f"  owner_kind: {board.owner_kind}",
        f"  status_field: {_quote(board.status_field or 'Status')}",
        f"  # The board's options: {', '.join(board.options)}.",
        "  # A move goes to the stage's option; an option that several stages share means",
        "  # the first of them on its own.",
        "  status_options:",
    ]
    lines += [f"    {stage.value}: {_quote(stages[stage])}" for stage in Stage]
    unmapped = [o for o in board.options if o not in stages.values()]
    if unmapped:
        lines.append(f"  # Not mapped (cards there read as backlog, or done when closed): "
                     f"{', '.join(unmapped)}")
    lines.append(f"  iteration_field: {_quote(iteration) if iteration else 'null'}")
    lines.append(f"  points_field: {_quote(points) if points else 'null'}")
    if facts.other_boards:
        lines.append(f"  # Other boards of {board.owner}: {', '.join(facts.other_boards)}")
    lines.append("")
    return "\n".join(lines)
