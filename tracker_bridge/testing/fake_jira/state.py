"""The fake Jira's data: projects, issue types, fields, issues, sprints and boards."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Flavour = Literal["cloud", "datacenter"]

ISSUE_TYPES: tuple[tuple[str, str, bool], ...] = (
    ("10000", "Epic", False),
    ("10001", "Story", False),
    ("10002", "Task", False),
    ("10003", "Bug", False),
    ("10004", "Sub-task", True),
)
PRIORITIES: tuple[tuple[str, str], ...] = (
    ("1", "Highest"),
    ("2", "High"),
    ("3", "Medium"),
    ("4", "Low"),
    ("5", "Lowest"),
)
RESOLUTIONS: tuple[tuple[str, str], ...] = (
    ("10000", "Done"),
    ("10001", "Won't Do"),
    ("10002", "Duplicate"),
)


def jira_time(moment: datetime) -> str:
    """Jira's timestamp format: `2025-01-31T14:05:12.000+0000`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def agile_time(moment: datetime) -> str:
    """The Agile API's ISO 8601 with a colon offset: `2025-01-31T14:05:12.000Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_agile_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class FieldDef:
    id: str
    name: str
    schema: dict[str, Any]
    custom: bool = False
    navigable: bool = True
    clauses: tuple[str, ...] = ()  # JQL names of a system field, when not its id

    def json(self) -> dict[str, Any]:
        clause = list(self.clauses) or [self.id]
        if self.custom:
            clause = [f"cf[{self.id.split('_')[1]}]", self.name]
        return {
            "id": self.id,
            "key": self.id,
            "name": self.name,
            "custom": self.custom,
            "orderable": True,
            "navigable": self.navigable,
            "searchable": True,
            "clauseNames": clause,
            "schema": self.schema,
        }


def _custom_schema(kind: str, plugin: str, cf_id: int, items: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind, "custom": plugin, "customId": cf_id}
    if items:
        schema["items"] = items
    return schema


@dataclass(frozen=True)
class CustomFields:
    """Ids of the custom fields adapters must discover by name; they differ per instance."""

    story_points: str
    sprint: str
    epic_link: str | None
    epic_name: str | None
    rank: str

    @classmethod
    def for_instance(cls, seed: int, flavour: Flavour) -> CustomFields:
        ids = random.Random(f"jira-fields-{seed}").sample(range(10010, 10400), 5)
        name = [f"customfield_{n}" for n in ids]
        dc = flavour == "datacenter"
        return cls(name[0], name[1], name[2] if dc else None, name[3] if dc else None, name[4])


SYSTEM_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("summary", "Summary", {"type": "string", "system": "summary"}),
    FieldDef("description", "Description", {"type": "string", "system": "description"}),
    FieldDef("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}),
    FieldDef("status", "Status", {"type": "status", "system": "status"}),
    FieldDef("project", "Project", {"type": "project", "system": "project"}),
    FieldDef("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    FieldDef("duedate", "Due date", {"type": "date", "system": "duedate"}),
    FieldDef("priority", "Priority", {"type": "priority", "system": "priority"}),
    FieldDef("assignee", "Assignee", {"type": "user", "system": "assignee"}),
    FieldDef("reporter", "Reporter", {"type": "user", "system": "reporter"}),
    FieldDef("creator", "Creator", {"type": "user", "system": "creator"}),
    FieldDef(
        "components",
        "Components",
        {"type": "array", "items": "component", "system": "components"},
    ),
    FieldDef("resolution", "Resolution", {"type": "resolution", "system": "resolution"}),
    FieldDef("resolutiondate", "Resolved", {"type": "datetime", "system": "resolutiondate"}),
    FieldDef("created", "Created", {"type": "datetime", "system": "created"}),
    FieldDef("updated", "Updated", {"type": "datetime", "system": "updated"}),
    FieldDef("parent", "Parent", {"type": "issuelink", "system": "parent"}),
    FieldDef("comment", "Comment", {"type": "comments-page", "system": "comment"}, navigable=False),
)


def field_catalogue(custom: CustomFields, flavour: Flavour) -> list[FieldDef]:
    gh = "com.pyxis.greenhopper.jira:"

    def num(fid: str) -> int:
        return int(fid.split("_")[1])

    points_name = "Story Points" if flavour == "datacenter" else "Story point estimate"
    versions = (
        ("Fix Version/s", "Affects Version/s")
        if flavour == "datacenter"
        else ("Fix versions", "Affects versions")
    )
    fields = [
        *SYSTEM_FIELDS,
        FieldDef(
            "fixVersions",
            versions[0],
            {"type": "array", "items": "version", "system": "fixVersions"},
            clauses=("fixVersion",),
        ),
        FieldDef(
            "versions",
            versions[1],
            {"type": "array", "items": "version", "system": "versions"},
            clauses=("affectedVersion",),
        ),
        FieldDef(
            custom.story_points,
            points_name,
            _custom_schema(
                "number",
                "com.atlassian.jira.plugin.system.customfieldtypes:float",
                num(custom.story_points),
            ),
            custom=True,
        ),
        FieldDef(
            custom.sprint,
            "Sprint",
            _custom_schema("array", gh + "gh-sprint", num(custom.sprint), "json"),
            custom=True,
        ),
        FieldDef(
            custom.rank,
            "Rank",
            _custom_schema("any", gh + "gh-lexo-rank", num(custom.rank)),
            custom=True,
        ),
    ]
    if custom.epic_link:
        fields.append(
            FieldDef(
                custom.epic_link,
                "Epic Link",
                _custom_schema("any", gh + "gh-epic-link", num(custom.epic_link)),
                custom=True,
            )
        )
    if custom.epic_name:
        fields.append(
            FieldDef(
                custom.epic_name,
                "Epic Name",
                _custom_schema("string", gh + "gh-epic-label", num(custom.epic_name)),
                custom=True,
            )
        )
    return fields


@dataclass
class Project:
    id: str
    key: str
    name: str


@dataclass
class Issue:
    id: str
    key: str
    project: str  # key
    issuetype: str  # id
    status: str  # id
    created: datetime
    updated: datetime
    values: dict[str, Any] = field(default_factory=dict)  # stored field values by field id
    resolution: str | None = None  # id
    resolutiondate: datetime | None = None
    parent: str | None = None  # key (Cloud parent / sub-task parent)
    sprints: list[int] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    histories: list[dict[str, Any]] = field(default_factory=list)
    rank: str = ""
    """LexoRank-like: issues sort by it under `ORDER BY Rank` (see ranking.py)."""

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])


@dataclass
class Sprint:
    id: int
    name: str
    board_id: int
    state: str = "future"
    goal: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    created: datetime | None = None


@dataclass
class Board:
    id: int
    name: str
    project: str  # key
    type: str = "scrum"
    columns: list[dict[str, Any]] = field(default_factory=list)  # {name, statuses:[ids], min, max}
    constraint: str = "issueCount"
