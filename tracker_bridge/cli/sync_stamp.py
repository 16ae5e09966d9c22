"""`sync --yes` side of the quiet-night fast path: the stamp a completely quiet run leaves.

The stamp says what the run depended on (files, TB_* environment, team date, the exact
requests and answers) so `tracker_bridge/quiet/replay.py` can prove, without the full
machinery, that a later night would see and do the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from tracker_bridge.config import ProjectSettings, Settings, TargetSettings
from tracker_bridge.quiet.conversation import Recorder
from tracker_bridge.quiet.stamp import (
    Stamp,
    TrackerTalk,
    code_digest,
    env_digest,
    file_digest,
    last_valid_day,
)
from tracker_bridge.reconcile import SyncReport
from tracker_bridge.registry import factory_for
from tracker_bridge.roadmap.loaded import LoadedRoadmap
from tracker_bridge.store import QuietStamp
from tracker_bridge.tracker import Adapter

StampBuilder = Callable[[SyncReport], QuietStamp | None]


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite store URL; None for PostgreSQL or an in-memory one."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None  # URI file names: the fast path does not guess their options
    return Path(database).expanduser().resolve()


def date_changes(loaded: LoadedRoadmap) -> list[date]:
    """Every date at which the roadmap built for that day differs from the day before: a
    sprint starts (future -> active) or ends (active -> closed, the day after its end).
    Phases are runs of sprints, so their boundaries are among these; spike deadlines and
    due dates are values in the items, not derived from today."""
    changes: list[date] = []
    for sprint in loaded.roadmap.sprints:
        changes += [sprint.start, sprint.end + timedelta(days=1)]
    return changes


def stamp_builder(
    config: Path,
    settings: Settings,
    project: ProjectSettings,
    loaded: LoadedRoadmap,
    adapters: Mapping[str, Adapter],
) -> StampBuilder | None:
    """A builder for `Reconciler(quiet_stamp=...)`, or None where no stamp can hold
    (PostgreSQL: no triggers drop a stamp there)."""
    store = sqlite_file(settings.store.url)
    if store is None:
        return None
    zone = ZoneInfo(loaded.roadmap.cadence.timezone)
    day = datetime.now(zone).date()  # the day the roadmap was just built for

    def build(report: SyncReport) -> QuietStamp | None:
        if datetime.now(zone).date() != day:
            return None  # the run crossed midnight: the roadmap is yesterday's
        files = [config, loaded.path, *(_mapping(target) for target in project.targets)]
        talks: list[TrackerTalk] = []
        for target in project.targets:
            recorder = getattr(adapters.get(target.tracker), "recorder", None)
            if not isinstance(recorder, Recorder):
                return None  # an adapter that does not record cannot be replayed
            exchanges = recorder.taken()
            # Nothing said proves nothing; a write must never be sent again by a replay.
            if not exchanges or not all(exchange.is_read for exchange in exchanges):
                return None
            talks.append(
                TrackerTalk(target.tracker, target.token_env, target.username, exchanges)
            )
        digests = {str(path.resolve()): file_digest(path) for path in files}
        stamp = Stamp(
            project=project.name,
            store=str(store),
            files={path: digest for path, digest in digests.items() if digest},
            env=env_digest(),
            code=code_digest(),
            timezone=loaded.roadmap.cadence.timezone,
            valid_from=day,
            valid_through=last_valid_day(day, date_changes(loaded)),
            talks=talks,
            plan=report.plan.to_json(),
            summary=report.summary(),
        )
        text = stamp.dumps()
        if None in digests.values() or _holds_a_secret(text, project):
            return None
        return QuietStamp(
            project.name, stamp.valid_from.isoformat(), stamp.valid_through.isoformat(), text
        )

    return build


def _mapping(target: TargetSettings) -> Path:
    if target.mapping is not None:
        return target.mapping
    return factory_for(target.adapter).default_mapping()


def _holds_a_secret(text: str, project: ProjectSettings) -> bool:
    """Belt and braces: the exchanges keep no credential header, but a token that shows up
    anywhere (a URL, an echoed body) means no stamp at all."""
    for target in project.targets:
        token = target.adapter_settings().get("token")
        value = token.get_secret_value() if token is not None else ""
        if value and value in text:
            return True
    return False
