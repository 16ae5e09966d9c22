"""Projects v2 state: projects, their fields (Status, Sprint iterations, Points …) and items.

Items point at issues by node id, so what an item shows (title, number, repository) is
always the issue's current state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tracker_bridge.testing.fake_github.state import Ids, node_id

STAGE_OPTIONS = (
    "Backlog",
    "Sprint Backlog",
    "In Progress",
    "In Review",
    "Ready for Staging",
    "In Staging",
    "Ready for Prod",
    "Done",
)
OPTION_COLORS = ("GRAY", "BLUE", "YELLOW", "ORANGE", "PURPLE", "PINK", "RED", "GREEN")
STATUS_PRESETS: dict[str, tuple[str, ...]] = {
    "mlops": STAGE_OPTIONS,
    # GitHub's default Status field (a new project, the Board and Table layouts).
    "default": ("Todo", "In Progress", "Done"),
    # GitHub's "Kanban" and "Team planning" templates.
    "kanban": ("Backlog", "Ready", "In progress", "In review", "Done"),
}
"""Status options a fake project starts with: our eight stages, or what GitHub's templates
make (`FakeGitHub(project_status="default")`); any list of names makes a custom field."""


def status_options(preset: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    if isinstance(preset, str):
        if preset not in STATUS_PRESETS:
            known = ", ".join(STATUS_PRESETS)
            raise ValueError(f"unknown Status preset {preset!r}; known: {known}")
        return STATUS_PRESETS[preset]
    return tuple(preset)

SPRINT_DAYS = 14
FieldValue = str | float  # option id, iteration id, number, text or ISO date


@dataclass
class Option:
    id: str
    name: str
    color: str = "GRAY"


@dataclass
class Iteration:
    id: str
    title: str
    start_date: date
    duration: int


@dataclass
class ProjectField:
    id: str
    database_id: int
    name: str
    data_type: str  # TITLE, SINGLE_SELECT, ITERATION, NUMBER, TEXT, DATE, ...
    options: list[Option] = field(default_factory=list)
    iterations: list[Iteration] = field(default_factory=list)
    duration: int = SPRINT_DAYS
    start_day: int = 1  # Monday

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def iteration(self, iteration_id: str) -> Iteration | None:
        return next((i for i in self.iterations if i.id == iteration_id), None)


@dataclass
class ProjectItem:
    id: str
    database_id: int
    content_id: str  # the node id
    created_at: datetime
    updated_at: datetime
    values: dict[str, FieldValue] = field(default_factory=dict)  # by field id
    value_times: dict[str, datetime] = field(default_factory=dict)  # by field id

    def set_value(self, field_id: str, value: FieldValue | None, now: datetime) -> bool:
        """Set (None: clear) one field's value; True when it changed."""
        if self.values.get(field_id) == value:
            return False
        if value is None:
            self.values.pop(field_id, None)
        else:
            self.values[field_id] = value
        self.value_times[field_id] = self.updated_at = now
        return True


@dataclass
class Project:
    id: str
    database_id: int
    number: int
    title: str
    owner: str
    owner_kind: str  # "organization" or "user"
    created_at: datetime
    fields: list[ProjectField] = field(default_factory=list)
    items: list[ProjectItem] = field(default_factory=list)

    def field_by_id(self, field_id: str) -> ProjectField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def field_named(self, name: str) -> ProjectField | None:
        return next((f for f in self.fields if f.name.lower() == name.lower()), None)

    def item(self, item_id: str) -> ProjectItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def item_for(self, content_id: str) -> ProjectItem | None:
        return next((i for i in self.items if i.content_id == content_id), None)


def sprint_iterations(rng: random.Random, today: date, count: int = 6) -> list[Iteration]:
    """Two-week sprints on Mondays: one finished, the current one and the ones after it."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(days=SPRINT_DAYS)
    return [
        Iteration(
            f"{rng.getrandbits(32):08x}",
            f"Sprint {n + 1}",
            first + timedelta(days=SPRINT_DAYS * n),
            SPRINT_DAYS,
        )
        for n in range(count)
    ]


def new_project(
    ids: Ids,
    rng: random.Random,
    *,
    number: int,
    title: str,
    owner: str,
    owner_kind: str,
    now: datetime,
    status_names: tuple[str, ...] = STAGE_OPTIONS,
) -> Project:
    """A project laid out for the MLOps flow: Status (8 stages, or the options given),
    Sprint, Points, …"""
    project_db = ids.take()
    project = Project(node_id("PVT", project_db), project_db, number, title, owner, owner_kind, now)

    def add(prefix: str, name: str, data_type: str) -> ProjectField:
        field_db = ids.take()
        made = ProjectField(node_id(prefix, field_db), field_db, name, data_type)
        project.fields.append(made)
        return made

    add("PVTF", "Title", "TITLE")
    status = add("PVTSSF", "Status", "SINGLE_SELECT")
    status.options = [
        Option(f"{rng.getrandbits(32):08x}", name, OPTION_COLORS[n % len(OPTION_COLORS)])
        for n, name in enumerate(status_names)
    ]
    sprint = add("PVTIF", "Sprint", "ITERATION")
    sprint.iterations = sprint_iterations(rng, now.date())
    add("PVTF", "Points", "NUMBER")
    add("PVTF", "Notes", "TEXT")
    add("PVTF", "Target date", "DATE")
    return project


def completed(project_field: ProjectField, today: date) -> list[Iteration]:
    return [i for i in project_field.iterations if i.start_date + timedelta(i.duration) <= today]


def current_and_future(project_field: ProjectField, today: date) -> list[Iteration]:
    return [i for i in project_field.iterations if i.start_date + timedelta(i.duration) > today]
