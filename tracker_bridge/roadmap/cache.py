"""A roadmap that has not changed since the last run is not parsed again.

Parsing and validating costs about 0.2 ms per item (a second for 5,000), every night, for a
file that rarely changes. `load_roadmap_cached` keeps the validated roadmap as JSON in a
cache directory, one entry per roadmap path, and uses it only when all of these match:
the SHA-256 of the file's bytes (read in full every time: a changed file always re-parses,
whatever its size or modification time), the path, the day the sprint states were derived
for, and tracker-bridge's version and the size and modification time of every source file
of the model and the loader (an edited loader never reads an old entry). Anything else
(no entry, another file, a broken or unreadable entry, a read-only disk) loads the file
as `load_roadmap` does; a file with problems is never cached, so it reports them every run.

The directory is `$TB_CACHE_DIR`, else `$XDG_CACHE_HOME/tracker-bridge`, else
`~/.cache/tracker-bridge`; entries are JSON (never unpickled code), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tracker_bridge
from tracker_bridge.model import Roadmap
from tracker_bridge.roadmap.loaded import LoadedRoadmap

FORMAT = 2  # 2: adopt claims kept
KEEP = 32  # entries (roadmap paths) kept; the least recently written go first


def cache_dir() -> Path:
    if os.environ.get("TB_CACHE_DIR"):
        return Path(os.environ["TB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tracker-bridge"


def load_roadmap_cached(
    path: Path, *, today: date | datetime | None = None
) -> LoadedRoadmap:
    """As `load_roadmap(path, today=today)`, from the cache when the file is unchanged."""
    path = Path(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        from tracker_bridge.roadmap import loader

        return loader.load_roadmap(path, today=today)  # it words the problem for people
    digest = hashlib.sha256(data).hexdigest()
    entry = _entry_path(path)
    found = _read_entry(entry, path, digest, today)
    if found is not None:
        return found
    from tracker_bridge.roadmap import loader  # the parser, only when there is parsing to do

    loaded = loader.load_roadmap_text(text, path, today=today)
    _write_entry(entry, path, digest, today, loaded)
    return loaded


def _entry_path(path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "roadmaps" / f"{name}.json"


def _team_day(today: date | datetime | None, timezone: str) -> date:
    """The team's date: `today` as given, a moment (`--now`) in the team's zone, else now."""
    if isinstance(today, datetime):
        return today.astimezone(ZoneInfo(timezone)).date()
    return today or datetime.now(ZoneInfo(timezone)).date()


def _read_entry(
    entry: Path, path: Path, digest: str, today: date | datetime | None
) -> LoadedRoadmap | None:
    try:
        stored: dict[str, Any] = json.loads(entry.read_bytes())
        if stored.get("key") != _key(path, digest):
            return None
        day = _team_day(today, stored["timezone"])
        if stored["today"] != day.isoformat():
            return None
        roadmap = Roadmap.model_validate_json(stored["roadmap"])
        lines = {str(item): int(line) for item, line in stored["lines"].items()}
        claims = {
            (str(item), str(target), str(key)): (int(line), int(column), str(where))
            for item, target, key, line, column, where in stored["claims"]
        }
    except Exception:
        return None
    return LoadedRoadmap(roadmap=roadmap, path=path, lines=lines, claims=claims)


def _write_entry(
    entry: Path, path: Path, digest: str, today: date | datetime | None, loaded: LoadedRoadmap
) -> None:
    timezone = loaded.roadmap.cadence.timezone
    day = _team_day(today, timezone)
    payload = {
        "key": _key(path, digest),
        "timezone": timezone,
        "today": day.isoformat(),
        "roadmap": loaded.roadmap.model_dump_json(),
        "lines": dict(loaded.lines),
        "claims": [[*claim, *where] for claim, where in loaded.claims.items()],
    }
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=entry.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as out:
            written = Path(out.name)
            json.dump(payload, out)
        os.replace(written, entry)
        _prune(entry.parent)
    except OSError:
        # A read-only or full disk: the next run parses again, nothing worse.
        if "written" in locals():
            written.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def _key(path: Path, digest: str) -> list[str]:
    return [str(FORMAT), str(path.resolve()), digest, _code_fingerprint()]


@cache
def _code_fingerprint() -> str:
    """Changes whenever the code that turns a file into a Roadmap may have changed."""
    package = Path(tracker_bridge.__file__).parent
    stamp = hashlib.sha256(tracker_bridge.__version__.encode())
    for folder in ("model", "roadmap"):
        for source in sorted((package / folder).glob("*.py")):
            info = source.stat()
            stamp.update(f"{source.name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return stamp.hexdigest()
