"""State → GraphQL result objects: dicts whose values are data or `(info, **args)` callables.

graphql-core's default resolver reads dict keys and calls callables with the field's
arguments, and picks union/interface members by `__typename`, so no resolver classes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker_bridge.testing.fake_github.delivery_state import Deployment
from tracker_bridge.testing.fake_github.graphql_paging import Obj, connection, not_found
from tracker_bridge.testing.fake_github.projects import (
    Project,
    ProjectField,
    ProjectItem,
    completed,
    current_and_future,
)
from tracker_bridge.testing.fake_github.state import (
    GitHubState,
    Issue,
    Label,
    Repo,
    User,
    iso,
    node_id,
)

TYPENAMES = {
    "SINGLE_SELECT": "ProjectV2SingleSelectField",
    "ITERATION": "ProjectV2IterationField",
}


def _label(label: Label) -> Obj:
    return {
        "id": label.node_id,
        "name": label.name,
        "color": label.color,
        "description": label.description,
    }


TIMELINE_KINDS = frozenset({"labeled", "unlabeled"})
"""The timeline item types the fake serves (the ones our adapter asks for)."""

class Builder:
    """Builds the objects for one request (the base URL and `today` are fixed per request)."""

    def __init__(self, state: GitHubState, projects: list[Project], base: str, today: date) -> None:
        self.state = state
        self.projects = projects
        self.base = base
        self.today = today

    # -- owners and projects -----------------------------------------------------------
    def owner(self, person: User) -> Obj:
        kind = "organization" if person.kind == "Organization" else "user"
        mine = [p for p in self.projects if p.owner == person.login and p.owner_kind == kind]

        def project(info: Any, number: int) -> Obj:
            found = next((p for p in mine if p.number == number), None)
            if found is None:
                raise not_found(f"Could not resolve to a ProjectV2 with the number {number}.")
            return self.project(found)

        return {
            "__typename": "Organization" if kind == "organization" else "User",
            "id": person.node_id,
            "login": person.login,
            "name": person.name,
            "databaseId": person.id,
            "url": f"{self.base}/{person.login}",
            "projectV2": project,
            "projectsV2": lambda info, query=None, **page: connection(
                "projectsV2", mine, self.project, **page
            ),
        }

    def project(self, project: Project) -> Obj:
        segment = "orgs" if project.owner_kind == "organization" else "users"

        def field_named(info: Any, name: str) -> Obj | None:
            found = project.field_named(name)
            return self.field(project, found) if found else None

        return {
            "__typename": "ProjectV2",
            "id": project.id,
            "databaseId": project.database_id,
            "number": project.number,
            "title": project.title,
            "url": f"{self.base}/{segment}/{project.owner}/projects/{project.number}",
            "closed": False,
            "public": False,
            "shortDescription": None,
            "readme": None,
            "createdAt": iso(project.created_at),
            "updatedAt": iso(project.created_at),
            "owner": lambda info: self.owner(self.state.users[project.owner]),
            "field": field_named,
            "fields": lambda info, **page: connection(
                "fields", project.fields, lambda f: self.field(project, f), **page
            ),
            "items": lambda info, query=None, **page: connection(
                "items", project.items, lambda i: self.item(project, i), **page
            ),
        }

    def field(self, project: Project, found: ProjectField) -> Obj:
        def iteration(entry: Any) -> Obj:
            return {
                "id": entry.id,
                "title": entry.title,
                "titleHTML": entry.title,
                "startDate": entry.start_date.isoformat(),
                "duration": entry.duration,
            }

        made: Obj = {
            "__typename": TYPENAMES.get(found.data_type, "ProjectV2Field"),
            "id": found.id,
            "name": found.name,
            "dataType": found.data_type,
            "databaseId": found.database_id,
            "createdAt": iso(project.created_at),
            "updatedAt": iso(project.created_at),
            "project": lambda info: self.project(project),
        }
        if found.data_type == "SINGLE_SELECT":
            made["options"] = lambda info, names=None: [
                {
                    "id": o.id,
                    "name": o.name,
                    "nameHTML": o.name,
                    "color": o.color,
                    "description": "",
                    "descriptionHTML": "",
                }
                for o in found.options
                if names is None or o.name in names
            ]
        if found.data_type == "ITERATION":
            made["configuration"] = {
                "duration": found.duration,
                "startDay": found.start_day,
                "iterations": [iteration(i) for i in current_and_future(found, self.today)],
                "completedIterations": [iteration(i) for i in completed(found, self.today)],
            }
        return made

    # -- items and values --------------------------------------------------------------
    def item(self, project: Project, item: ProjectItem) -> Obj:
        issue = self.state.issue_by_node(item.content_id)

        def by_name(info: Any, name: str) -> Obj | None:
            found = project.field_named(name)
            return self.value(project, item, found) if found else None

        def values(info: Any, **page: Any) -> Obj:
            present = [v for f in project.fields if (v := self.value(project, item, f))]
            return connection("fieldValues", present, lambda v: v, **page)

        return {
            "__typename": "ProjectV2Item",
            "id": item.id,
            "databaseId": item.database_id,
            "type": "REDACTED"
            if issue is None
            else ("PULL_REQUEST" if issue.is_pull_request else "ISSUE"),
            "isArchived": False,
            "createdAt": iso(item.created_at),
            "updatedAt": iso(item.updated_at),
            "project": lambda info: self.project(project),
            "content": self.content(issue) if issue is not None else None,
            "fieldValueByName": by_name,
            "fieldValues": values,
        }

    def value(self, project: Project, item: ProjectItem, found: ProjectField) -> Obj | None:
        issue = self.state.issue_by_node(item.content_id)
        raw = item.values.get(found.id)
        if found.data_type == "TITLE" and issue is not None:
            raw = issue.title
        if raw is None:
            return None
        common: Obj = {
            "id": node_id("PVTFSV", item.database_id * 64 + project.fields.index(found)),
            "databaseId": item.database_id,
            "createdAt": iso(item.created_at),
            # When this value was set (GitHub's field value `updatedAt`), not the item's.
            "updatedAt": iso(item.value_times.get(found.id, item.updated_at)),
            "field": self.field(project, found),
            "item": lambda info: self.item(project, item),
        }
        if found.data_type == "SINGLE_SELECT":
            option = found.option(str(raw))
            if option is None:
                return None
            return {
                **common,
                "__typename": "ProjectV2ItemFieldSingleSelectValue",
                "name": option.name,
                "nameHTML": option.name,
                "optionId": option.id,
                "color": option.color,
                "description": "",
            }
        if found.data_type == "ITERATION":
            entry = found.iteration(str(raw))
            if entry is None:
                return None
            return {
                **common,
                "__typename": "ProjectV2ItemFieldIterationValue",
                "iterationId": entry.id,
                "title": entry.title,
                "titleHTML": entry.title,
                "startDate": entry.start_date.isoformat(),
                "duration": entry.duration,
            }
        if found.data_type == "NUMBER":
            return {**common, "__typename": "ProjectV2ItemFieldNumberValue", "number": raw}
        if found.data_type == "DATE":
            return {**common, "__typename": "ProjectV2ItemFieldDateValue", "date": raw}
        return {**common, "__typename": "ProjectV2ItemFieldTextValue", "text": raw}

    def repository(self, repo: Repo) -> Obj:
        owner = self.state.users[repo.owner]
        return {
            "__typename": "Repository",
            "id": repo.node_id,
            "databaseId": repo.id,
            "name": repo.name,
            "nameWithOwner": repo.full_name,
            "url": f"{self.base}/{repo.full_name}",
            "owner": {"id": owner.node_id, "login": owner.login},
            "issue": lambda info, number: (
                self.content(repo.issues[number]) if number in repo.issues else None
            ),
        }

    def deployment(self, found: Deployment) -> Obj:
        """A deployment as `node(id:)` gives it (GitHub's `Deployment`, the fields we serve)."""
        latest = found.statuses[-1] if found.statuses else None
        status = None
        if latest is not None:
            status = {
                "__typename": "DeploymentStatus",
                "id": latest.node_id,
                "state": latest.state.upper(),
                "description": latest.description,
                "environment": latest.environment,
                "createdAt": iso(latest.created_at),
                "updatedAt": iso(latest.created_at),
            }
        return {
            "__typename": "Deployment",
            "id": found.node_id,
            "databaseId": found.id,
            "commitOid": found.sha,
            "environment": found.environment,
            "originalEnvironment": found.environment,
            "task": found.task,
            "createdAt": iso(found.created_at),
            "updatedAt": iso(found.updated_at),
            "state": status["state"] if status else "PENDING",
            "latestStatus": status,
        }

    def milestone(self, repo: Repo, number: int | None) -> Obj | None:
        stone = repo.milestones.get(number) if number is not None else None
        if stone is None:
            return None
        return {
            "id": stone.node_id,
            "number": stone.number,
            "title": stone.title,
            "state": stone.state.upper(),
            "dueOn": iso(stone.due_on),
            "description": stone.description,
        }

    def issue_type(self, name: str | None) -> Obj | None:
        found = self.state.issue_types.get(name.lower()) if name else None
        if found is None:
            return None
        return {"id": found.node_id, "name": found.name, "description": found.description,
                "isEnabled": True}

    def content(self, issue: Issue) -> Obj:
        repo = self.state.repos[issue.repo.lower()]
        kind = "pull" if issue.is_pull_request else "issues"
        made: Obj = {
            "__typename": "PullRequest" if issue.is_pull_request else "Issue",
            "id": issue.node_id,
            "databaseId": issue.id,
            "number": issue.number,
            "title": issue.title,
            "body": issue.body or "",
            "state": issue.state.upper(),
            "closed": issue.state == "closed",
            "url": f"{self.base}/{repo.full_name}/{kind}/{issue.number}",
            "createdAt": iso(issue.created_at),
            "updatedAt": iso(issue.updated_at),
            "closedAt": iso(issue.closed_at),
            "repository": self.repository(repo),
            "merged": False,
            "author": self.owner(self.state.users[issue.user]),
            "milestone": self.milestone(repo, issue.milestone),
            "parent": lambda info: (
                self.content(self.state.issues_by_id[issue.parent_id])
                if issue.parent_id is not None else None
            ),
            "issueType": self.issue_type(issue.type),
            "assignees": lambda info, **page: connection(
                "assignees",
                issue.assignees,
                lambda login: self.owner(self.state.users[login]),
                **page,
            ),
            "labels": lambda info, **page: connection(
                "labels", [repo.labels[n.lower()] for n in issue.labels], _label, **page
            ),
        }
        made["timelineItems"] = lambda info, **args: self.timeline(repo, issue, **args)
        made["projectItems"] = lambda info, includeArchived=True, **page: connection(
            "projectItems",
            [(p, i) for p in self.projects for i in p.items if i.content_id == issue.node_id],
            lambda pair: self.item(*pair),
            **page,
        )
        return made

    def timeline(
        self,
        repo: Repo,
        issue: Issue,
        itemTypes: list[str] | None = None,
        since: str | None = None,
        skip: int | None = None,
        **page: Any,
    ) -> Obj:
        """Label events, oldest first, filtered by type and time as GitHub filters them: the
        `labeled`/`unlabeled` entries of the issue's one event log (REST reads it too)."""
        wanted = {t.removesuffix("_EVENT").lower() for t in itemTypes or ()} or TIMELINE_KINDS
        events = [e for e in issue.events if e["event"] in wanted & TIMELINE_KINDS]
        if since:
            events = [e for e in events if (iso(e["at"]) or "") >= since]
        events = events[skip or 0 :]

        def build(event: dict[str, Any]) -> Obj:
            name, actor = str(event["label"]), str(event["actor"])
            label = repo.labels.get(name.lower())
            labeled = event["event"] == "labeled"
            return {
                "__typename": "LabeledEvent" if labeled else "UnlabeledEvent",
                "id": node_id("LE" if labeled else "UNLE", int(event["id"])),
                "createdAt": iso(event["at"]),
                "actor": self.owner(self.state.users[actor]) if actor in self.state.users
                else None,
                "label": _label(label) if label is not None else
                {"id": "", "name": name, "color": "ededed", "description": None},
            }

        made = connection("timelineItems", events, build, **page)
        made["filteredCount"] = len(events)
        made["updatedAt"] = iso(issue.updated_at)
        return made
