"""The store's tables (SQLAlchemy Core). Migrations in `migrations/versions` must match these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from tracker_bridge.model import Stage
from tracker_bridge.store.records import as_utc

NAME = 255  # project names, tracker ids, item ids, remote keys


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC on the way out on every backend (SQLite drops the zone, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class JsonDocument(TypeDecorator[Any]):
    """JSON; JSONB on PostgreSQL (compact, and comparable if we ever query into it). Chosen
    when a dialect binds it, so a SQLite store never imports the PostgreSQL dialect."""

    impl = JSON
    cache_ok = True

    def __init__(self, none_as_null: bool = False) -> None:
        super().__init__(none_as_null=none_as_null)
        self.none_as_null = none_as_null  # by its argument's name: part of the cache key

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        none_as_null = self.none_as_null
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB(none_as_null=none_as_null))
        return dialect.type_descriptor(JSON(none_as_null=none_as_null))


def json_type(none_as_null: bool = False) -> TypeEngine[Any]:
    """`none_as_null`: Python None is SQL NULL, not the JSON `null`."""
    return JsonDocument(none_as_null=none_as_null)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

items = Table(
    "items",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("data", json_type(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # The item's board card (migration 0009, `store/cards.py`): `status` reads these, not
    # the JSON. Kept by `Store.save_items`; a row whose `kind` is NULL is read in full.
    # The checklist columns are JSON arrays, NULL when empty.
    Column("kind", String(32)),
    Column("title", Text()),
    Column("track", String(32)),
    Column("stage", String(32)),
    Column("points", Float()),
    Column("assignee", Text()),
    Column("blocked", Boolean()),
    Column("ended", Boolean()),
    Column("origin_tracker", Text()),
    Column("origin_key", Text()),
    Column("acceptance_criteria", json_type(none_as_null=True)),
    Column("definition_of_done", json_type(none_as_null=True)),
    Column("checked", json_type(none_as_null=True)),
    # The item's sprint (migration 0015): a sprint report reads its sprints' items whole,
    # not every item (`store/report_items.py`). Kept by `Store.save_items`.
    Column("sprint", String(NAME)),
    # The board's counts per stage and track and each one's first cards in id order
    # (migration 0014, `store/board_parts.py`), and each track's open points (0016,
    # `store/report_items.py`), read from the index alone.
    Index("ix_items_board", "project", "stage", "track", "item_id", "kind", "ended",
          "blocked", "origin_tracker", "points"),
    # The rows without card columns, read in full (migration 0016): none in a store
    # written since 0009, so an index of no entries, not a scan of the board's. Partial
    # (WHERE kind IS NULL) as the migration makes it; not said here, as dialect options
    # would import PostgreSQL's dialect into every command (47 ms), and autogenerate
    # compares an index's columns only.
    Index("ix_items_unread", "project", "kind", "item_id"),
)

remote_refs = Table(
    "remote_refs",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("tracker", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("remote_key", String(NAME), nullable=False),
    Column("remote_id", String(NAME), nullable=False),
    Column("url", Text(), nullable=False),
    Column("version", String(NAME), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # One remote issue belongs to one canonical item.
    UniqueConstraint("tracker", "remote_id"),
)

base_snapshots = Table(
    "base_snapshots",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("side", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("field_values", json_type(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

sprint_refs = Table(
    "sprint_refs",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("tracker", String(NAME), primary_key=True),
    Column("sprint_id", String(NAME), primary_key=True),
    Column("remote_id", String(NAME), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

write_journal = Table(
    "write_journal",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("run_id", Integer(), nullable=False, index=True),
    Column("project", String(NAME), nullable=False),
    Column("tracker", String(NAME), nullable=False),
    Column("item_id", String(NAME), nullable=False),
    Column("action", String(64), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("ref", json_type(), nullable=True),
    Column("result", json_type(), nullable=True),
    Column("error", Text(), nullable=True),
    Index(None, "project", "tracker", "status"),
)

sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("tracker", String(NAME), primary_key=True),
    Column("cursor", Text(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("project", String(NAME), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("item_id", String(NAME), nullable=False),
    Column("tracker", String(NAME), nullable=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("data", json_type(), nullable=False),
    Column("dedup_key", String(64), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("dedup_key"),
    Index(None, "project", "at"),
    Index(None, "project", "item_id", "at"),  # each item's history in time order, no sort
    Index(None, "project", "kind", "item_id", "at"),  # a few kinds of many items: spikes'
)

item_flow = Table(
    "item_flow",
    metadata,
    # Per item, MIN/MAX of its `created` and `stage_changed` events (`store/item_flow.py`):
    # what `status` reads instead of the events. Kept by `record_events`.
    Column("project", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("created_at", UtcDateTime(), nullable=True),
    Column("started_at", UtcDateTime(), nullable=True),
    Column("moved_at", UtcDateTime(), nullable=True),
    *(Column(f"entered_{stage.value}", UtcDateTime(), nullable=True) for stage in Stage),
    # What cycle times need besides (migration 0012, `CycleFacts`).
    *(Column(name, UtcDateTime(), nullable=True)
      for name in ("born_started_at", "born_unstarted_at", "start_from_before_at",
                   "start_from_started_at", "spike_started_at", "moved_elsewhere_at")),
)

item_sprints = Table(
    "item_sprints",
    metadata,
    # The (sprint, item) pairs named by events that move items between sprints, with the
    # first and last move of the item into and out of that sprint (`store/sprint_facts.py`):
    # the items a sprint can hold, and where the item stood at a time, without the events.
    # Kept by `record_events`.
    Column("project", String(NAME), primary_key=True),
    Column("sprint_id", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("first_in", UtcDateTime(), nullable=True),
    Column("last_in", UtcDateTime(), nullable=True),
    Column("first_out", UtcDateTime(), nullable=True),
    Column("last_out", UtcDateTime(), nullable=True),
)

item_stage_spans = Table(
    "item_stage_spans",
    metadata,
    # Per item, the stage it was in over each stretch of time, from its `created` and
    # `stage_changed` events (`store/stage_spans.py`), with what the cumulative flow counts
    # it by of its card (its track, whether it is a current non-epic card): the flow is one
    # index range, no join. Rebuilt by `record_events`; the card part kept by `save_items`.
    Column("project", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("seq", Integer(), primary_key=True, autoincrement=False),
    Column("stage", String(32), nullable=False),
    Column("current", Boolean(), nullable=False),
    Column("since", BigInteger(), nullable=True),  # microseconds since 1970 UTC
    Column("until", BigInteger(), nullable=True),
    Column("track", String(32), nullable=True),
    Column("counted", Boolean(), nullable=False),
    # The flow's ranges (migration 0016): per track and stage, the spans still open and
    # those ending between two times; those beginning between two times.
    Index(None, "project", "counted", "track", "stage", "until"),
    Index(None, "project", "counted", "track", "stage", "since"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("project", String(NAME), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("summary", json_type(), nullable=False),
    Index(None, "project", "started_at"),
)

project_locks = Table(
    "project_locks",
    metadata,
    Column("project", String(NAME), primary_key=True),
    Column("owner", String(NAME), nullable=False),
    Column("token", String(64), nullable=False),
    Column("acquired_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    # One row per webhook delivery id, so a redelivery (Jira retries) queues nothing.
    Column("source", String(32), primary_key=True),
    Column("delivery_id", String(NAME), primary_key=True),
    Column("received_at", UtcDateTime(), nullable=False),
    Index(None, "received_at"),
)

tracker_born = Table(
    "tracker_born",
    metadata,
    # Items born in a tracker (not in the roadmap): where and when they were first seen.
    # Their current view lives in `items`, their refs in `remote_refs`, like any item.
    Column("project", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("tracker", String(NAME), nullable=False),
    Column("remote_key", String(NAME), nullable=False),
    Column("remote_id", String(NAME), nullable=False),
    Column("url", Text(), nullable=False),
    Column("born_at", UtcDateTime(), nullable=False),
)

remote_states = Table(
    "remote_states",
    metadata,
    # An item's issue that is no longer live on a target: deleted, moved, transferred or
    # out of scope. Recorded once, when detected; nothing is written to it afterwards.
    Column("project", String(NAME), primary_key=True),
    Column("tracker", String(NAME), primary_key=True),
    Column("item_id", String(NAME), primary_key=True),
    Column("state", String(32), nullable=False),
    Column("remote_key", String(NAME), nullable=False),
    Column("location", Text(), nullable=True),
    Column("detected_at", UtcDateTime(), nullable=False),
)

inventory_marks = Table(
    "inventory_marks",
    metadata,
    # What a target looked like at its last removal check (an adapter-defined fingerprint,
    # e.g. GitHub's issue count and newest number): lets a quiet night skip the listing.
    Column("project", String(NAME), primary_key=True),
    Column("tracker", String(NAME), primary_key=True),
    Column("fingerprint", Text(), nullable=False),
    Column("checked_at", UtcDateTime(), nullable=False),
)

quiet_stamp = Table(
    "quiet_stamp",
    metadata,
    # The last completely quiet full sync of a project: what it read and what it was told
    # (`tracker_bridge/quiet/`). On SQLite, triggers on every other table delete it.
    Column("project", String(NAME), primary_key=True),
    Column("stamped_at", UtcDateTime(), nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_through", String(10), nullable=False),
    Column("stamp", Text(), nullable=False),
)

store_generation = Table(
    "store_generation",
    metadata,
    # One row (id 1): on SQLite, triggers count every write but a sync's own run record,
    # cursors and marks; a full sync stamps only if no write came in while it ran.
    Column("id", Integer(), primary_key=True, autoincrement=False),
    Column("generation", Integer(), nullable=False),
)
