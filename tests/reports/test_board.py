from __future__ import annotations

from datetime import timedelta

from tracker_bridge.model import BoardPolicy, Stage, Track
from tracker_bridge.reports.board import board_snapshot

from .scenario import NOW, at, events, items, move, roadmap, spike, story

POLICY = BoardPolicy(
    wip_limits={Stage.IN_PROGRESS: 2, Stage.IN_REVIEW: 3},
    wip_limits_per_track={Track.RESEARCH: {Stage.IN_PROGRESS: 1}},
)


def test_items_per_stage_and_track_without_epics() -> None:
    snap = board_snapshot(items(), roadmap(), NOW, events())
    assert [c.stage for c in snap.columns] == list(Stage)
    done = snap.column(Stage.DONE)
    assert done.count == 6 and done.per_track[Track.RESEARCH] == 1
    assert snap.per_track == {Track.ENGINEERING: 8, Track.RESEARCH: 2}
    assert snap.active_sprint is not None and snap.active_sprint.id == "s2"
    assert [x.id for x in snap.blocked] == ["b"]


def test_wip_breach_per_stage() -> None:
    work = {**items(), "x": story("x", 1, Stage.IN_PROGRESS)}
    snap = board_snapshot(work, roadmap(POLICY), NOW)
    [breach] = snap.breaches
    assert (breach.stage, breach.track, breach.count, breach.limit) == (
        Stage.IN_PROGRESS, None, 3, 2)
    assert breach.items == ("b", "sp2", "x")
    assert snap.column(Stage.IN_PROGRESS).limit == 2
    assert snap.column(Stage.IN_PROGRESS).track_limits == {Track.RESEARCH: 1}


def test_wip_breach_per_track() -> None:
    work = {**items(), "sp3": spike("sp3", stage=Stage.IN_PROGRESS)}
    snap = board_snapshot(work, roadmap(POLICY), NOW)
    assert [(b.stage, b.track, b.count, b.limit, b.items) for b in snap.breaches] == [
        (Stage.IN_PROGRESS, None, 3, 2, ("b", "sp2", "sp3")),
        (Stage.IN_PROGRESS, Track.RESEARCH, 2, 1, ("sp2", "sp3")),
    ]
    assert "in_progress (research): 2 > 1" in str(snap.breaches[1])


def test_no_breach_at_the_limit() -> None:
    assert board_snapshot(items(), roadmap(POLICY), NOW).breaches == ()


def test_ageing_uses_the_last_stage_change() -> None:
    evs = [*events(), move("b", at(8), "in_review", "in_progress")]
    snap = board_snapshot(items(), roadmap(), NOW + timedelta(days=2), evs, ageing_days=4)
    # sp2 has been in progress since 2 Nov; b came back on 8 Nov, so it is fresh again.
    assert [x.id for x in snap.ageing] == ["sp2"]
    assert snap.ageing[0].days_in_stage == 9.1


def test_board_json_round_trips() -> None:
    import json

    from tracker_bridge.reports.render_json import board_dict, to_json

    work = {**items(), "x": story("x", 1, Stage.IN_PROGRESS)}
    snap = board_snapshot(work, roadmap(POLICY), NOW, events())
    data = json.loads(to_json(snap))
    assert data == board_dict(snap)
    assert data["breaches"][0] == {
        "stage": "in_progress", "track": None, "count": 3, "limit": 2,
        "items": ["b", "sp2", "x"],
    }
    assert data["active_sprint"]["id"] == "s2"


def test_the_board_needs_only_the_stage_moves_of_cards_in_progress() -> None:
    # What `status` reads from the store: the same board as from the whole event log.
    from tracker_bridge.reports.board import BOARD_EVENT_KINDS, board_event_items

    evs = [*events(), move("b", at(8), "in_review", "in_progress")]
    wanted = set(board_event_items(items()))
    assert wanted and all(items()[i].stage.is_active for i in wanted)
    needed = [e for e in evs if e.item_id in wanted and e.kind in BOARD_EVENT_KINDS]
    assert len(needed) < len(evs)
    later = NOW + timedelta(days=2)
    whole = board_snapshot(items(), roadmap(), later, evs, ageing_days=4)
    assert board_snapshot(items(), roadmap(), later, needed, ageing_days=4) == whole
    assert whole.ageing  # the comparison covers ageing, which reads events


