"""Jira-specific behaviour beyond the contract: request budgets, errors, fallbacks, markers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.contract import sample_items
from tests.adapters.jira.conftest import PROJECT, JiraFake
from tracker_bridge.adapters.jira import JiraAdapter, factory
from tracker_bridge.adapters.jira.search import Cursor
from tracker_bridge.mappings import default_mapping
from tracker_bridge.model import Kind, RemoteRef, Sprint, SprintState, Stage, Track, WorkItem
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.tracker import AdapterError, NewItem


def _mapping(tmp_path: Path, old: str, new: str) -> Path:
    text = default_mapping("jira").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "jira.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _open(jf: JiraFake, mapping_path: Path | None = None, **options: Any) -> JiraAdapter:
    settings = jf.settings(**options)
    return factory.open(f"jira:{PROJECT}", settings=settings, mapping_path=mapping_path)


def _create(adapter: JiraAdapter, items: list[WorkItem]) -> dict[str, RemoteRef]:
    refs: dict[str, RemoteRef] = {}
    results = adapter.create_items([NewItem(i) for i in items], refs.__setitem__)
    assert all(r.ok for r in results), [r.error for r in results]
    return refs


def test_a_create_costs_one_request_after_metadata(jira_fake: JiraFake) -> None:
    adapter = jira_fake.open_adapter()
    assert adapter.requests_sent == 0  # serverInfo and metadata wait until needed
    _create(adapter, sample_items("a")[:1])
    warm = adapter.requests_sent
    items = [WorkItem(id=f"t-{i}", kind=Kind.TASK, title=f"T {i}") for i in range(120)]
    _create(adapter, items)
    assert adapter.requests_sent - warm == 3  # ceil(120 / 50) bulk creates, nothing else
    assert jira_fake.fake.stats.by_route["POST /rest/api/2/issue"] == 0


def test_single_creates_when_the_server_has_no_bulk(jira_fake: JiraFake) -> None:
    jira_fake.fake.faults.add(FaultRule(kind="error", status=404, path=r"/issue/bulk$"))
    adapter = jira_fake.open_adapter()
    items = [*sample_items("b")[:1], WorkItem(id="b.t", kind=Kind.TASK, title="T")]
    refs = _create(adapter, items)
    assert set(refs) == {"b.epic", "b.t"}
    _create(adapter, [WorkItem(id="b.u", kind=Kind.TASK, title="U")])
    assert jira_fake.fake.stats.by_route["POST /rest/api/2/issue/bulk"] == 1  # learned once


def test_marker_labels_and_optional_property(jira_fake: JiraFake, tmp_path: Path) -> None:
    path = _mapping(tmp_path, "issue_property: false", "issue_property: true")
    adapter = _open(jira_fake, path)
    refs = _create(adapter, [sample_items("m")[2]])
    raw = jira_fake.fake.issue_json(refs["m.spike"].key)
    assert "tb-id:m.spike" in raw["fields"]["labels"]
    assert "spike" in raw["fields"]["labels"]  # the fake has no Spike type: Task + label
    assert raw["properties"]["tracker-bridge"] == {"id": "m.spike", "version": 1}
    found = adapter.find_by_marker(["m.spike"])["m.spike"]
    assert found.values["kind"] == "spike"
    assert found.values["labels"] == ()


def test_unknown_issue_type_names_the_mapping_entry(jira_fake: JiraFake, tmp_path: Path) -> None:
    adapter = _open(jira_fake, _mapping(tmp_path, "bug: Bug", "bug: Defect"))
    with pytest.raises(AdapterError, match=r"'Defect' \(mapping kinds.bug\)"):
        adapter.create_items([NewItem(sample_items()[0])], lambda i, r: None)


def test_field_not_on_screen_names_the_mapping_entry(jira_fake: JiraFake, tmp_path: Path) -> None:
    adapter = _open(jira_fake, _mapping(tmp_path, "story_points: auto", "story_points: Rank"))
    item = WorkItem(id="s.x", kind=Kind.STORY, title="x", points=3)
    [result] = adapter.create_items([NewItem(item)], lambda i, r: None)
    assert result.error and "not on the appropriate screen" in result.error
    assert "mapping fields.story_points" in result.error


def test_unreachable_stage_names_mapping_and_transition(tmp_path: Path) -> None:
    workflow = {
        "statuses": [
            {"name": "Backlog", "category": "new"},
            {"name": "In Progress", "category": "indeterminate"},
            {"name": "Done", "category": "done"},
        ],
        "transitions": [{"name": "Start", "from": ["Backlog"], "to": "In Progress"}],
    }
    with FakeJira("cloud", projects=(PROJECT,), workflow=workflow) as fake:
        adapter = JiraFake(fake).open_adapter()
        refs = _create(adapter, [WorkItem(id="w", kind=Kind.TASK, title="w")])
        with pytest.raises(AdapterError) as caught:
            adapter.move_stage(refs["w"], Stage.DONE)
        message = str(caught.value)
        assert "mapping stages.done" in message and "'In Progress'" in message


def test_rate_limit_waits_are_capped_by_option(jira_fake: JiraFake) -> None:
    waits: list[float] = []
    adapter = jira_fake.open_adapter(sleep=waits.append, rate_limit_max_wait=0.5)
    jira_fake.fake.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=30, count=3))
    refs = _create(adapter, sample_items("r")[:1])
    assert waits == [0.5, 0.5, 0.5] and refs


@pytest.mark.parametrize(
    ("zone", "changed_to"),
    [("Pacific/Kiritimati", "Pacific/Pago_Pago"), ("America/Los_Angeles", "Asia/Tokyo")],
)
def test_incremental_pull_holds_when_the_profile_time_zone_changes(
    zone: str, changed_to: str
) -> None:
    """JQL reads "yyyy-MM-dd HH:mm" in the user's profile zone, which the user may change
    between nights (here by 25 and 17 hours): the pull's window is an instant instead."""
    with FakeJira("datacenter", projects=(PROJECT,), user_timezone=zone) as fake:
        jf = JiraFake(fake)
        adapter = jf.open_adapter()
        refs = _create(adapter, [WorkItem(id=f"z{i}", kind=Kind.TASK, title="z") for i in range(3)])
        cursor = adapter.pull(None).cursor
        fake.data.user_timezone = changed_to  # the user edits their Jira profile
        fake.clock.advance(3600)
        jf.human_edit_title(refs["z1"], "changed")
        fresh = jf.open_adapter()
        pulled = fresh.pull(cursor)
        assert [item.item_id for item in pulled.items] == ["z1"]
        assert fresh.pull(pulled.cursor).items == []
        assert fake.stats.by_route["GET /rest/api/2/myself"] == 0


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_a_quiet_pull_is_one_search(flavour: str) -> None:
    """The cursor keeps what serverInfo said about the site: a later night's pull, with a
    fresh adapter, sends only its search; a cursor from another site asks again."""
    with FakeJira(flavour, projects=(PROJECT,)) as fake:
        jf = JiraFake(fake)
        adapter = jf.open_adapter()
        _create(adapter, [WorkItem(id="q", kind=Kind.TASK, title="q")])
        cursor = adapter.pull(None).cursor
        fake.clock.advance(12 * 3600)
        quiet = jf.open_adapter()
        pulled = quiet.pull(cursor)
        assert pulled.items == [] and quiet.requests_sent == 1
        # The window moves to the pull's start on the server's clock (its `Date`), not to the
        # last edit 12 hours before: the next quiet night re-reads nothing.
        since = Cursor.decode(pulled.cursor).since
        assert since is not None and fake.clock.now() - since < timedelta(seconds=5)
        assert cursor is not None
        moved = cursor.replace(fake.url, "https://old.example.net")
        other = jf.open_adapter()
        other.pull(moved)
        assert other.requests_sent == 2 and other.client.is_cloud == (flavour == "cloud")


