"""Test helpers: act like a person in GitHub's UI (no HTTP, no rate limits), and inspect state.

Human edits go through the same validation as the REST API and bump `updated_at`, so the
next incremental pull (`since=`) sees them, exactly as it would see a real person's edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.testing.fake_github import render
from tracker_bridge.testing.fake_github.projects import FieldValue, Project, ProjectItem
from tracker_bridge.testing.fake_github.state import Comment, Issue, Repo, node_id
from tracker_bridge.testing.server import HTTPError

if TYPE_CHECKING:
    from tracker_bridge.testing.fake_github.server import FakeGitHub

HUMAN = "alice"


def _repo(gh: FakeGitHub, owner_repo: str) -> Repo:
    repo = gh.state.repo(owner_repo)
    if repo is None:
        raise KeyError(f"no repository {owner_repo!r} in the fake")
    return repo


def _issue(gh: FakeGitHub, owner_repo: str, number: int) -> Issue:
    found = _repo(gh, owner_repo).issues.get(number)
    if found is None:
        raise KeyError(f"no issue {owner_repo}#{number} in the fake")
    return found


def _apply(
    gh: FakeGitHub, repo: Repo, issue: Issue, changes: dict[str, Any], creating: bool
) -> None:
    gh.ctx.actor = HUMAN if HUMAN in gh.state.users else None  # the event log's actor
    try:
        gh.issue_routes.apply_changes(repo, issue, changes, creating=creating)
    except HTTPError as exc:  # a person would see the same validation message
        raise ValueError(f"GitHub would refuse {changes!r}: {exc.body}") from exc
    finally:
        gh.ctx.actor = None


def human_edit_issue(
    gh: FakeGitHub, owner_repo: str, number: int, changes: dict[str, Any]
) -> dict[str, Any]:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        issue = _issue(gh, owner_repo, number)
        _apply(gh, repo, issue, changes, creating=False)
        return render.issue(gh.url, gh.state, issue)


def human_create_issue(
    gh: FakeGitHub, owner_repo: str, title: str, fields: dict[str, Any]
) -> dict[str, Any]:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        now = gh.clock.now()
        issue_id = gh.ids.take()
        issue = Issue(
            id=issue_id,
            node_id=node_id("I", issue_id),
            repo=repo.full_name,
            number=repo.next_number,
            title=title,
            body=fields.pop("body", None),
            user=HUMAN if HUMAN in gh.state.users else gh.ctx.viewer,
            created_at=now,
            updated_at=now,
        )
        _apply(gh, repo, issue, fields, creating=True)
        repo.next_number += 1
        gh.state.add_issue(repo, issue)
        gh.ctx.actor = issue.user
        gh.ctx.log(issue)
        gh.ctx.actor = None
        return render.issue(gh.url, gh.state, issue)


def human_comment(gh: FakeGitHub, owner_repo: str, number: int, body: str) -> None:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        issue = _issue(gh, owner_repo, number)
        now = gh.clock.now()
        comment_id = gh.ids.take()
        author = HUMAN if HUMAN in gh.state.users else gh.ctx.viewer
        repo.comments.append(
            Comment(comment_id, node_id("IC", comment_id), number, body, author, now, now)
        )
        issue.comment_count += 1
        issue.updated_at = now


def comments(gh: FakeGitHub, owner_repo: str, number: int) -> list[dict[str, Any]]:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        return [
            render.comment(gh.url, gh.state, repo, c)
            for c in repo.comments
            if c.issue_number == number
        ]


def _project(gh: FakeGitHub, number: int, owner: str) -> Project:
    found = next((p for p in gh.projects if p.number == number and p.owner == owner), None)
    if found is None:
        raise KeyError(f"no project {owner}#{number} in the fake")
    return found


def human_set_field(
    gh: FakeGitHub, owner_repo: str, number: int, field_name: str, value: Any, project_number: int
) -> None:
    """Set a project field by what a person sees: option / iteration title, number, text."""
    with gh.lock:
        issue = _issue(gh, owner_repo, number)
        project = _project(gh, project_number, gh.owner)
        found = project.field_named(field_name)
        if found is None:
            raise KeyError(f"no field {field_name!r} in project {project.title!r}")
        item = project.item_for(issue.node_id)
        now = gh.clock.now()
        if item is None:  # a person can set a field from the issue page, adding the item
            item_db = gh.ids.take()
            item = ProjectItem(node_id("PVTI", item_db), item_db, issue.node_id, now, now)
            project.items.append(item)
        if found.data_type == "SINGLE_SELECT":
            option = next((o for o in found.options if o.name == value), None)
            if option is None:
                raise ValueError(f"{field_name!r} has no option {value!r}")
            raw: FieldValue | None = option.id
        elif found.data_type == "ITERATION":
            entry = next((i for i in found.iterations if i.title == value), None)
            if entry is None:
                raise ValueError(f"{field_name!r} has no iteration {value!r}")
            raw = entry.id
        elif value is None:
            raw = None
        else:
            raw = float(value) if found.data_type == "NUMBER" else str(value)
        item.set_value(found.id, raw, now)  # dates the value only when it changes
        item.updated_at = now


def issues(gh: FakeGitHub, owner_repo: str) -> list[dict[str, Any]]:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        return [
            render.issue(gh.url, gh.state, issue)
            for _, issue in sorted(repo.issues.items())
            if not issue.is_pull_request
        ]


def milestones(gh: FakeGitHub, owner_repo: str) -> list[dict[str, Any]]:
    with gh.lock:
        repo = _repo(gh, owner_repo)
        return [
            render.milestone(gh.url, gh.state, repo, stone)
            for _, stone in sorted(repo.milestones.items())
        ]


def project(gh: FakeGitHub, number: int, owner: str) -> dict[str, Any]:
    """A plain view of a project: fields (with options/iterations) and item values by name."""
    with gh.lock:
        found = _project(gh, number, owner)
        fields: dict[str, Any] = {}
        for f in found.fields:
            fields[f.name] = {"id": f.id, "type": f.data_type}
            if f.options:
                fields[f.name]["options"] = {o.name: o.id for o in f.options}
            if f.iterations:
                fields[f.name]["iterations"] = {
                    i.title: {"id": i.id, "start": i.start_date.isoformat(), "days": i.duration}
                    for i in f.iterations
                }
        items = []
        for item in found.items:
            issue = gh.state.issue_by_node(item.content_id)
            values: dict[str, Any] = {}
            for f in found.fields:
                raw = item.values.get(f.id)
                if raw is None:
                    continue
                if f.data_type == "SINGLE_SELECT":
                    raw = next((o.name for o in f.options if o.id == raw), raw)
                elif f.data_type == "ITERATION":
                    raw = next((i.title for i in f.iterations if i.id == raw), raw)
                values[f.name] = raw
            items.append(
                {
                    "id": item.id,
                    "issue": f"{issue.repo}#{issue.number}" if issue else None,
                    "values": values,
                }
            )
        return {
            "id": found.id,
            "title": found.title,
            "number": found.number,
            "fields": fields,
            "items": items,
        }
