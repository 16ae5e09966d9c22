"""Deleted, moved and transferred issues: found once, reported once, never written to again."""

from __future__ import annotations

from tracker_bridge.testing.fake_github.removals import delete_issue, transfer_issue
from tracker_bridge.testing.fake_jira import moves
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Runner

OTHER_REPO = "acme/platform"


def _retitle(sandbox: Sandbox, item_id: str, title: str) -> None:
    """The roadmap renames an item: a write planned on every tracker holding it."""
    text = sandbox.roadmap.read_text()
    old = {"infra.ci": "CI pipeline", "infra.repo": "Repository set-up"}[item_id]
    sandbox.roadmap.write_text(text.replace(f"title: {old}\n", f"title: {title}\n", 1))


def _unlinked(item_id: str, tracker: str, key: object) -> tuple[str, str, str]:
    """The skip a sync reports for an issue it found deleted (on_remote_delete = unlink)."""
    reason = f"{key} was deleted; unlinked, never written to again (on_remote_delete = unlink)"
    return (item_id, tracker, reason)


def _skips(result: dict[str, object]) -> list[tuple[str, str, str]]:
    summary = result["summary"]
    assert isinstance(summary, dict)
    return [(s["item_id"], s["tracker"], s["reason"]) for s in summary["skips"]]


