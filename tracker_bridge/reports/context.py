"""Glue for the report and spike commands: settings -> project -> store, roadmap, items.

The only module here that touches files and the database, so the computations stay pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.errors import UserError
from tracker_bridge.model import Roadmap, Sprint, WorkItem
from tracker_bridge.reports.board import active_sprint
from tracker_bridge.reports.history import local_date
from tracker_bridge.roadmap.cache import load_roadmap_cached
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.workspace import open_workspace


@dataclass
class ReportContext:
    settings: Settings
    project: ProjectSettings
    roadmap: Roadmap
    store: Store
    now: datetime
    _stored: tuple[dict[str, WorkItem], dict[str, WorkItem]] | None = field(
        default=None, init=False, repr=False
    )

    @property
    def name(self) -> str:
        return self.project.name

    def _store_items(self) -> tuple[dict[str, WorkItem], dict[str, WorkItem]]:
        # Read once: a report asks for both the board and the ended items (100,000 items
        # read twice cost a second); the commands here record events, never items.
        if self._stored is None:
            self._stored = self.store.current_and_ended_items(self.name)
        return self._stored

    def items(self) -> dict[str, WorkItem]:
        """The synced view from the store, over the roadmap's items not synced yet."""
        return {**self.roadmap.item_by_id(), **self._store_items()[0]}

    def ended_items(self) -> dict[str, WorkItem]:
        """Tracker-born items that ended: for the sprint history only (`Store.ended_items`)."""
        return dict(self._store_items()[1])

    def events(self) -> list[StoreEvent]:
        return self.store.events(self.name)

    def histories(self) -> dict[str, list[StoreEvent]]:
        """Every item's events in time order: what a report replays (`Store.histories`)."""
        return self.store.histories(self.name)

    def record(self, events: Sequence[StoreEvent]) -> int:
        return self.store.record_events(self.name, events)

    def sprint(self, sprint_id: str | None) -> Sprint:
        """The named sprint, else the active one."""
        sprints = self.roadmap.sprint_by_id()
        known = ", ".join(sprints) or "none"
        if sprint_id is not None:
            if sprint_id not in sprints:
                raise UserError(f"no sprint {sprint_id!r} in the roadmap (sprints: {known})")
            return sprints[sprint_id]
        found = active_sprint(self.roadmap, self.now)
        if found is None:
            day = local_date(self.now, self.roadmap.cadence.timezone)
            raise UserError(f"no active sprint on {day:%Y-%m-%d}: pass --sprint ({known})")
        return found


def parse_now(value: str | None) -> datetime:
    """--now for reproducible reports and tests; default: the current time."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--now: expected a time like 2026-11-09T12:00Z, got {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@contextmanager
def open_context(
    config: Path | None, project: str | None, now: datetime
) -> Iterator[ReportContext]:
    with open_workspace(config) as workspace:
        chosen = workspace.project(project)
        # The team's date at `now` (its time zone), as `status` and the sprint choice use.
        roadmap = load_roadmap_cached(chosen.roadmap, today=now).roadmap
        yield ReportContext(workspace.settings, chosen, roadmap, workspace.store, now)