def test_doctor_reads_only(jira_fake: JiraFake) -> None:
    adapter = jira_fake.open_adapter()
    checks = adapter.doctor()
    stats = jira_fake.fake.stats.by_method
    assert set(stats) == {"GET"}
    subjects = {check.subject: check for check in checks}
    assert subjects["credentials"].status == "ok"
    assert subjects["kind spike"].status == "warn"
    column = subjects["stage in_progress -> board column"]
    assert column.status == "ok" and column.detail.startswith("'In Progress'")
    stages = [c for c in checks if c.subject.startswith("stage ") and "-> status" in c.subject]
    assert len(stages) == len(Stage) and all(c.status == "ok" for c in stages)


def test_field_owners_come_from_the_mapping(jira_fake: JiraFake, tmp_path: Path) -> None:
    adapter = _open(jira_fake, _mapping(tmp_path, "  assignee: tracker", "  assignee: roadmap"))
    owners = adapter.field_owners()
    assert owners["assignee"] == "roadmap" and owners["stage"] == "tracker"


def test_track_as_component_round_trips(jira_fake: JiraFake, tmp_path: Path) -> None:
    path = _mapping(tmp_path, "as: label             # label | component", "as: component")
    adapter = _open(jira_fake, path)
    item = WorkItem(id="tc", kind=Kind.STORY, title="c", track=Track.RESEARCH, labels=("x",))
    refs = _create(adapter, [item])
    raw = jira_fake.fake.issue_json(refs["tc"].key)["fields"]
    assert [c["name"] for c in raw["components"]] == ["track-research"]
    assert "track-research" not in raw["labels"]
    found = adapter.find_by_marker(["tc"])["tc"].values
    assert found["track"] == "research" and found["labels"] == ("x",)


