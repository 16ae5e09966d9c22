"""What happened: the write journal, item events and sync runs (mixed into `Store`)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, func, select, update

from tracker_bridge.model import RemoteRef
from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import insert_ignore
from tracker_bridge.store.event_rows import (
    ITEM_IDS_PER_QUERY,
    ITEM_IDS_PER_SCAN,
    read_events,
    read_histories,
)
from tracker_bridge.store.item_flow import (
    SUMMED_KINDS,
    read_cycle_facts,
    read_done_since,
    read_item_flows,
    read_last_done,
    refresh_item_flow,
)
from tracker_bridge.store.records import (
    CycleFacts,
    ItemFlow,
    JournalEntry,
    JournalStatus,
    QuietStamp,
    StoreEvent,
    SyncRun,
    as_utc,
)
from tracker_bridge.store.sprint_facts import (
    SPRINT_KINDS,
    read_done_at,
    read_members_at,
    read_points_at,
    read_sprints_named,
    refresh_item_sprints,
)
from tracker_bridge.store.stage_spans import (
    SPAN_KINDS,
    FlowRead,
    read_flow_counts,
    refresh_stage_spans,
)


def _now() -> datetime:
    return datetime.now(UTC)


def _generation(conn: Connection) -> int:
    g = s.store_generation
    return int(conn.execute(select(g.c.generation).where(g.c.id == 1)).scalar_one())


def _journal_entry(row: Row[Any]) -> JournalEntry:
    return JournalEntry(
        id=row.id,
        run_id=row.run_id,
        project=row.project,
        tracker=row.tracker,
        item_id=row.item_id,
        action=row.action,
        payload=row.payload,
        status=cast(JournalStatus, row.status),
        created_at=row.created_at,
        ref=RemoteRef.model_validate(row.ref) if row.ref is not None else None,
        error=row.error,
        result=row.result,
    )


class History:
    _engine: Engine

    # -- write journal ----------------------------------------------------------------------

    def journal_intent(
        self,
        run_id: int,
        project: str,
        tracker: str,
        item_id: str,
        action: str,
        payload: Mapping[str, Any],
    ) -> int:
        """Record a write before it is sent; returns the entry id to confirm or fail."""
        now = _now()
        stmt = s.write_journal.insert().values(
            run_id=run_id,
            project=project,
            tracker=tracker,
            item_id=item_id,
            action=action,
            payload=dict(payload),
            status="intent",
            created_at=now,
            updated_at=now,
        )
        with self._engine.begin() as conn:
            key = conn.execute(stmt).inserted_primary_key
            assert key is not None
            return int(key[0])

    def journal_confirm(
        self,
        entry_id: int,
        ref: RemoteRef | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> None:
        self._journal_close(
            entry_id,
            status="confirmed",
            ref=ref.model_dump(mode="json") if ref is not None else None,
            result=dict(result) if result is not None else None,
        )

    def journal_fail(self, entry_id: int, error: str) -> None:
        self._journal_close(entry_id, status="failed", error=error)

    def _journal_close(self, entry_id: int, **values: Any) -> None:
        t = s.write_journal
        with self._engine.begin() as conn:
            done = conn.execute(
                update(t).where(t.c.id == entry_id).values(updated_at=_now(), **values)
            )
            if done.rowcount != 1:
                raise KeyError(f"no journal entry {entry_id}")

    def unconfirmed(self, project: str, tracker: str) -> list[JournalEntry]:
        """Intents never confirmed nor failed: a crash happened between send and confirm."""
        t = s.write_journal
        query = (
            select(t)
            .where(t.c.project == project, t.c.tracker == tracker, t.c.status == "intent")
            .order_by(t.c.id)
        )
        with self._engine.connect() as conn:
            return [_journal_entry(row) for row in conn.execute(query)]

    def journal(self, run_id: int) -> list[JournalEntry]:
        """Every entry of one run, in the order they were written."""
        t = s.write_journal
        query = select(t).where(t.c.run_id == run_id).order_by(t.c.id)
        with self._engine.connect() as conn:
            return [_journal_entry(row) for row in conn.execute(query)]

    # -- events -----------------------------------------------------------------------------

    def record_events(self, project: str, events: Iterable[StoreEvent]) -> int:
        """Store new events; ones already recorded (same dedup key) are skipped. Returns the
        number that were new."""
        now = _now()
        rows: dict[str, dict[str, Any]] = {}
        for ev in events:
            key = ev.dedup_key(project)
            rows[key] = {
                "project": project,
                "kind": ev.kind,
                "item_id": ev.item_id,
                "tracker": ev.tracker,
                "at": ev.at,
                "data": dict(ev.data),
                "dedup_key": key,
                "recorded_at": now,
            }
        if not rows:
            return 0
        t = s.events
        with self._engine.begin() as conn:
            # RETURNING lists only the rows actually inserted, on both backends.
            stmt = insert_ignore(conn, t, ("dedup_key",)).returning(
                t.c.item_id, t.c.kind, t.c.dedup_key)
            inserted = conn.execute(stmt, list(rows.values())).all()
            # The flow summary changes with the events it is made of, in this transaction.
            refresh_item_flow(
                conn, project, {item_id for item_id, kind, _ in inserted if kind in SUMMED_KINDS}
            )
            # So do the sprints named and the moves in and out of them.
            refresh_item_sprints(conn, project, (
                (item_id, kind, rows[key]["data"], rows[key]["at"])
                for item_id, kind, key in inserted if kind in SPRINT_KINDS))
            # And the stage spans, rebuilt after the flow rows above are taken (see
            # `store/stage_spans.py` for why that order keeps concurrent writers exact).
            refresh_stage_spans(
                conn, project, {item_id for item_id, kind, _ in inserted if kind in SPAN_KINDS}
            )
            return len(inserted)

    def events(
        self,
        project: str,
        *,
        kinds: Collection[str] | None = None,
        since: datetime | None = None,
        item_id: str | None = None,
        item_ids: Collection[str] | None = None,
    ) -> list[StoreEvent]:
        """Events ordered by time (then by when they were recorded). `item_ids` limits them
        to those items (a report that needs a few items' history reads only theirs)."""
        t = s.events
        where = [t.c.project == project]
        if kinds is not None:
            where.append(t.c.kind.in_(list(kinds)))
        if since is not None:
            where.append(t.c.at >= as_utc(since))
        if item_id is not None:
            where.append(t.c.item_id == item_id)
        with self._engine.connect() as conn:
            if item_ids is None and (kinds is None or item_id is not None):
                return [event for _, event in read_events(conn, *where)]
            if item_ids is None:
                # A few kinds (a sync's spike events): ordered by time, SQLite would walk
                # every event of the project in the (project, at) index (2 s at 1M
                # events); unordered, it takes them off the kind index, sorted below.
                rows = read_events(conn, *where, order=False)
                rows.sort(key=lambda row: (row[1].at, row[0]))
                return [event for _, event in rows]
            wanted = sorted(set(item_ids))
            if len(wanted) > ITEM_IDS_PER_SCAN:  # many items: one pass beats many lookups
                rows = read_events(conn, *where, order=False, keep=set(wanted))
            else:
                rows = [
                    row
                    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY)
                    for row in read_events(
                        conn, *where, t.c.item_id.in_(wanted[start:start + ITEM_IDS_PER_QUERY]),
                        order=False,
                    )
                ]
        rows.sort(key=lambda row: (row[1].at, row[0]))
        return [event for _, event in rows]

    def item_flows(self, project: str, stages: Mapping[str, str]) -> dict[str, ItemFlow]:
        """The flow summaries (`ItemFlow`: first created, first started, last moved, and
        when each entered the stage given here, its current one) of the items in `stages`
        (item id -> stage value): what `status` reads instead of their stage events. Items
        without a `created` or `stage_changed` event are left out."""
        with self._engine.connect() as conn:
            return read_item_flows(conn, project, stages)

    def done_since(
        self, project: str, since: datetime, until: datetime | None = None
    ) -> set[str]:
        """The items whose last move into done is at or after `since`: from their flow
        summaries, one range filtered in the database. With `until`, only those first
        started by then (the others cannot have been done at `until`: a past sprint's
        window holds few of the items done since it began)."""
        with self._engine.connect() as conn:
            return read_done_since(conn, project, as_utc(since),
                                   None if until is None else as_utc(until))

    def last_done(self, project: str, item_ids: Collection[str]) -> dict[str, datetime]:
        """Of these items, those with a move into done: the time of their last (their flow
        summaries, by key)."""
        with self._engine.connect() as conn:
            return read_last_done(conn, project, item_ids)

    def flow_counts(self, project: str, times: Sequence[datetime]) -> FlowRead:
        """The cumulative flow of the project's current cards at `times` (ascending), per
        (track, stage), as the replay of their events counts it: from their stage spans
        (`store/stage_spans.py`), counted over ranges of two indexes; with the items whose rows
        have no card columns, which it leaves to the caller."""
        with self._engine.connect() as conn:
            return read_flow_counts(conn, project, times)

    def cycle_facts(self, project: str, item_ids: Collection[str]) -> dict[str, CycleFacts]:
        """Per item of these with a flow summary, what its cycle and lead time need of its
        events (`CycleFacts`): found by primary key, no event read."""
        with self._engine.connect() as conn:
            return read_cycle_facts(conn, project, item_ids)

    def sprints_named(self, project: str, sprint_ids: Collection[str]) -> dict[str, set[str]]:
        """Sprint id -> the items with a `created`, `sprint_added` or `sprint_removed`
        event naming it (`data["sprint"]`, a string), for these sprints, every one listed:
        kept as events are recorded, no event read."""
        with self._engine.connect() as conn:
            return read_sprints_named(conn, project, sprint_ids)

    def members_at(
        self, project: str, sprint_id: str, item_ids: Collection[str], at: datetime
    ) -> dict[str, bool]:
        """Per item an event moves into or out of the sprint (a `sprint_added`, a
        `created` naming it but a seed's, a `sprint_removed`): was it in the sprint at
        `at` (the last move at or before, else the opposite of the first)? The others are
        left out. Mostly from the moves' first and last times, kept per (sprint, item)."""
        with self._engine.connect() as conn:
            return read_members_at(conn, project, sprint_id, item_ids, as_utc(at))

    def done_at(self, project: str, item_ids: Collection[str], at: datetime) -> dict[str, bool]:
        """Per item with a stage move: was it done at `at` (the last move at or before
        into a known stage, else where the first move began)? The others are left out.
        Mostly from the flow summary, else by an index seek or two."""
        with self._engine.connect() as conn:
            return read_done_at(conn, project, item_ids, as_utc(at))

    def points_at(
        self, project: str, item_ids: Collection[str], at: datetime
    ) -> dict[str, float]:
        """Per item re-estimated: its points at `at` (the last re-estimate at or
        before, else what the first changed from; 0 if not a number). The others are
        left out."""
        with self._engine.connect() as conn:
            return read_points_at(conn, project, item_ids, as_utc(at))

    def histories(
        self,
        project: str,
        *,
        kinds: Collection[str] | None = None,
        item_ids: Collection[str] | None = None,
        after: datetime | None = None,
    ) -> dict[str, list[StoreEvent]]:
        """Each item's events, in time order (then in the order they were recorded): what
        the reports replay, read in that order in one query (SQLite; PostgreSQL: one per
        batch of items, or one pass over the project's events for many). `item_ids`
        limits them to those items, `after` to those later than it; items without events
        are left out."""
        t = s.events
        where = [t.c.project == project]
        if kinds is not None:
            where.append(t.c.kind.in_(list(kinds)))
        if after is not None:
            where.append(t.c.at > as_utc(after))
        with self._engine.connect() as conn:
            if item_ids is None:
                return read_histories(conn, *where)
            wanted = sorted(set(item_ids))
            if conn.dialect.name == "sqlite":
                # One statement whose ids SQLite looks up itself, in id order (the index
                # order: no sort), never making a row of the other items; however many
                # (4,000 items in batches of 900: 10% slower, a statement compiled each).
                ids = func.json_each(json.dumps(wanted)).table_valued("value")
                return read_histories(conn, *where, t.c.item_id.in_(select(ids.c.value)))
            if len(wanted) > ITEM_IDS_PER_SCAN:  # many items: one pass beats many lookups
                return read_histories(conn, *where, keep=set(wanted))
            found: dict[str, list[StoreEvent]] = {}
            for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
                batch = wanted[start:start + ITEM_IDS_PER_QUERY]
                found.update(read_histories(conn, *where, t.c.item_id.in_(batch)))
            return found

    # -- runs -------------------------------------------------------------------------------

    def start_run(self, project: str, kind: str) -> int:
        stmt = s.sync_runs.insert().values(
            project=project, kind=kind, status="running", started_at=_now(), summary={}
        )
        with self._engine.begin() as conn:
            key = conn.execute(stmt).inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_run(
        self,
        run_id: int,
        status: str,
        summary: Mapping[str, Any],
        quiet_stamp: QuietStamp | None = None,
        generation: int | None = None,
    ) -> bool:
        """`quiet_stamp`: stored in the same transaction, after the run's own row (whose
        write, like every other, drops the stamps on SQLite), so no write falls between; and
        only if the store is still at `generation` (read when the run took the lock), so a
        write made meanwhile by a command without the lock is not stamped over. True when
        the stamp was stored."""
        t = s.sync_runs
        stmt = (
            update(t)
            .where(t.c.id == run_id)
            .values(status=status, finished_at=_now(), summary=dict(summary))
        )
        with self._engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                raise KeyError(f"no sync run {run_id}")
            # The update above holds the write lock: no write falls between this read and
            # the insert.
            if quiet_stamp is None or generation is None or _generation(conn) != generation:
                return False
            q = s.quiet_stamp
            conn.execute(q.delete().where(q.c.project == quiet_stamp.project))
            conn.execute(q.insert().values(
                project=quiet_stamp.project,
                stamped_at=_now(),
                valid_from=quiet_stamp.valid_from,
                valid_through=quiet_stamp.valid_through,
                stamp=quiet_stamp.stamp,
            ))
            return True

    def generation(self) -> int:
        """How many writes the store has seen, but a sync's own run record, cursors and
        marks (SQLite: counted by triggers; PostgreSQL: always 0, it keeps no stamp)."""
        with self._engine.connect() as conn:
            return _generation(conn)

    def quiet_stamp(self, project: str) -> QuietStamp | None:
        q = s.quiet_stamp
        with self._engine.connect() as conn:
            row = conn.execute(select(q).where(q.c.project == project)).first()
        if row is None:
            return None
        return QuietStamp(
            row.project, row.valid_from, row.valid_through, row.stamp, row.stamped_at
        )

    def last_runs(self, project: str, limit: int = 10) -> list[SyncRun]:
        """Newest first."""
        t = s.sync_runs
        query = (
            select(t)
            .where(t.c.project == project)
            .order_by(t.c.started_at.desc(), t.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                SyncRun(
                    id=row.id,
                    project=row.project,
                    kind=row.kind,
                    status=row.status,
                    started_at=row.started_at,
                    finished_at=row.finished_at,
                    summary=row.summary,
                )
                for row in conn.execute(query)
            ]
