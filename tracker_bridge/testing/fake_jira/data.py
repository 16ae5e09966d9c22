"""Everything the fake Jira knows, and the operations a request or a simulated person runs.

Callers hold the server lock. Validation failures raise `HTTPError` with Jira's error shape.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .custom_fields import CustomField
from .errors import jira_error, not_found_issue, not_on_screen
from .lexorank import after_last
from .standard_fields import STANDARD_FIELDS
from .state import (
    ISSUE_TYPES,
    RESOLUTIONS,
    Board,
    CustomFields,
    FieldDef,
    Flavour,
    Issue,
    Project,
    Sprint,
    field_catalogue,
    jira_time,
)
from .values import READ_ONLY, apply_ops, change_item, check_value, store_value
from .versions import Version
from .workflow import Transition, Workflow
from .workflow_screens import check_screen


def account_id_for(seed: int, name: str) -> str:
    """Cloud account ids are opaque 24-character strings; derived, so runs are repeatable."""
    digest = hashlib.sha256(f"jira-user-{seed}-{name}".encode()).hexdigest()
    return f"5b10a{digest[:19]}"


class JiraData:
    def __init__(
        self,
        *,
        flavour: Flavour,
        projects: Sequence[str],
        seed: int,
        email: str,
        user_timezone: str,
        workflow: Mapping[str, Any] | str | None,
        now: Callable[[], datetime],
        users: Sequence[str] = (),
    ) -> None:
        self.flavour = flavour
        self.now = now
        self.email = email
        self.user_timezone = user_timezone
        self.seed = seed
        self.username = email.split("@")[0]
        self.account_id = account_id_for(seed, self.username)
        # Everyone who can be assigned: login name -> Cloud account id (the bot included).
        self.people: dict[str, str] = {}
        self.name_by_account: dict[str, str] = {}
        for name in (self.username, *users):
            self.add_user(name)
        self.custom = CustomFields.for_instance(seed, flavour)
        self.fields: list[FieldDef] = [*field_catalogue(self.custom, flavour), *STANDARD_FIELDS]
        self.field_by_id = {f.id: f for f in self.fields}
        self.custom_defs: dict[str, CustomField] = {}  # fields defined by tests / --field
        self.versions: dict[str, Version] = {}  # by id
        self.workflow = Workflow(workflow)
        self.last_rank = ""
        """The highest rank given so far: a new issue ranks after it."""
        self.projects: dict[str, Project] = {
            key: Project(str(10000 + i), key, f"{key.title()} project")
            for i, key in enumerate(projects)
        }
        self.issues: dict[str, Issue] = {}
        self.key_by_id: dict[str, str] = {}
        self.next_issue_id = 10000
        self.next_number: dict[str, int] = {key: 1 for key in projects}
        self.next_history_id = 10000
        self.next_comment_id = 10000
        self.sprints: dict[int, Sprint] = {}
        self.next_sprint_id = 1
        self.boards: dict[int, Board] = {}
        for i, key in enumerate(projects):
            self.boards[i + 1] = Board(i + 1, f"{key} board", key, columns=self._columns())

    def _columns(self) -> list[dict[str, Any]]:
        # WIP limits on the busy columns, so reports have something to check.
        limits = {"In Progress": (1, 5), "In Review": (None, 3)}
        return [
            {
                "name": s.name,
                "statuses": [s.id],
                "min": limits.get(s.name, (None, None))[0],
                "max": limits.get(s.name, (None, None))[1],
            }
            for s in self.workflow.statuses
        ]

    def add_user(self, name: str) -> str:
        """Make `name` a user who can be assigned; returns the Cloud account id."""
        if not name or any(c.isspace() for c in name):
            raise ValueError(f"a Jira login name has no spaces: {name!r}")
        account = self.people.setdefault(name, account_id_for(self.seed, name))
        self.name_by_account[account] = name
        return account

    # -- lookups -------------------------------------------------------------------------------
    def issue(self, key_or_id: str) -> Issue:
        key = self.key_by_id.get(key_or_id, key_or_id.upper())
        found = self.issues.get(key)
        if found is None:
            raise not_found_issue()
        return found

    def find_issue(self, key_or_id: str) -> Issue | None:
        return self.issues.get(self.key_by_id.get(str(key_or_id), str(key_or_id).upper()))

    def project(self, ref: str) -> Project | None:
        for project in self.projects.values():
            if ref in (project.id, project.key) or ref.upper() == project.key:
                return project
        return None

    def issuetype(self, ref: Mapping[str, Any] | str) -> tuple[str, str, bool] | None:
        if isinstance(ref, str):
            ref = {"id": ref} if ref.isdigit() else {"name": ref}
        for entry in ISSUE_TYPES:
            if (
                str(ref.get("id")) == entry[0]
                or str(ref.get("name", "")).lower() == entry[1].lower()
            ):
                return entry
        return None

    def is_epic(self, issue: Issue) -> bool:
        return issue.issuetype == ISSUE_TYPES[0][0]

    def field_name(self, field_id: str) -> str:
        found = self.field_by_id.get(field_id)
        return found.name if found else field_id

    # -- create --------------------------------------------------------------------------------
    def create(self, fields: Mapping[str, Any], creator: str | None = None) -> Issue:
        """Create as `creator` (the token's user by default), who is also the reporter
        unless `fields` name one."""
        project, type_entry = self.check_create(fields)
        creator = creator or self.username
        now = self.now()
        issue = Issue(
            id=str(self.next_issue_id),
            key=f"{project.key}-{self.next_number[project.key]}",
            project=project.key,
            issuetype=type_entry[0],
            status=self.workflow.initial.id,
            created=now,
            updated=now,
            values={
                "labels": [],
                "priority": "3",
                "components": [],
                "creator": creator,
                "reporter": creator,
            },
        )
        self.next_issue_id += 1
        self.next_number[project.key] += 1
        issue.rank = self.last_rank = after_last([self.last_rank])  # the backlog's bottom
        self.issues[issue.key] = issue
        self.key_by_id[issue.id] = issue.key
        for field_id, value in fields.items():
            if field_id not in ("project", "issuetype"):
                store_value(self, issue, field_id, value)
        return issue

    def check_create(self, fields: Mapping[str, Any]) -> tuple[Project, tuple[str, str, bool]]:
        """Validate a create request; all problems at once, as Jira reports them."""
        errors: dict[str, str] = {}
        if not isinstance(fields, Mapping):
            raise jira_error(400, ["No fields were given for the issue."])
        ref = fields.get("project")
        project = None
        if isinstance(ref, Mapping):
            project = self.project(str(ref.get("id") or ref.get("key") or ""))
        if project is None:
            errors["project"] = "Specify a valid project ID or key"
        type_ref = fields.get("issuetype")
        type_entry = self.issuetype(type_ref) if isinstance(type_ref, Mapping) else None
        if type_entry is None:
            errors["issuetype"] = (
                "Specify a valid issue type" if type_ref else "Specify an issue type"
            )
        if not str(fields.get("summary") or "").strip():
            errors["summary"] = "You must specify a summary of the issue."
        if (
            type_entry is not None
            and type_entry[1] == "Epic"
            and self.custom.epic_name
            and not str(fields.get(self.custom.epic_name) or "").strip()
        ):
            errors[self.custom.epic_name] = "Epic Name is required."
        if type_entry is not None and type_entry[2] and not fields.get("parent"):
            errors["parent"] = "Parent ID or key is required for a sub-task."
        for field_id, value in fields.items():
            if field_id in ("project", "issuetype") or field_id in errors:
                continue
            problem = check_value(
                self, field_id, value, type_entry, project.key if project else None
            )
            if problem:
                errors[field_id] = problem
        if errors or project is None or type_entry is None:
            raise jira_error(400, [], errors)
        return project, type_entry

    # -- field values --------------------------------------------------------------------------
    def edit(
        self,
        issue: Issue,
        fields: Mapping[str, Any] | None,
        update: Mapping[str, Any] | None,
    ) -> None:
        fields = dict(fields or {})
        type_entry = self.issuetype({"id": issue.issuetype})
        for field_id, operations in (update or {}).items():
            if field_id == "comment":
                continue
            fields[field_id] = apply_ops(issue, field_id, operations, self)
        errors = {
            f: problem
            for f, v in fields.items()
            if (
                problem := check_value(self, f, v, type_entry, issue.project)
                if f not in READ_ONLY
                else not_on_screen(f)
            )
        }
        if errors:
            raise jira_error(400, [], errors)
        items = [item for f, v in fields.items() if (item := store_value(self, issue, f, v))]
        for operations in (update or {}).get("comment", ()):
            if "add" in operations:
                self.add_comment(issue, str(operations["add"].get("body", "")))
        self.touch(issue, items)

    def touch(self, issue: Issue, items: Sequence[dict[str, Any]]) -> None:
        """Record a change: bump `updated` and add a changelog entry."""
        if not items:
            return
        now = self.now()
        issue.updated = now
        issue.histories.append(
            {
                "id": str(self.next_history_id),
                "author": "me",
                "created": jira_time(now),
                "items": list(items),
            }
        )
        self.next_history_id += 1

    def add_comment(self, issue: Issue, body: Any) -> dict[str, Any]:
        now = jira_time(self.now())
        comment = {"id": str(self.next_comment_id), "body": body, "created": now, "updated": now}
        self.next_comment_id += 1
        issue.comments.append(comment)
        issue.updated = self.now()  # a comment bumps `updated` in Jira, without a changelog entry
        return comment

    # -- workflow ------------------------------------------------------------------------------
    def transitions(self, issue: Issue) -> list[Transition]:
        return self.workflow.available(issue.status)

    def transition(
        self,
        issue: Issue,
        transition_id: str,
        fields: Mapping[str, Any] | None = None,
        update: Mapping[str, Any] | None = None,
    ) -> None:
        chosen = next((t for t in self.transitions(issue) if t.id == transition_id), None)
        if chosen is None:
            raise jira_error(
                400,
                [
                    "It seems that you have tried to perform a workflow operation "
                    f"({transition_id}) that is not valid for the current state of this issue "
                    f"({issue.key}). The "
                    "likely cause is that somebody has changed the issue recently, please look at "
                    "the issue history for details."
                ],
            )
        fields = dict(fields or {})
        errors = {f: not_on_screen(f) for f in fields if f not in chosen.requires}
        resolution = None
        if "resolution" in chosen.requires:
            ref = fields.get("resolution")
            resolution = next(
                (
                    rid
                    for rid, name in RESOLUTIONS
                    if isinstance(ref, Mapping)
                    and (
                        str(ref.get("id")) == rid
                        or str(ref.get("name", "")).lower() == name.lower()
                    )
                ),
                None,
            )
            if resolution is None:
                errors["resolution"] = (
                    "Resolution is required."
                    if ref is None
                    else ("Could not find valid 'id' or 'name' in resolution object.")
                )
        screen = check_screen(self, issue, chosen, fields, update)
        errors.update(screen.errors)
        if errors:
            raise jira_error(400, [], errors)
        self.move(issue, chosen.target, resolution)
        screen.store(self, issue)
        for operations in (update or {}).get("comment", ()):
            if "add" in operations:
                self.add_comment(issue, operations["add"].get("body", ""))

    def move(self, issue: Issue, status_id: str, resolution: str | None) -> None:
        old = self.workflow.status(issue.status)
        new = self.workflow.status(status_id)
        items: list[dict[str, Any] | None] = [
            change_item("status", "jira", "status", old.id, new.id, old.name, new.name)
        ]
        if new.category == "done" and issue.resolution != resolution:
            names = dict(RESOLUTIONS)
            items.append(
                change_item(
                    "resolution",
                    "jira",
                    "resolution",
                    issue.resolution,
                    resolution,
                    names.get(issue.resolution or ""),
                    names.get(resolution or ""),
                )
            )
            issue.resolution, issue.resolutiondate = resolution, self.now()
        elif new.category != "done" and issue.resolution is not None:
            items.append(
                change_item(
                    "resolution",
                    "jira",
                    "resolution",
                    issue.resolution,
                    None,
                    dict(RESOLUTIONS)[issue.resolution],
                    None,
                )
            )
            issue.resolution = issue.resolutiondate = None
        issue.status = new.id
        self.touch(issue, [item for item in items if item])

    # -- sprints -------------------------------------------------------------------------------
    def open_sprints_of(self, issue: Issue) -> list[int]:
        return [s for s in issue.sprints if self.sprints[s].state != "closed"]

    def move_to_sprint(self, issues: Iterable[Issue], sprint: Sprint) -> None:
        for issue in issues:
            old = self.open_sprints_of(issue)
            if old == [sprint.id]:
                continue
            issue.sprints = [s for s in issue.sprints if s not in old] + [sprint.id]
            self.touch(issue, [self._sprintchange_item(old, [sprint.id])])

    def move_to_backlog(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            old = self.open_sprints_of(issue)
            if old:
                issue.sprints = [s for s in issue.sprints if s not in old]
                self.touch(issue, [self._sprintchange_item(old, [])])

    def _sprintchange_item(self, old: list[int], new: list[int]) -> dict[str, Any]:
        def text(ids: list[int]) -> str:
            return ", ".join(self.sprints[i].name for i in ids)

        item = change_item(
            "Sprint",
            "custom",
            self.custom.sprint,
            ", ".join(map(str, old)),
            ", ".join(map(str, new)),
            text(old),
            text(new),
        )
        assert item is not None
        return item
