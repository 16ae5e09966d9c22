"""Jira's JSON for issues, users, projects, types, sprints: the shapes the `jira` library reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from . import custom_fields, versions
from .data import JiraData
from .standard_fields import render_standard, subtasks_by_parent
from .state import (
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTIONS,
    Issue,
    Project,
    Sprint,
    agile_time,
    jira_time,
)

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
_AVATARS = ("48x48", "24x24", "16x16", "32x32")


class Renderer:
    """Renders under the server lock; one instance per answer, so its caches stay fresh."""

    def __init__(self, data: JiraData, base: str) -> None:
        self.data = data
        self.base = base
        self._users: dict[str, dict[str, Any]] = {}

    @cached_property
    def subtasks(self) -> dict[str, list[Issue]]:
        return subtasks_by_parent(self.data)

    # -- small objects -------------------------------------------------------------------------
    def avatars(self, kind: str, ident: str) -> dict[str, str]:
        return {
            size: f"{self.base}/secure/{kind}avatar?size={size}&id={ident}" for size in _AVATARS
        }

    def user(self, name: str | None = None) -> dict[str, Any]:
        """A user object; a fresh copy, built once per answer (issues repeat the same people)."""
        name = name or self.data.username
        if name not in self._users:
            self._users[name] = self._user(name)
        return dict(self._users[name])

    def _user(self, name: str) -> dict[str, Any]:
        d = self.data
        email = d.email if name == d.username else f"{name}@example.com"
        user: dict[str, Any] = {"self": "", "emailAddress": email, "displayName": name}
        if d.flavour == "cloud":
            account = d.people[name]
            user["self"] = f"{self.base}/rest/api/2/user?accountId={account}"
            user["accountId"] = account
            user["accountType"] = "atlassian"
        else:
            user["self"] = f"{self.base}/rest/api/2/user?username={name}"
            user["name"] = name
            user["key"] = f"JIRAUSER{10000 + list(d.people).index(name)}"  # stable as users join
        user.update(avatarUrls=self.avatars("user", "1"), active=True, timeZone=d.user_timezone)
        return user

    def myself(self) -> dict[str, Any]:
        return {
            **self.user(),
            "locale": "en_US",
            "groups": {"size": 1, "items": []},
            "applicationRoles": {"size": 1, "items": []},
            "expand": "groups,applicationRoles",
        }

    def project(self, project: Project, issue_types: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": f"{self.base}/rest/api/2/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "avatarUrls": self.avatars("project", project.id),
            "projectTypeKey": "software",
        }
        if self.data.flavour == "cloud":
            out["simplified"] = False
            out["style"] = "classic"
        if issue_types:
            out["issueTypes"] = [self.issuetype(entry) for entry in ISSUE_TYPES]
        return out

    def issuetype(self, entry: tuple[str, str, bool]) -> dict[str, Any]:
        type_id, name, subtask = entry
        out: dict[str, Any] = {
            "self": f"{self.base}/rest/api/2/issuetype/{type_id}",
            "id": type_id,
            "description": f"A {name.lower()}.",
            "iconUrl": f"{self.base}/images/icons/issuetypes/{name.lower()}.svg",
            "name": name,
            "subtask": subtask,
            "avatarId": 10300 + int(type_id) % 100,
        }
        if self.data.flavour == "cloud":
            out["hierarchyLevel"] = 1 if name == "Epic" else (-1 if subtask else 0)
        return out

    def priority(self, pid: str) -> dict[str, Any]:
        name = dict(PRIORITIES)[pid]
        return {
            "self": f"{self.base}/rest/api/2/priority/{pid}",
            "iconUrl": f"{self.base}/images/icons/priorities/{name.lower()}.svg",
            "name": name,
            "id": pid,
        }

    def resolution(self, rid: str) -> dict[str, Any]:
        return {
            "self": f"{self.base}/rest/api/2/resolution/{rid}",
            "id": rid,
            "description": "",
            "name": dict(RESOLUTIONS)[rid],
        }

    def status(self, status_id: str) -> dict[str, Any]:
        return self.data.workflow.status(status_id).json(self.base)

    def sprint(self, sprint: Sprint) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": sprint.id,
            "self": f"{self.base}/rest/agile/1.0/sprint/{sprint.id}",
            "state": sprint.state,
            "name": sprint.name,
        }
        for key, moment in (
            ("startDate", sprint.start),
            ("endDate", sprint.end),
            ("completeDate", sprint.complete),
            ("createdDate", sprint.created),
        ):
            if moment is not None:
                out[key] = agile_time(moment)
        out["originBoardId"] = sprint.board_id
        if sprint.goal is not None:
            out["goal"] = sprint.goal
        return out

    def sprint_field(self, issue: Issue) -> list[Any] | None:
        if not issue.sprints:
            return None
        sprints = [self.data.sprints[s] for s in issue.sprints]
        if self.data.flavour == "cloud":
            return [
                {
                    "id": s.id,
                    "name": s.name,
                    "state": s.state,
                    "boardId": s.board_id,
                    "goal": s.goal or "",
                    **({"startDate": agile_time(s.start)} if s.start else {}),
                    **({"endDate": agile_time(s.end)} if s.end else {}),
                    **({"completeDate": agile_time(s.complete)} if s.complete else {}),
                }
                for s in sprints
            ]
        # Data Center still serialises sprints as GreenHopper's toString().
        return [
            f"com.atlassian.greenhopper.service.sprint.Sprint@{s.id:x}[id={s.id},"
            f"rapidViewId={s.board_id},state={s.state.upper()},name={s.name},"
            f"startDate={agile_time(s.start) if s.start else '<null>'},"
            f"endDate={agile_time(s.end) if s.end else '<null>'},"
            f"completeDate={agile_time(s.complete) if s.complete else '<null>'},"
            f"sequence={s.id},goal={s.goal or ''}]"
            for s in sprints
        ]

    def comment(self, issue: Issue, comment: dict[str, Any]) -> dict[str, Any]:
        return {
            "self": f"{self.base}/rest/api/2/issue/{issue.id}/comment/{comment['id']}",
            "id": comment["id"],
            "author": self.user(),
            "body": comment["body"],
            "updateAuthor": self.user(),
            "created": comment["created"],
            "updated": comment["updated"],
        }

    def history(self, history: dict[str, Any]) -> dict[str, Any]:
        return {**history, "author": self.user()}

    # -- issues --------------------------------------------------------------------------------
    def all_fields(self, issue: Issue) -> dict[str, Any]:
        d, c = self.data, self.data.custom
        v = issue.values
        fields: dict[str, Any] = {
            "summary": v.get("summary"),
            "description": v.get("description"),
            "issuetype": self.issuetype(d.issuetype({"id": issue.issuetype}) or ISSUE_TYPES[0]),
            "status": self.status(issue.status),
            "project": self.project(d.projects[issue.project]),
            "labels": list(v.get("labels") or []),
            "duedate": v.get("duedate"),
            "priority": self.priority(v.get("priority") or "3"),
            "assignee": self.user(v["assignee"]) if v.get("assignee") else None,
            "reporter": self.user(v["reporter"]) if v.get("reporter") else None,
            "creator": self.user(v.get("creator") or d.username),
            **{
                name: [versions.render(d.versions[i], self.base) for i in v.get(name) or []]
                for name in versions.VERSION_FIELDS
            },
            "components": [
                {"self": f"{self.base}/rest/api/2/component/{n}", "id": str(10000 + n), "name": c_}
                for n, c_ in enumerate(v.get("components") or [])
            ],
            "resolution": self.resolution(issue.resolution) if issue.resolution else None,
            "resolutiondate": jira_time(issue.resolutiondate) if issue.resolutiondate else None,
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            c.story_points: v.get(c.story_points),
            c.sprint: self.sprint_field(issue),
            c.rank: f"0|{issue.rank}:",
            "comment": {
                "comments": [self.comment(issue, cm) for cm in issue.comments],
                "self": f"{self.base}/rest/api/2/issue/{issue.id}/comment",
                "maxResults": len(issue.comments),
                "total": len(issue.comments),
                "startAt": 0,
            },
        }
        if issue.parent:
            fields["parent"] = self.issue_summary(d.issues[issue.parent])
        fields.update(render_standard(self, issue))
        if c.epic_link:
            fields[c.epic_link] = v.get(c.epic_link)
        if c.epic_name:
            fields[c.epic_name] = v.get(c.epic_name)
        for cf in d.custom_defs.values():
            fields[cf.id] = custom_fields.render(cf, v.get(cf.id), self.base, self.user)
        return fields

    def issue_summary(self, other: Issue) -> dict[str, Any]:
        """Another issue as `parent` and `subtasks` embed it."""
        return {
            "id": other.id,
            "key": other.key,
            "self": f"{self.base}/rest/api/2/issue/{other.id}",
            "fields": {
                "summary": other.values.get("summary"),
                "status": self.status(other.status),
                "priority": self.priority(other.values.get("priority") or "3"),
                "issuetype": self.issuetype(
                    self.data.issuetype({"id": other.issuetype}) or ISSUE_TYPES[0]
                ),
            },
        }

    def select(self, wanted: Sequence[str], default: str) -> set[str] | None:
        """The field ids a `fields` parameter asks for (None = all, including comment)."""
        names = [w.strip() for item in (wanted or [default]) for w in item.split(",") if w.strip()]
        chosen: set[str] = set()
        every = [f.id for f in self.data.fields]
        navigable = [f.id for f in self.data.fields if f.navigable]
        for name in names:
            if name == "*all":
                chosen.update(every)
            elif name == "*navigable":
                chosen.update(navigable)
            elif not name.startswith("-"):
                chosen.add(self._field_id(name))
        for name in names:
            if name.startswith("-"):
                chosen.discard(self._field_id(name[1:]))
        return chosen

    def _field_id(self, name: str) -> str:
        for f in self.data.fields:
            if name in (f.id, f.name) or name.lower() == f.name.lower():
                return f.id
        return name

    def issue(
        self,
        issue: Issue,
        fields: set[str] | None,
        *,
        properties: Iterable[str] = (),
        changelog: int | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "expand": ISSUE_EXPAND,
            "id": issue.id,
            "self": f"{self.base}/rest/api/2/issue/{issue.id}",
            "key": issue.key,
        }
        if fields is not None and fields <= {"id"}:
            return {"id": issue.id}  # Cloud /search/jql's default: ids only
        everything = self.all_fields(issue)
        out["fields"] = {
            k: value for k, value in everything.items() if fields is None or k in fields
        }
        keys = list(properties)
        if keys:
            wanted = (
                issue.properties if "*all" in keys else {k: issue.properties.get(k) for k in keys}
            )
            out["properties"] = {k: val for k, val in wanted.items() if val is not None}
        if changelog is not None:
            shown = issue.histories[-changelog:] if changelog else issue.histories
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(shown),
                "total": len(issue.histories),
                "histories": [self.history(h) for h in shown],
            }
        return out
