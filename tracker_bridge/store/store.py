"""The state store: refs, base snapshots, canonical items, sprint refs and sync cursors.

Every method is its own short transaction, committed on return. Journal, events and runs
live in `history.py`, project locks in `locks.py`; `Store` combines them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, select
from sqlalchemy.pool import StaticPool

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import (
    FieldValue,
    Kind,
    RemoteRef,
    Track,
    WorkItem,
    compact,
    stored_json,
)
from tracker_bridge.store import schema as s
from tracker_bridge.store.board_parts import (
    EnteredTogether,
    StoreBoard,
    ageing_groups,
    read_board_parts,
    read_cards,
)
from tracker_bridge.store.cards import (
    CARD_COLUMNS,
    Card,
    card_columns,
    is_ended,
    read_board,
    uncarded_ids,
)
from tracker_bridge.store.deliveries import Deliveries
from tracker_bridge.store.delivery_facts import DeliveryFacts
from tracker_bridge.store.engine import make_engine, migrate, upsert
from tracker_bridge.store.event_rows import ITEM_IDS_PER_QUERY, driver_rows
from tracker_bridge.store.history import History
from tracker_bridge.store.locks import Locks
from tracker_bridge.store.objectives import Objectives
from tracker_bridge.store.origins import Origins
from tracker_bridge.store.records import ItemFlow
from tracker_bridge.store.report_cards import ReportCards, read_report_cards
from tracker_bridge.store.report_items import read_current_ids, read_open_points
from tracker_bridge.store.stage_spans import refresh_span_cards
from tracker_bridge.store.stored_items import stored_item_validator


def _now() -> datetime:
    return datetime.now(UTC)


def _values_out(stored: Mapping[str, Any]) -> dict[str, FieldValue]:
    # JSON has no tuples; the planner compares tuples (labels), so restore them.
    return {
        key: tuple(value) if isinstance(value, list) else value for key, value in stored.items()
    }


def _values_in(values: Mapping[str, FieldValue]) -> dict[str, Any]:
    return {key: list(v) if isinstance(v, tuple) else v for key, v in values.items()}


class Store(History, Locks, Deliveries, Origins, Objectives, DeliveryFacts):
    """Open with `Store.open(url)`; the schema is created or migrated on first use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """`sqlite:///path.sqlite` (parent dirs created), `sqlite://` (memory), or PostgreSQL."""
        engine = make_engine(url)
        try:
            migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def reads_side_by_side(self) -> bool:
        """Whether two threads may read at once, each on its own connection: not an
        in-memory SQLite store, whose one connection every checkout shares."""
        return not isinstance(self._engine.pool, StaticPool)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- refs -------------------------------------------------------------------------------

    def get_refs(self, project: str, tracker: str) -> dict[str, RemoteRef]:
        t = s.remote_refs
        query = select(t).where(t.c.project == project, t.c.tracker == tracker)
        with self._engine.connect() as conn:
            return {
                row.item_id: RemoteRef(
                    tracker=row.tracker,
                    key=row.remote_key,
                    remote_id=row.remote_id,
                    url=row.url,
                    version=row.version,
                )
                for row in conn.execute(query)
            }

    def save_ref(self, project: str, item_id: str, ref: RemoteRef) -> None:
        """Upsert. A remote issue belongs to one item: a ref claimed before by another item
        (e.g. after `relink`) moves to this one, since the issue's marker is the truth."""
        t = s.remote_refs
        row = {
            "project": project,
            "tracker": ref.tracker,
            "item_id": item_id,
            "remote_key": ref.key,
            "remote_id": ref.remote_id,
            "url": ref.url,
            "version": ref.version,
            "updated_at": _now(),
        }
        with self._engine.begin() as conn:
            conn.execute(
                delete(t).where(
                    t.c.tracker == ref.tracker,
                    t.c.remote_id == ref.remote_id,
                    ~and_(t.c.project == project, t.c.item_id == item_id),
                )
            )
            stmt = upsert(
                conn,
                t,
                ("project", "tracker", "item_id"),
                ("remote_key", "remote_id", "url", "version", "updated_at"),
            )
            conn.execute(stmt, [row])

    def delete_ref(self, project: str, tracker: str, item_id: str) -> None:
        t = s.remote_refs
        with self._engine.begin() as conn:
            conn.execute(
                delete(t).where(
                    t.c.project == project, t.c.tracker == tracker, t.c.item_id == item_id
                )
            )

    # -- base snapshots ---------------------------------------------------------------------

    def get_base(self, project: str, side: str) -> dict[str, dict[str, FieldValue]]:
        """What was last synced per item, for `side` ("roadmap" or a tracker id)."""
        t = s.base_snapshots
        query = select(t.c.item_id, t.c.field_values).where(
            t.c.project == project, t.c.side == side
        )
        with self._engine.connect() as conn:
            return {row.item_id: _values_out(row.field_values) for row in conn.execute(query)}

    def save_base(
        self, project: str, side: str, item_id: str, values: Mapping[str, FieldValue]
    ) -> None:
        """Merges `values` into what is stored for the item."""
        self.save_bases(project, side, {item_id: values})

    def save_bases(
        self, project: str, side: str, values_by_item: Mapping[str, Mapping[str, FieldValue]]
    ) -> None:
        """Bulk `save_base`, in one transaction."""
        if not values_by_item:
            return
        t = s.base_snapshots
        ids = list(values_by_item)
        now = _now()
        with self._engine.begin() as conn:
            query = select(t.c.item_id, t.c.field_values).where(
                t.c.project == project, t.c.side == side
            )
            # Long IN lists are slow to plan (PostgreSQL) or too long (SQLite): for a big
            # batch, reading the side's whole snapshot is cheaper.
            if len(ids) <= 200:
                query = query.where(t.c.item_id.in_(ids))
            stored = {
                row.item_id: dict(row.field_values)
                for row in conn.execute(query)
                if row.item_id in values_by_item
            }
            rows = []
            for item_id, values in values_by_item.items():
                merged = {**stored.get(item_id, {}), **_values_in(values)}
                if merged == stored.get(item_id):
                    continue  # already so: a quiet night rewrites nothing
                rows.append(
                    {
                        "project": project,
                        "side": side,
                        "item_id": item_id,
                        "field_values": merged,
                        "updated_at": now,
                    }
                )
            if not rows:
                return
            stmt = upsert(conn, t, ("project", "side", "item_id"), ("field_values", "updated_at"))
            conn.execute(stmt, rows)

    # -- canonical items --------------------------------------------------------------------

    def save_items(self, project: str, items: Iterable[WorkItem]) -> None:
        """Upsert the merged current view of each item."""
        now = _now()
        rows = {
            item.id: {
                "project": project,
                "item_id": item.id,
                "data": stored_json(item),
                "updated_at": now,
                **card_columns(item),  # the board's columns, in step with the JSON
                "sprint": item.sprint,
            }
            for item in items
        }
        if not rows:
            return
        with self._engine.begin() as conn:
            stmt = upsert(conn, s.items, ("project", "item_id"),
                          ("data", "updated_at", *CARD_COLUMNS, "sprint"))
            conn.execute(stmt, list(rows.values()))
            refresh_span_cards(conn, project, rows)  # what the flow counts them by

    def drop_items(self, project: str, item_ids: Iterable[str]) -> None:
        """Remove items from the current view (a tracker-born item whose issue is gone)."""
        ids = list(item_ids)
        if not ids:
            return
        t = s.items
        with self._engine.begin() as conn:
            conn.execute(delete(t).where(t.c.project == project, t.c.item_id.in_(ids)))
            refresh_span_cards(conn, project, ids)  # no card: no longer counted

    def get_items(self, project: str) -> dict[str, WorkItem]:
        """The current view: every item on the board (ended tracker-born items left out)."""
        return {k: v for k, v in self._all_items(project).items() if not is_ended(v)}

    def ended_items(self, project: str) -> dict[str, WorkItem]:
        """Tracker-born items that ended (issue deleted, moved away, out of scope), as they
        last were: off the board, but part of the sprints they were in (scope removed)."""
        return {k: v for k, v in self._all_items(project).items() if is_ended(v)}

    def current_and_ended_items(
        self, project: str
    ) -> tuple[dict[str, WorkItem], dict[str, WorkItem]]:
        """`get_items` and `ended_items` from one read (a report needs both)."""
        found = self._all_items(project)
        # Few items are tracker-born and fewer ended: find those (no call per item), and
        # when there are none the read is the current view as it is (100k items: 50 ms).
        ended = {item_id: item for item_id, item in found.items()
                 if item.origin is not None and item.origin.ended is not None}
        if not ended:
            return found, ended
        return {k: v for k, v in found.items() if k not in ended}, ended

    def current_ids(self, project: str) -> set[str]:
        """The ids of `get_items`, from the card columns (no JSON read but for rows
        without them)."""
        with self._engine.connect() as conn:
            return read_current_ids(conn, project)

    def report_cards(
        self, project: str, sprint_ids: Collection[str], item_ids: Collection[str]
    ) -> ReportCards:
        """What a sprint report's figures read of items, as cards (`store/report_cards.py`):
        every spike, the items whose sprint is one of these, those of these ids and every
        ended item, current and ended apart, in id order (a row without card columns
        whole)."""
        with self._engine.connect() as conn:
            return read_report_cards(conn, project, sprint_ids=sprint_ids, item_ids=item_ids)

    def open_points(self, project: str) -> dict[Track, float]:
        """Per track, the points of the current non-epic items not done, summed in the
        database (rows without card columns left out: `report_items` gives them)."""
        with self._engine.connect() as conn:
            return read_open_points(conn, project)

    def board_cards(
        self, project: str
    ) -> tuple[dict[str, Card | WorkItem], dict[str, ItemFlow]]:
        """What the board shows of the current items (`get_items`), by id: a `Card` each
        (the WorkItem for a row written without card columns); with the flow summaries
        of the cards in an active stage, epics left out (`item_flows` with each one's
        current stage). One read of the card columns, not of every item's JSON."""
        with self._engine.connect() as conn:
            read = read_board(conn, project)
            whole = self._items_by_id(conn, project, read.in_full)
        found: dict[str, Card | WorkItem] = dict(read.cards)
        unread: dict[str, str] = {}  # rows without card columns: their stage was not known
        for item_id, item in whole.items():
            if is_ended(item):
                continue
            found[item_id] = item
            if item.stage.is_active and item.kind is not Kind.EPIC and item_id not in read.flows:
                unread[item_id] = item.stage._value_
        flows = read.flows
        if unread:
            flows.update(self.item_flows(project, unread))
        return found, flows

    def board_parts(
        self, project: str, limit: int, entered_before: datetime
    ) -> tuple[StoreBoard, list[EnteredTogether], dict[str, WorkItem], dict[str, ItemFlow]]:
        """The board of the current items from a few aggregate queries (`StoreBoard`: counts
        per stage and track, the first `limit` cards of each list), with the cards in an
        active stage that entered it before `entered_before`, grouped by when
        (`EnteredTogether`), and the current items whose rows have no card columns, read
        in full, with the flow summaries of those in an active stage (epics left out)."""
        with self._engine.connect() as conn:
            parts = read_board_parts(conn, project, limit)
            entered = ageing_groups(conn, project, entered_before)
            whole = self._items_by_id(conn, project, parts.in_full)
        current = {item_id: item for item_id, item in whole.items() if not is_ended(item)}
        stages = {item_id: item.stage._value_ for item_id, item in current.items()
                  if item.stage.is_active and item.kind is not Kind.EPIC}
        return parts, entered, current, self.item_flows(project, stages) if stages else {}

    def has_items(self, project: str) -> bool:
        """Whether the current view (`get_items`) holds any item: one row looked at."""
        t = s.items
        with self._engine.connect() as conn:
            if conn.execute(select(t.c.item_id).where(
                    t.c.project == project, t.c.kind.is_not(None), t.c.ended.is_not(True))
                    .limit(1)).first() is not None:
                return True
            whole = self._items_by_id(conn, project, uncarded_ids(conn, project))
        return any(not is_ended(item) for item in whole.values())

    def cards(
        self, project: str, item_ids: Collection[str]
    ) -> dict[str, tuple[Card, datetime | None]]:
        """These items' cards, each with when its work first started (its flow summary's),
        by id: the few cards a clipped board lists of those `board_parts` only counted."""
        if not item_ids:
            return {}
        with self._engine.connect() as conn:
            return read_cards(conn, project, item_ids)

    def _items_by_id(
        self, conn: Connection, project: str, item_ids: list[str]
    ) -> dict[str, WorkItem]:
        t = s.items
        found: dict[str, WorkItem] = {}
        validate = stored_item_validator().validate_python
        for start in range(0, len(item_ids), ITEM_IDS_PER_QUERY):
            batch = item_ids[start:start + ITEM_IDS_PER_QUERY]
            query = select(t.c.item_id, t.c.data).where(t.c.project == project,
                                                        t.c.item_id.in_(batch))
            for item_id, data in conn.execute(query):
                found[item_id] = compact(validate(data))
        return found

    def _all_items(self, project: str) -> dict[str, WorkItem]:
        t = s.items
        with self._engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # The stored JSON text straight into pydantic's JSON parser: no dicts between,
                # and the rows straight from the driver (SQLAlchemy's row objects were a
                # fifth of the time around validation, at 100k items).
                # In id order (the primary key's, no sort), as every read of items is.
                rows = driver_rows(conn, "SELECT item_id, data FROM items WHERE project = ? "
                                   "ORDER BY item_id", [project])
                # A validator itself, not `model_validate_json`: 8% of the read was that
                # wrapper (100k items); and the one for stored documents (`stored_items`).
                validate = stored_item_validator().validate_json
                with no_gc_pauses():
                    found = {item_id: compact(validate(text)) for item_id, text in rows}
            else:
                query = (select(t.c.item_id, t.c.data).where(t.c.project == project)
                         .order_by(t.c.item_id.collate("C")))  # bytes, as SQLite's
                stored = conn.execute(query).all()
                validate = stored_item_validator().validate_python
                with no_gc_pauses():
                    found = {item_id: compact(validate(data)) for item_id, data in stored}
        return found

    # -- sprint refs ------------------------------------------------------------------------

    def get_sprint_refs(self, project: str, tracker: str) -> dict[str, str]:
        t = s.sprint_refs
        query = select(t.c.sprint_id, t.c.remote_id).where(
            t.c.project == project, t.c.tracker == tracker
        )
        with self._engine.connect() as conn:
            return {row.sprint_id: row.remote_id for row in conn.execute(query)}

    def save_sprint_ref(self, project: str, tracker: str, sprint_id: str, remote_id: str) -> None:
        row = {
            "project": project,
            "tracker": tracker,
            "sprint_id": sprint_id,
            "remote_id": remote_id,
            "updated_at": _now(),
        }
        with self._engine.begin() as conn:
            stmt = upsert(
                conn,
                s.sprint_refs,
                ("project", "tracker", "sprint_id"),
                ("remote_id", "updated_at"),
            )
            conn.execute(stmt, [row])

    # -- cursors ----------------------------------------------------------------------------

    def get_cursor(self, project: str, tracker: str) -> str | None:
        t = s.sync_cursors
        query = select(t.c.cursor).where(t.c.project == project, t.c.tracker == tracker)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def set_cursor(self, project: str, tracker: str, cursor: str | None) -> None:
        """None forgets the cursor: the next pull is a full one."""
        row = {"project": project, "tracker": tracker, "cursor": cursor, "updated_at": _now()}
        with self._engine.begin() as conn:
            stmt = upsert(conn, s.sync_cursors, ("project", "tracker"), ("cursor", "updated_at"))
            conn.execute(stmt, [row])


