"""`doctor`: the mapping checked against the live repository (and project), one check a line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker_bridge.adapters.github.doctor_delivery import delivery_checks
from tracker_bridge.adapters.github.labels import managed_labels
from tracker_bridge.tracker import AdapterError, DoctorCheck

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

NEEDED_SCOPES = {"repo", "public_repo"}


def run_doctor(adapter: GitHubAdapter) -> list[DoctorCheck]:
    checks: list[DoctorCheck] = []
    client, mapping = adapter.client, adapter.mapping
    try:
        reply = client.rest("GET", adapter.repo_path)
    except AdapterError as exc:
        return [DoctorCheck("token", "fail", str(exc), "set a valid token for this tracker")]
    if reply.status != 200:
        return [DoctorCheck(f"repository {adapter.full_name}", "fail", adapter.missing,
                            f"fix the tracker id ({adapter.tracker})")]
    checks.append(DoctorCheck(f"repository {adapter.full_name}", "ok"))
    checks.append(_scopes(client.scopes, projects=mapping.mode == "projects"))
    labels = client.rest("GET", f"{adapter.repo_path}/labels", params={"per_page": 100})
    have = {str(label["name"]).casefold() for label in labels.data or []}
    for name in managed_labels(mapping):
        if name in have:
            checks.append(DoctorCheck(f"label {name!r}", "ok"))
        else:
            checks.append(DoctorCheck(f"label {name!r}", "warn", "missing; made on next sync"))
    if mapping.sprint_mode == "milestone":
        stones = client.rest("GET", f"{adapter.repo_path}/milestones",
                             params={"state": "all", "per_page": 100})
        checks.append(DoctorCheck("milestones", "ok", f"{len(stones.data or [])} found"))
    if mapping.issue_types:
        types = client.rest("GET", f"{adapter.repo_path}/issue-types")
        if types.status == 200:
            known = {str(t["name"]) for t in types.data or []}
            for kind, name in mapping.issue_types.items():
                ok = name in known
                checks.append(DoctorCheck(
                    f"kind {kind.value} -> issue type {name!r}", "ok" if ok else "fail",
                    "" if ok else "the repository has no such issue type",
                    "" if ok else f"issue_types.{kind.value}"))
        else:
            checks.append(DoctorCheck("issue types", "warn", "not available; labels only",
                                      "issue_types (leave empty)"))
    if adapter.project is not None:
        checks += _project(adapter)
    checks += delivery_checks(adapter)
    checks.append(_scope(adapter))
    return checks


def _scope(adapter: GitHubAdapter) -> DoctorCheck:
    """How many issues the target's scope holds, and how many are tracker-born (no marker)."""
    from tracker_bridge.adapters.github import body as bodies
    from tracker_bridge.adapters.github.reading import list_issues

    listing = list_issues(adapter.client, adapter.repo_path, {"state": "all"},
                          missing=adapter.missing)
    scoped = [raw for raw in listing.issues if adapter.scope.contains(raw)]
    unmarked = sum(1 for raw in scoped if bodies.parse(raw.get("body")).item_id is None)
    filters = [*(f"label {name!r}" for name in adapter.scope.labels)]
    if adapter.scope.milestone is not None:
        filters.append(f"milestone {adapter.scope.milestone!r}")
    where = " and ".join(filters) or "the whole repository"
    return DoctorCheck("scope", "ok", f"{len(scoped)} issue(s) in scope ({where}), {unmarked} "
                       "without a marker (tracker-born items)")


def _scopes(scopes: str | None, *, projects: bool) -> DoctorCheck:
    if scopes is None:
        return DoctorCheck("token scopes", "warn", "no x-oauth-scopes header (fine-grained or "
                           "app token): check Issues (and Projects) read/write permissions")
    have = {s.strip() for s in scopes.split(",") if s.strip()}
    missing = [] if have & NEEDED_SCOPES else ["repo"]
    if projects and not have & {"project"}:
        missing.append("project")
    if missing:
        return DoctorCheck("token scopes", "fail", f"has {sorted(have)}; missing {missing}",
                           "create a token with those scopes")
    return DoctorCheck("token scopes", "ok", ", ".join(sorted(have)))


def _project(adapter: GitHubAdapter) -> list[DoctorCheck]:
    board, mapping = adapter.project, adapter.mapping
    assert board is not None
    try:
        schema = board.schema()
    except AdapterError as exc:
        coarse = _coarse_board(adapter)
        return [coarse] if coarse else [
            DoctorCheck(board.where, "fail", str(exc), "project.* in the mapping")]
    checks = [DoctorCheck(f"{board.where} ({schema.title})", "ok")]
    for stage, option in mapping.project.status_options.items():
        checks.append(DoctorCheck(f"stage {stage.value} -> status {option!r}", "ok"))
    for option in dict.fromkeys(mapping.project.status_options.values()):
        stages = mapping.stages_on(option)
        if len(stages) > 1:
            labels = ", ".join(repr(mapping.labels.stages[s]) for s in stages[1:])
            checks.append(DoctorCheck(
                f"status {option!r} carries {', '.join(s.value for s in stages)}", "ok",
                f"on its own it means {stages[0].value}; labels {labels} keep the others"))
    for name in (mapping.project.iteration_field, mapping.project.points_field):
        if name:
            checks.append(DoctorCheck(f"project field {name!r}", "ok"))
    iterations = schema.iterations(mapping.project.iteration_field)
    if mapping.sprint_mode == "iteration":
        starts = ", ".join(str(it["startDate"]) for it in iterations) or "none"
        checks.append(DoctorCheck("iterations", "ok" if iterations else "warn",
                                  f"start dates: {starts}"))
    return checks


def _coarse_board(adapter: GitHubAdapter) -> DoctorCheck | None:
    """A Status field with fewer options than the mapping asks for, none of it a typo: the
    board is coarse, and `mapping init` writes a mapping that shares its options."""
    board, mapping = adapter.project, adapter.mapping
    assert board is not None
    try:
        options = board.status_option_names()
    except AdapterError:
        return None
    wanted = {o.casefold() for o in mapping.project.status_options.values()}
    if options is None or len(options) >= len(wanted):
        return None
    field = mapping.project.status_field
    return DoctorCheck(
        f"{board.where} field {field!r}", "fail",
        f"a coarse board: {len(options)} options ({', '.join(options)}) for the mapping's "
        f"{len(wanted)}",
        f"run `tracker-bridge mapping init -t {adapter.tracker} -o github.yaml`: it shares "
        "the options among the 8 stages, stage labels keep the finer stage (README, GitHub)")