def test_sprints_use_partial_posts_and_batches_of_50(jira_fake: JiraFake) -> None:
    adapter = jira_fake.open_adapter()
    items = [WorkItem(id=f"sp-{i}", kind=Kind.TASK, title="t") for i in range(120)]
    refs = _create(adapter, items)
    sprint = Sprint(id="s9", name="S9", start=date(2026, 3, 2), end=date(2026, 3, 16))
    remote_id = adapter.ensure_sprint(sprint, None)
    moved = jira_fake.fake.stats.by_route["POST /rest/agile/1.0/sprint/{sprint}/issue"]
    results = adapter.assign_sprint(remote_id, list(refs.values()))
    assert all(r.ok and r.values == {"sprint": "s9"} for r in results)
    after = jira_fake.fake.stats.by_route["POST /rest/agile/1.0/sprint/{sprint}/issue"]
    assert after - moved == 3
    changed = sprint.model_copy(update={"goal": "new goal", "state": SprintState.ACTIVE})
    assert adapter.ensure_sprint(changed, remote_id) == remote_id
    assert adapter.ensure_sprint(changed, remote_id) == remote_id  # no change: one GET
    assert jira_fake.fake.stats.by_route["PUT /rest/agile/1.0/sprint/{sprint}"] == 0
    with pytest.raises(AdapterError, match="cannot go back"):
        adapter.ensure_sprint(sprint, remote_id)
    backlog = adapter.assign_sprint(None, list(refs.values())[:60])
    assert all(r.ok and r.values == {"sprint": None} for r in backlog)
    assert jira_fake.fake.stats.by_route["POST /rest/agile/1.0/backlog/issue"] == 2


def test_fresh_adapter_finishes_a_human_started_issue(jira_fake: JiraFake) -> None:
    refs = _create(jira_fake.open_adapter(), [WorkItem(id="h", kind=Kind.STORY, title="h")])
    jira_fake.human_move(refs["h"], Stage.READY_FOR_PROD)
    fresh = jira_fake.open_adapter()
    assert fresh.move_stage(refs["h"], Stage.DONE).ok  # Release requires a resolution
    raw = jira_fake.fake.issue_json(refs["h"].key)["fields"]
    assert raw["status"]["name"] == "Done" and raw["resolution"]["name"] == "Done"
    assert fresh.move_stage(refs["h"], Stage.IN_PROGRESS).ok  # Reopen
