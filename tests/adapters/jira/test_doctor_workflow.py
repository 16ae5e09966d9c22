"""`doctor` on real workflows: coarse statuses, transition screens, board columns, sprints."""

from __future__ import annotations

from tracker_bridge.adapters.jira.mapping import load_mapping, parse_mapping
from tracker_bridge.testing import FaultRule
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.tracker import DoctorCheck

from .test_coarse import DC, STRICT, open_adapter


def by_subject(checks: list[DoctorCheck]) -> dict[str, DoctorCheck]:
    return {check.subject: check for check in checks}


def test_a_coarse_workflow_under_the_default_mapping_points_to_mapping_init() -> None:
    with FakeJira("datacenter", workflow="datacenter") as fake:
        checks = by_subject(open_adapter(fake, load_mapping()).doctor())
        coarse = checks["coarse workflow"]
        assert coarse.status == "fail"
        assert "5 statuses for 8 stages" in coarse.detail
        assert "tracker-bridge mapping init -t jira:TREND" in coarse.fix
        assert checks["stage sprint_backlog -> status 'Selected for Development'"].status == "fail"


def test_a_coarse_mapping_passes_and_names_the_labels() -> None:
    with FakeJira("datacenter", workflow="datacenter") as fake:
        checks = by_subject(open_adapter(fake, parse_mapping(DC, "dc.yaml")).doctor())
        assert checks["coarse workflow"].status == "ok"
        staging = checks["stage in_staging -> status 'In Review'"]
        assert staging.status == "ok" and "'stage:in-staging'" in staging.detail


def _spread(fake: FakeJira) -> None:
    """Issues standing in each status, as in a project in use."""
    for status in ("Open", "In Progress", "In Review", "Done"):
        key = fake.human_create("TREND", f"in {status}", "Story")
        fake.human_transition(key, status)


def test_each_transition_on_the_paths_reports_its_screen_and_coverage() -> None:
    with FakeJira("datacenter", workflow="datacenter-strict") as fake:
        _spread(fake)
        checks = by_subject(open_adapter(fake, parse_mapping(DC, "dc.yaml")).doctor())
        done = checks["Story: 'To Done' (In Review -> Done)"]
        assert done.status == "fail"
        assert done.detail == (
            "requires Resolution, Assignee, Log Work; transition_fields lacks Assignee, Log Work"
        )
        assert checks["Story: 'Start Progress' (Open -> In Progress)"].status == "ok"
        fixed = by_subject(open_adapter(fake, parse_mapping(STRICT, "dc.yaml")).doctor())
        assert fixed["Story: 'To Done' (In Review -> Done)"].status == "ok"


def test_statuses_nobody_stands_in_are_reported_unread_not_guessed() -> None:
    with FakeJira("datacenter", workflow="datacenter") as fake:
        fake.human_create("TREND", "fresh", "Story")
        checks = open_adapter(fake, parse_mapping(DC, "dc.yaml")).doctor()
        unread = [c for c in checks if c.subject.startswith("transitions of Story")]
        assert unread and unread[0].status == "warn"
        assert "In Progress" in unread[0].detail


def test_board_columns_are_related_to_stages_and_an_active_sprint_is_a_warning() -> None:
    with FakeJira("cloud", workflow="scrum") as fake:
        adapter = open_adapter(fake, parse_mapping(DC.replace("Open", "To Do"), "s.yaml"))
        checks = by_subject(adapter.doctor())
        column = checks["stage ready_for_prod -> board column"]
        assert column.status == "ok" and column.detail.startswith("'In Review'")
        assert checks["active sprint"].status == "ok"
        sprint = adapter.client.post(
            "sprint", {"name": "Team sprint 7", "originBoardId": 1}, agile=True
        )
        adapter.client.post(
            f"sprint/{sprint['id']}",
            {
                "state": "active",
                "startDate": "2026-01-05T09:00:00.000Z",
                "endDate": "2026-01-19T09:00:00.000Z",
            },
            agile=True,
        )
        active = by_subject(open_adapter(fake, adapter.mapping).doctor())["active sprint"]
        assert active.status == "warn" and "'Team sprint 7'" in active.detail


def test_epic_name_is_not_claimed_required_when_its_lookup_failed() -> None:
    with FakeJira("datacenter") as fake:
        fake.faults.add(FaultRule("error", status=404, path="createmeta/.*/issuetypes/"))
        checks = by_subject(open_adapter(fake, load_mapping()).doctor())
        assert "Epic Name is required: filled from the title" not in checks
        assert checks["Epic Name"].status == "warn"
        assert "createmeta answered 404" in checks["Epic Name"].detail


