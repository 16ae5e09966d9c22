"""`import` from an existing Jira project: its board's sprints (closed ones too), epics and
their children, points, labels, assignees, spikes; then `plan`, `seed` and a second seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.born.conftest import Runner
from tracker_bridge.model import Kind, SprintState, Stage
from tracker_bridge.roadmap import load_roadmap


def _midnight(days: int) -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


def test_a_jira_project_with_sprints_imports_binds_and_mirrors_once(run: Runner) -> None:
    sandbox = run.sandbox
    jira, key = sandbox.jira, sandbox.jira_project
    # Two weeks ago the team closed sprint 1; sprint 2 runs now; sprint 3 is planned.
    first = jira.human_create_sprint(key, "TREND Sprint 1", _midnight(-17), _midnight(-4))
    epic = jira.human_create(key, "Data platform", "Epic")
    backfill = jira.human_create(key, "Backfill job", "Task", parent={"key": epic})
    carried = jira.human_create(key, "Drift dashboard", "Story", parent={"key": epic})
    jira.human_move_to_sprint(first, [backfill, carried])
    jira.human_transition(backfill, "Done")
    jira.human_complete_sprint(first)
    second = jira.human_create_sprint(
        key, "TREND Sprint 2", _midnight(-3), _midnight(10), goal="Feature store live"
    )
    story = jira.human_create(
        key, "Feature store", "Story", parent={"key": epic}, labels=["ml"],
        assignee={"accountId": jira.account_id("alice")}, **{"Story point estimate": 3},
    )  # fmt: skip
    spike = jira.human_create(key, "Try a vector index", "Task", labels=["spike"])
    jira.human_move_to_sprint(second, [story, carried, spike])
    jira.human_transition(story, "In Progress")
    third = jira.human_create_sprint(
        key, "TREND Sprint 3", _midnight(11), _midnight(24), started=False
    )
    jira.human_move_to_sprint(third, [jira.human_create(key, "Retrain weekly", "Story")])
    bug = jira.human_create(key, "Drift alert fires twice", "Bug")
    imported = sandbox.directory / "imported.yaml"

    code, _out, err = run("import", "-t", sandbox.jira_tracker, "-o", str(imported))
    assert code == 0, err
    assert "7 issue(s)" in err and "3 sprint(s)" in err, err
    code, out, err = run("validate", str(imported))
    assert code == 0, out + err

    roadmap = load_roadmap(imported).roadmap
    assert roadmap.cadence.sprint_length_days == 14
    assert roadmap.cadence.first_sprint_start == _midnight(-17).date()
    assert str(roadmap.cadence.timezone) == "UTC"
    sprints = {sprint.id: sprint for sprint in roadmap.sprints}
    assert [(s.name, s.state) for s in roadmap.sprints] == [
        ("TREND Sprint 1", SprintState.CLOSED),
        ("TREND Sprint 2", SprintState.ACTIVE),
        ("TREND Sprint 3", SprintState.FUTURE),
    ]
    assert sprints["s2"].goal == "Feature store live"
    assert (sprints["s2"].start, sprints["s2"].end) == (_midnight(-3).date(), _midnight(10).date())
    assert [s.adopt for s in roadmap.sprints] == [
        (f"jira:{key}/sprint/{first}",), (f"jira:{key}/sprint/{second}",),
        (f"jira:{key}/sprint/{third}",),
    ]  # fmt: skip
    items = roadmap.item_by_id()

    def item(issue: str) -> tuple[object, ...]:
        found = items[f"jira-{issue.lower()}"]
        return found.kind, found.stage, found.sprint, found.parent, found.adopt

    epic_id = f"jira-{epic.lower()}"
    assert item(backfill) == (Kind.TASK, Stage.DONE, "s1", epic_id, (f"jira:{backfill}",))
    assert item(carried)[2] == "s2"  # carried over: its open sprint
    assert item(story) == (Kind.STORY, Stage.IN_PROGRESS, "s2", epic_id, (f"jira:{story}",))
    feature = items[f"jira-{story.lower()}"]
    assert (feature.points, feature.labels, feature.assignee) == (3, ("ml",), "alice")
    assert items[f"jira-{spike.lower()}"].kind is Kind.SPIKE
    assert items[f"jira-{spike.lower()}"].timebox is not None
    assert item(bug)[2:4] == (None, None)

    plan = run.json("plan", str(imported), "--project", "trending-now")
    on_jira = [a for a in plan["plan"]["actions"] if a["tracker"] == sandbox.jira_tracker]
    assert {a["op"] for a in on_jira} <= {"mark", "ensure_sprint"}
    assert sum(a["op"] == "mark" for a in on_jira) == 7
    assert all(a["exists"] for a in on_jira if a["op"] == "ensure_sprint")

    boards_before = {i: (s.name, s.start, s.end, s.state) for i, s in jira.data.sprints.items()}
    before = sandbox.counts()
    code, _out, err = run("seed", str(imported), "--yes", "--project", "trending-now")
    assert code == 0, err
    after = sandbox.counts()
    assert after[sandbox.jira_tracker] == before[sandbox.jira_tracker]
    assert after[sandbox.github_tracker] == before[sandbox.github_tracker] + 7
    with jira.lock:
        boards_after = {i: (s.name, s.start, s.end, s.state) for i, s in jira.data.sprints.items()}
    assert boards_after == boards_before  # bound as they are: none created, none changed
    milestones = {m["title"]: m["state"] for m in sandbox.github.milestones(sandbox.github_repo)}
    assert milestones == {
        "TREND Sprint 1": "closed", "TREND Sprint 2": "open", "TREND Sprint 3": "open"
    }  # fmt: skip
    mirrored = {i["title"]: i for i in sandbox.github.issues(sandbox.github_repo)}
    assert mirrored["Feature store"]["milestone"]["title"] == "TREND Sprint 2"
    assert mirrored["Backfill job"]["milestone"]["title"] == "TREND Sprint 1"

    again = run.json("seed", str(imported), "--yes", "--project", "trending-now")
    assert again["plan"]["actions"] == []