def test_deleted_jira_and_transferred_github_issues_are_reported_once_and_left(
    seeded: Runner,
) -> None:
    sandbox = seeded.sandbox
    jira_key = sandbox.jira_key("infra.repo")
    jira_id = sandbox.jira.issue_json(jira_key)["id"]
    number = sandbox.github_number("infra.ci")
    moves.delete_issue(sandbox.jira, jira_key)
    new_number = transfer_issue(sandbox.github, sandbox.github_repo, number, OTHER_REPO)
    _retitle(sandbox, "infra.repo", "Repository set-up, with templates")
    _retitle(sandbox, "infra.ci", "CI pipeline on every push")
    counts = sandbox.counts()
    for fake in (sandbox.jira, sandbox.github):
        fake.stats.reset()

    first = seeded.json("sync", "--yes")
    assert first["summary"]["failures"] == []
    skips = _skips(first)
    assert _unlinked("infra.repo", sandbox.jira_tracker, jira_key) in skips
    [(_, _, transferred)] = [s for s in skips if s[:2] == ("infra.ci", sandbox.github_tracker)]
    assert transferred.startswith(f"{number} was transferred to ")
    assert transferred.split()[4].rstrip(";").endswith(f"/{OTHER_REPO}/issues/{new_number}")
    # The rename still reaches the issues that are live.
    github_titles = {i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert "Repository set-up, with templates" in github_titles
    ci = sandbox.jira.issue_json(sandbox.jira_key("infra.ci"))
    assert ci["fields"]["summary"] == "CI pipeline on every push"

    second = seeded.json("sync", "--yes")
    assert second["summary"]["failures"] == []
    assert [s for s in _skips(second) if s[0] in ("infra.repo", "infra.ci")] == []
    assert second["plan"]["actions"] == []
    assert sandbox.counts() == counts  # nothing recreated

    jira_paths = [p for m, p, _ in sandbox.jira.stats.log if jira_key in p or jira_id in p]
    github_paths = [
        (m, p) for m, p, _ in sandbox.github.stats.log
        if p.split("?")[0].endswith((f"/issues/{number}", f"{OTHER_REPO}/issues/{new_number}"))
    ]
    # One read each, when the first sync found them gone; never a write, nothing after.
    assert jira_paths == [f"/rest/api/2/issue/{jira_id}"] or all(
        "/issue/" in p for p in jira_paths
    ), jira_paths
    assert len(jira_paths) == 1, jira_paths
    assert [m for m, _ in github_paths] == ["GET", "GET"], github_paths  # 301, then followed


def test_recreate_policy_creates_a_deleted_issue_again_once(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    text = sandbox.config_path.read_text()
    sandbox.config_path.write_text(
        text.replace("[[projects]]\n", "[[projects]]\non_remote_delete = \"recreate\"\n", 1)
    )
    moves.delete_issue(sandbox.jira, sandbox.jira_key("infra.repo"))
    counts = sandbox.counts()

    first = seeded.json("sync", "--yes")
    assert first["summary"]["failures"] == []
    [reason] = [r for i, t, r in _skips(first) if i == "infra.repo"]
    assert reason.endswith("created again (on_remote_delete = recreate)")
    assert first["summary"]["created"] == 1
    assert sandbox.markers()[sandbox.jira_tracker]["infra.repo"] == 1

    second = seeded.json("sync", "--yes")
    assert second["plan"]["actions"] == [] and _skips(second) == []
    assert sandbox.counts()[sandbox.jira_tracker] == counts[sandbox.jira_tracker] + 1


def test_the_human_summary_names_a_deleted_issue(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    key = sandbox.jira_key("infra.repo")
    moves.delete_issue(sandbox.jira, key)
    code, out, err = seeded("sync", "--yes")
    assert code == 0, err
    [line] = [x for x in out.splitlines() if "infra.repo" in x]
    assert f"skipped infra.repo on {sandbox.jira_tracker}: {key} was deleted; unlinked" in line
    code, out, err = seeded("sync", "--yes")
    assert code == 0, err
    assert "infra.repo" not in out


def _next_night(sandbox: Sandbox) -> None:
    # Nights are hours apart: the chores leave the pull's overlap window, as they would.
    # (Back to back, within one second, the window would list them all again, and
    # whether it does hangs on where a second boundary falls.)
    sandbox.jira.clock.advance(12 * 3600)
    sandbox.github.clock.advance(12 * 3600)


def _settled(seeded: Runner) -> Sandbox:
    """A repository of three listing pages whose removal fingerprint is stored."""
    sandbox = seeded.sandbox
    for n in range(250):  # a listing of this repository would take three pages
        sandbox.github.human_create_issue(sandbox.github_repo, f"Chore {n}")
    _next_night(sandbox)
    seeded.json("sync", "--yes")  # the chores are pulled (tracker-born)
    sandbox.github.human_create_issue(sandbox.github_repo, "Team lunch")
    _next_night(sandbox)
    seeded.json("sync", "--yes")  # the first check lists everything and keeps a fingerprint
    _next_night(sandbox)
    return sandbox


def test_a_quiet_night_costs_one_request_for_pull_and_removal_check(seeded: Runner) -> None:
    sandbox = _settled(seeded)
    sandbox.github.stats.reset()
    quiet = seeded.json("sync", "--yes")  # a new issue was no removal: the fingerprint agrees
    assert quiet["plan"]["actions"] == []
    # One probe (the newest update, and the count): no listing, not even its 304, and no
    # fingerprint. The delivery read (README "Delivery drives the board") adds its own two
    # 304s: pull requests and deployments.
    log = list(sandbox.github.stats.log)
    delivery = [e for e in log if e[1].endswith(("/pulls", "/deployments"))]
    assert [e[2] for e in delivery] == [304, 304], log
    assert sandbox.github.stats.total - len(delivery) == 1, log

    number = sandbox.github_number("infra.repo")
    new_number = transfer_issue(sandbox.github, sandbox.github_repo, number, OTHER_REPO)
    found = seeded.json("sync", "--yes")
    [(_, _, reason)] = [s for s in _skips(found) if s[:2] == ("infra.repo", sandbox.github_tracker)]
    assert reason.startswith(f"{number} was transferred to ")
    assert f"{OTHER_REPO}/issues/{new_number}" in reason


def test_an_issue_deleted_on_a_quiet_looking_night_is_found(seeded: Runner) -> None:
    """Deleting an issue updates nothing that is left: the probe's count tells."""
    sandbox = _settled(seeded)
    seeded.json("sync", "--yes")  # quiet: the fingerprint now carries the probe's time
    _next_night(sandbox)
    number = sandbox.github_number("infra.repo")
    delete_issue(sandbox.github, sandbox.github_repo, number)
    found = seeded.json("sync", "--yes")
    assert _unlinked("infra.repo", sandbox.github_tracker, number) in _skips(found)


def test_an_issue_deleted_and_one_created_the_same_night_is_found(seeded: Runner) -> None:
    """The count is unchanged, but the newest number moved by one: the listing runs."""
    sandbox = _settled(seeded)
    seeded.json("sync", "--yes")
    _next_night(sandbox)
    number = sandbox.github_number("infra.repo")
    delete_issue(sandbox.github, sandbox.github_repo, number)
    sandbox.github.human_create_issue(sandbox.github_repo, "Offsite planning")
    found = seeded.json("sync", "--yes")
    assert _unlinked("infra.repo", sandbox.github_tracker, number) in _skips(found)
