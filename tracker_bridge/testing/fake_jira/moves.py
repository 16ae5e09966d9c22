"""Deleting and moving issues, as a Jira administrator does in the UI.

A deleted issue is gone: its key and id answer 404 and no search finds it. A moved issue
keeps its id, gets the next key of its new project, and its old key still answers, with the
new key in the body (Jira keeps the old key as an alias), while a search of the old project no
longer lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .state import Project

if TYPE_CHECKING:
    from .app import FakeJira


def delete_issue(jira: FakeJira, key: str) -> None:
    with jira.lock:
        data = jira.data
        issue = data.issue(key)
        del data.issues[issue.key]
        for alias in [k for k, v in data.key_by_id.items() if v == issue.key]:
            del data.key_by_id[alias]


def move_issue(jira: FakeJira, key: str, project: str) -> str:
    """Move an issue to `project` (created on the fly if the fake lacks it); its new key."""
    with jira.lock:
        data = jira.data
        issue = data.issue(key)
        if project not in data.projects:
            data.projects[project] = Project(
                str(10000 + len(data.projects)), project, f"{project.title()} project"
            )
            data.next_number[project] = 1
        old_key = issue.key
        new_key = f"{project}-{data.next_number[project]}"
        data.next_number[project] += 1
        del data.issues[old_key]
        issue.key, issue.project = new_key, project
        data.issues[new_key] = issue
        data.key_by_id[issue.id] = new_key
        # Lookups resolve ids and old keys through the same table.
        for alias in [k for k, v in data.key_by_id.items() if v == old_key]:
            data.key_by_id[alias] = new_key
        data.key_by_id[old_key] = new_key
        moved = {"fieldtype": "jira", "from": None, "to": None}
        data.touch(
            issue,
            [
                {**moved, "field": "Key", "fromString": old_key, "toString": new_key},
                {**moved, "field": "project", "fromString": old_key.rsplit("-", 1)[0],
                 "toString": project},
            ],
        )
        return new_key
