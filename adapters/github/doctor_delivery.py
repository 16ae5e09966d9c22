"""`doctor`: the mapping's `delivery:` section checked against the repository's deployment
environments. GitHub makes an environment at the first deployment that names it, so a mapped
name it lacks is a warning (maybe not deployed yet, maybe `production` where CI says `prod`),
never a failure; a repository environment the mapping does not name moves nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker_bridge.tracker import AdapterError, DoctorCheck

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

PAGE = 100
MAX_PAGES = 10  # a thousand environments is more than any repository has
FIX = "delivery.environments"


def delivery_checks(adapter: GitHubAdapter) -> list[DoctorCheck]:
    section = adapter.mapping.delivery
    if not section.enabled:
        return [DoctorCheck("delivery", "ok", "off: pull requests and deployments move nothing")]
    rules = section.rules()
    checks: list[DoctorCheck] = []
    if section.release_published is not None and rules.release_stage is None:
        checks.append(DoctorCheck(
            "delivery release_published", "ok",
            f"not used: an environment already maps to {section.release_published.value}"))
    if not section.environments:
        return checks
    try:
        found = _environments(adapter)
    except AdapterError as exc:
        return [*checks, DoctorCheck("delivery environments", "warn", str(exc))]
    if found is None:
        return [*checks, DoctorCheck(
            "delivery environments", "warn",
            "the repository's environments cannot be read with this token",
            "give the token read access to the repository (fine-grained: Actions, read)")]
    names = {name.casefold(): name for name in found}
    listed = ", ".join(found) or "none yet"
    for name, stage in section.environments.items():
        if name.casefold() in names:
            checks.append(DoctorCheck(f"environment {name!r} -> {stage.value}", "ok"))
        else:
            checks.append(DoctorCheck(
                f"environment {name!r} -> {stage.value}", "warn",
                f"not on {adapter.full_name} yet (GitHub makes it at its first deployment); "
                f"the repository has: {listed}", FIX))
    mapped = {name.casefold() for name in section.environments}
    unmapped = [name for name in found if name.casefold() not in mapped]
    if unmapped:
        checks.append(DoctorCheck(
            "environments not in the mapping", "ok",
            f"deployments to {', '.join(unmapped)} move nothing"))
    return checks


def _environments(adapter: GitHubAdapter) -> list[str] | None:
    """The repository's environment names, oldest first; None when GitHub refuses them."""
    names: list[str] = []
    for page in range(1, MAX_PAGES + 1):
        reply = adapter.client.rest("GET", f"{adapter.repo_path}/environments",
                                    params={"per_page": PAGE, "page": page})
        if reply.status != 200:
            return None
        data: Any = reply.data or {}
        chunk = [str(e["name"]) for e in data.get("environments") or []]
        names += chunk
        if len(chunk) < PAGE or len(names) >= int(data.get("total_count") or 0):
            return names
    return names
