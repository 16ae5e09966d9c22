"""`doctor`: check the mapping against the live project with reads only (never a write)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker_bridge.tracker import AdapterError, DoctorCheck

from .client import JiraCallError
from .doctor_workflow import board_checks, status_checks, transition_checks

if TYPE_CHECKING:
    from .adapter import JiraAdapter

PERMISSIONS = (
    "BROWSE_PROJECTS",
    "CREATE_ISSUES",
    "EDIT_ISSUES",
    "TRANSITION_ISSUES",
    "ADD_COMMENTS",
    "SCHEDULE_ISSUES",
)


def run_doctor(adapter: JiraAdapter) -> list[DoctorCheck]:
    checks: list[DoctorCheck] = []
    steps: list[Callable[[JiraAdapter], list[DoctorCheck]]] = [
        _access,
        _issue_types,
        status_checks,
        transition_checks,
        _fields,
        board_checks,
        _permissions,
        _scope,
    ]
    for step in steps:
        try:
            checks += step(adapter)
        except (AdapterError, JiraCallError) as exc:
            name = step.__name__.strip("_").removesuffix("_checks")
            checks.append(DoctorCheck(name, "fail", str(exc)))
            if step is _access:
                break  # nothing else can be read
    return checks


def _access(adapter: JiraAdapter) -> list[DoctorCheck]:
    adapter.meta.time_zone()
    project = adapter.meta.project_json()
    where = "Cloud" if adapter.client.is_cloud else "Data Center"
    return [
        DoctorCheck("credentials", "ok", f"signed in to {adapter.url} ({where})"),
        DoctorCheck(f"project {adapter.project}", "ok", str(project.get("name", ""))),
    ]


def _issue_types(adapter: JiraAdapter) -> list[DoctorCheck]:
    schema = adapter.meta.schema()  # raises naming the mapping entry when a type is missing
    out = [
        DoctorCheck(f"kind {kind.value} -> issue type {name!r}", "ok")
        for kind, name in adapter.mapping.kinds.items()
        if not (kind.value == "spike" and schema.spike_uses_label)
    ]
    if schema.spike_uses_label:
        fallback = adapter.mapping.spike_fallback
        out.append(
            DoctorCheck(
                "kind spike",
                "warn",
                f"no Spike type: spikes become {fallback.issue_type} + label {fallback.label!r}",
                "add a Spike issue type to the project, or keep the fallback",
            )
        )
    return out


def _fields(adapter: JiraAdapter) -> list[DoctorCheck]:
    schema = adapter.meta.write_schema()
    out = [
        _present("story points", schema.points_field, "fields.story_points", warn=True),
        _present("sprint field", schema.sprint_field, "board / Jira Software", warn=True),
    ]
    link = schema.epic_link_field or "parent"
    out.append(DoctorCheck(f"epic link via {link}", "ok"))
    unknown = adapter.meta.epic_name_unknown
    if schema.epic_name_field and unknown:
        out.append(
            DoctorCheck(
                "Epic Name",
                "warn",
                f"cannot tell whether it is required ({unknown}): filled from the title anyway",
            )
        )
    elif schema.epic_name_field:
        out.append(DoctorCheck("Epic Name is required: filled from the title", "ok"))
    return out


def _present(what: str, field_id: str | None, entry: str, *, warn: bool) -> DoctorCheck:
    if field_id:
        return DoctorCheck(what, "ok", field_id)
    return DoctorCheck(what, "warn" if warn else "fail", "not found", f"mapping {entry}")


def _permissions(adapter: JiraAdapter) -> list[DoctorCheck]:
    try:
        answer = adapter.client.get(
            "mypermissions",
            {"projectKey": adapter.project, "permissions": ",".join(PERMISSIONS)},
        )
    except JiraCallError as exc:
        if exc.status != 404:
            raise
        return [DoctorCheck("permissions", "warn", "this server does not offer mypermissions")]
    granted = (answer or {}).get("permissions") or {}
    out = []
    for name in PERMISSIONS:
        have = bool((granted.get(name) or {}).get("havePermission"))
        out.append(
            DoctorCheck(
                f"permission {name}",
                "ok" if have else "fail",
                "" if have else "missing for this user",
                "" if have else "ask a Jira admin to grant it in the project's permission scheme",
            )
        )
    return out


def _scope(adapter: JiraAdapter) -> list[DoctorCheck]:
    """How many issues the target's scope holds, and how many are tracker-born (no marker)."""
    from .search import search
    from .translate import item_id_of

    issues = list(search(adapter.client, adapter.scope_query(), fields="labels"))
    unmarked = sum(
        1
        for issue in issues
        if item_id_of(adapter.mapping, (issue.get("fields") or {}).get("labels") or ()) is None
    )
    where = adapter.scope_jql or "the whole project"
    return [
        DoctorCheck(
            "scope",
            "ok",
            f"{len(issues)} issue(s) in scope ({where}), {unmarked} without a marker "
            "(tracker-born items)",
        )
    ]
