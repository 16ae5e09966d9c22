"""Pure pieces: workflow path finding, transition bodies, JQL quoting, the pull cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tracker_bridge.adapters.jira.search import Cursor, in_list, jql_time, quote
from tracker_bridge.adapters.jira.workflow import WorkflowGraph, transition_body


def _t(tid: str, to: str, name: str, required: bool = False) -> dict[str, object]:
    fields = {"resolution": {"required": True, "name": "Resolution"}} if required else {}
    return {"id": tid, "name": f"to {name}", "to": {"id": to, "name": name}, "fields": fields}


def test_path_over_learned_edges_and_frontier() -> None:
    graph = WorkflowGraph()
    graph.names["1"] = "Backlog"
    graph.learn("1", [_t("11", "2", "Selected for Development")])
    graph.learn("2", [_t("21", "3", "In Progress"), _t("22", "1", "Backlog")])
    path = graph.path("1", {"in progress"})
    assert [t.id for t in path or []] == ["11", "21"]
    # Status 3 was never read: it is the nearest place to learn more from.
    assert graph.path("1", {"done"}) is None
    assert [t.to_id for t in graph.path_to_unexplored("1") or []] == ["2", "3"]
    graph.forget("2")
    assert graph.path("1", {"in progress"}) is None


def test_required_fields_filled_from_mapping_or_reported() -> None:
    graph = WorkflowGraph()
    graph.learn("5", [_t("51", "6", "Done", required=True)])
    transition = graph.edges["5"][0]
    body, missing = transition_body(transition, {"resolution": "Done"})
    assert body == {"transition": {"id": "51"}, "fields": {"resolution": {"name": "Done"}}}
    assert missing == []
    _, missing = transition_body(transition, {})
    assert missing == ["Resolution"]


def test_screen_values_by_field_type_kept_and_logged() -> None:
    from tracker_bridge.adapters.jira.mapping import TransitionValue
    from tracker_bridge.adapters.jira.workflow import parse_transition

    screen = {
        "assignee": {"required": True, "name": "Assignee", "schema": {"type": "user"}},
        "customfield_1": {"required": True, "name": "Env", "schema": {"type": "option"}},
        "worklog": {"required": True, "name": "Log Work", "schema": {"type": "array"}},
    }
    transition = parse_transition({"id": "9", "to": {"id": "6", "name": "Done"}, "fields": screen})
    values = {
        "assignee": TransitionValue(keep="current", default="bot"),
        "Env": "prod",
        "worklog": TransitionValue(log_work="1m", comment="moved"),
    }
    current = {"assignee": {"name": "alice", "accountId": "acc-alice", "displayName": "A"}}
    body, missing = transition_body(transition, values, current, is_cloud=False)
    assert missing == []
    assert body == {
        "transition": {"id": "9"},
        "fields": {"assignee": {"name": "alice"}, "customfield_1": {"value": "prod"}},
        "update": {"worklog": [{"add": {"timeSpent": "1m", "comment": "moved"}}]},
    }
    body, _ = transition_body(transition, values, {"assignee": None}, is_cloud=True)
    assert body["fields"]["assignee"] == {"accountId": "bot"}  # nobody to keep: the default
    values["assignee"] = TransitionValue(keep="current")
    _, missing = transition_body(transition, values, {"assignee": None})
    assert missing == ["Assignee (the issue has none to keep)"]


def test_jql_values_are_quoted_and_escaped() -> None:
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert in_list(["tb-id:x", 'q"']) == '("tb-id:x", "q\\"")'
    # An instant (epoch milliseconds, unquoted), whatever zone the moment is written in.
    moment = datetime(2026, 1, 31, 23, 30, 59, tzinfo=UTC)
    assert jql_time(moment) == "1769902259000"
    assert jql_time(moment.astimezone(ZoneInfo("Europe/Berlin"))) == "1769902259000"


def test_cursor_remembers_pairs_in_the_overlap_window() -> None:
    t0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    u1, u2 = "2026-01-01T11:55:00.000+0000", "2026-01-01T12:00:00.000+0000"
    cursor = Cursor(None).advanced(
        [("A-1", u1, t0 - timedelta(minutes=5)), ("A-2", u2, t0)], timedelta(seconds=60)
    )
    assert cursor.since == t0
    assert cursor.seen == frozenset({("A-2", u2)})
    again = Cursor.decode(cursor.encode())
    assert again == cursor
    assert Cursor.decode("2026-01-01T12:00:00+00:00").since == t0
    assert Cursor.decode(None).since is None
    assert again.advanced([], timedelta(seconds=60)) == again
    # JQL has minutes: the next query starts at 11:59:00, so an issue at 11:59:10 is read
    # again and must be remembered, though it is more than the overlap before `since`.
    u3 = "2026-01-01T11:59:10.000+0000"
    later = Cursor(None).advanced([("A-3", u3, t0 - timedelta(seconds=50))], timedelta(0))
    assert later.advanced([], timedelta(seconds=60), t0 + timedelta(seconds=15)).seen == {
        ("A-3", u3)
    }