def test_the_board_from_the_histories_status_reads_is_the_same() -> None:
    # `status` hands the board the store's per-item histories (`Store.histories`), not a
    # flat list: same board, ageing included.
    from tracker_bridge.reports.board import BOARD_EVENT_KINDS, board_event_items
    from tracker_bridge.store import Store

    evs = [*events(), move("b", at(8), "in_review", "in_progress")]
    later = NOW + timedelta(days=2)
    with Store.open("sqlite://") as store:
        store.record_events("p", evs)
        history = store.histories("p", kinds=BOARD_EVENT_KINDS,
                                  item_ids=board_event_items(items()))
    whole = board_snapshot(items(), roadmap(), later, evs, ageing_days=4)
    assert board_snapshot(items(), roadmap(), later, history=history, ageing_days=4) == whole
    assert whole.ageing


def test_board_json_is_clipped_unless_full() -> None:
    """`status --json` on a big board: 50 lines per list with the full count beside it;
    `--full` (as `report sprint --format json --full`) keeps the whole board."""
    import json

    from tracker_bridge.reports.render_json import to_json

    work = {f"s{n:03d}": story(f"s{n:03d}", 1, Stage.IN_PROGRESS, blocked=n % 2 == 0)
            for n in range(120)}
    snap = board_snapshot(work, roadmap(POLICY), NOW)
    clipped = json.loads(to_json(snap))
    column = next(c for c in clipped["columns"] if c["stage"] == "in_progress")
    # Schema 2: a reader of 1, which listed the whole board, must not take these for it.
    assert clipped["schema_version"] == 2 and clipped["lists_clipped_at"] == 50
    assert column["count"] == column["items_total"] == 120 and len(column["items"]) == 50
    assert [x["id"] for x in column["items"]] == sorted(work)[:50]
    assert clipped["blocked_total"] == 60 and len(clipped["blocked"]) == 50
    breach = clipped["breaches"][0]
    assert breach["items_total"] == 120 and len(breach["items"]) == 50
    whole = json.loads(to_json(snap, full=True))
    assert whole["schema_version"] == 2 and whole["lists_clipped_at"] is None
    assert "items_total" not in str(whole)
    column = next(c for c in whole["columns"] if c["stage"] == "in_progress")
    assert [x["id"] for x in column["items"]] == sorted(work)
    assert len(whole["blocked"]) == 60


def test_board_lines_are_the_lines_of_their_cards() -> None:
    """The board's lists make each line when it is read: the same lines as `ItemLine.of`
    gives, in order, however they are read."""
    from tracker_bridge.reports.lines import ItemLine, Lines

    snap = board_snapshot(items(), roadmap(), NOW, events())
    done = snap.column(Stage.DONE)
    expected = tuple(ItemLine.of(items()[i]) for i in ("a", "c", "f", "g", "h", "sp1"))
    assert done.items == expected and expected == done.items
    assert tuple(done.items) == expected and list(done.items[1:3]) == list(expected[1:3])
    assert done.items[-1] == expected[-1] and len(done.items) == 6
    assert hash(done.items) == hash(expected)
    assert [x.id for x in snap.ageing] == ["b", "sp2"]
    for line in snap.ageing:
        assert line.days_in_stage is not None
        assert line == ItemLine.of(items()[line.id], days_in_stage=line.days_in_stage,
                                   age_days=line.age_days)
    assert Lines([]) == () and Lines([]) != expected


def test_ageing_cards_tied_on_their_days_are_listed_by_id() -> None:
    # A team moves a batch of cards at sprint planning: they age together. Longest in
    # their stage first, then by id, whatever order the cards come in.
    from tracker_bridge.reports.board import ageing_in
    from tracker_bridge.reports.history import by_item

    ids = ["t3", "t1", "t4", "t2"]
    work = {i: story(i, 1, Stage.IN_PROGRESS) for i in ids}
    evs = [move(i, at(2, 10 if i != "t4" else 6), "backlog", "in_progress") for i in ids]
    snap = board_snapshot(work, roadmap(), NOW, evs)
    assert [x.id for x in snap.ageing] == ["t4", "t1", "t2", "t3"]
    assert len({x.days_in_stage for x in snap.ageing[1:]}) == 1  # 7.1, t4 7.2
    reversed_cards = [work[i] for i in sorted(ids, reverse=True)]
    assert ageing_in(reversed_cards, by_item(evs), NOW) == list(snap.ageing)
