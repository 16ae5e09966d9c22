"""Where items come from and what became of their issues (mixed into `Store`).

Tracker-born items: first seen on which tracker, under which key, when. Remote states: an
item's issue on a target that is deleted, moved, transferred or out of scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select, update

from tracker_bridge.model import RemoteRef
from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import upsert


@dataclass(frozen=True)
class BornRecord:
    item_id: str
    ref: RemoteRef
    """The issue as first seen (its key at birth)."""
    born_at: datetime


@dataclass(frozen=True)
class RemoteState:
    tracker: str
    item_id: str
    state: str
    """`deleted`, `moved`, `transferred`, `out_of_scope`, `followed` (moved to another
    configured target, where the item lives on), or `adopted` (a tracker-born item whose
    issue a roadmap item claimed: `location` names that item)."""
    remote_key: str
    location: str | None
    """Where it went (a moved or transferred issue's new key or URL), when known."""
    detected_at: datetime


class Origins:
    _engine: Engine

    def save_born(self, project: str, records: Iterable[BornRecord]) -> None:
        """Record items first seen in a tracker; an item recorded before keeps its birth."""
        rows = [
            {
                "project": project,
                "item_id": r.item_id,
                "tracker": r.ref.tracker,
                "remote_key": r.ref.key,
                "remote_id": r.ref.remote_id,
                "url": r.ref.url,
                "born_at": r.born_at,
            }
            for r in records
        ]
        if not rows:
            return
        t = s.tracker_born
        with self._engine.begin() as conn:
            known = {
                row.item_id
                for row in conn.execute(select(t.c.item_id).where(t.c.project == project))
            }
            fresh = [row for row in rows if row["item_id"] not in known]
            if fresh:
                conn.execute(t.insert(), fresh)

    def born(self, project: str) -> dict[str, BornRecord]:
        t = s.tracker_born
        query = select(t).where(t.c.project == project)
        with self._engine.connect() as conn:
            return {
                row.item_id: BornRecord(
                    row.item_id,
                    RemoteRef(
                        tracker=row.tracker, key=row.remote_key, remote_id=row.remote_id,
                        url=row.url,
                    ),
                    row.born_at,
                )
                for row in conn.execute(query)
            }

    def rehome_born(self, project: str, item_id: str, ref: RemoteRef) -> None:
        """A tracker-born item whose issue moved to another configured target lives there
        now (its planning fields come from there); its id and birth time stay."""
        t = s.tracker_born
        with self._engine.begin() as conn:
            conn.execute(
                update(t)
                .where(t.c.project == project, t.c.item_id == item_id)
                .values(tracker=ref.tracker, remote_key=ref.key, remote_id=ref.remote_id,
                        url=ref.url)
            )

    def save_remote_states(self, project: str, states: Iterable[RemoteState]) -> None:
        rows = [
            {
                "project": project,
                "tracker": st.tracker,
                "item_id": st.item_id,
                "state": st.state,
                "remote_key": st.remote_key,
                "location": st.location,
                "detected_at": st.detected_at,
            }
            for st in states
        ]
        if not rows:
            return
        with self._engine.begin() as conn:
            stmt = upsert(
                conn,
                s.remote_states,
                ("project", "tracker", "item_id"),
                ("state", "remote_key", "location", "detected_at"),
            )
            conn.execute(stmt, rows)

    def remote_states(self, project: str) -> dict[tuple[str, str], RemoteState]:
        """(tracker, item id) -> what became of that item's issue there."""
        t = s.remote_states
        query = select(t).where(t.c.project == project)
        with self._engine.connect() as conn:
            return {
                (row.tracker, row.item_id): RemoteState(
                    row.tracker, row.item_id, row.state, row.remote_key, row.location,
                    row.detected_at,
                )
                for row in conn.execute(query)
            }

    def inventory_mark(self, project: str, tracker: str) -> str | None:
        """The target's fingerprint at its last removal check (None: never checked)."""
        t = s.inventory_marks
        query = select(t.c.fingerprint).where(t.c.project == project, t.c.tracker == tracker)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def save_inventory_mark(
        self, project: str, tracker: str, fingerprint: str, at: datetime
    ) -> None:
        row = {"project": project, "tracker": tracker, "fingerprint": fingerprint,
               "checked_at": at}
        with self._engine.begin() as conn:
            stmt = upsert(conn, s.inventory_marks, ("project", "tracker"),
                          ("fingerprint", "checked_at"))
            conn.execute(stmt, [row])

    def clear_remote_state(self, project: str, tracker: str, item_id: str) -> None:
        """The item has a live issue there again (recreated, or back in scope)."""
        t = s.remote_states
        with self._engine.begin() as conn:
            conn.execute(
                delete(t).where(
                    t.c.project == project, t.c.tracker == tracker, t.c.item_id == item_id
                )
            )
