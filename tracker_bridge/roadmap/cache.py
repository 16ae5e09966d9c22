"""A roadmap that has not changed since the last run is not parsed again.

Parsing and validating costs about 0.2 ms per item (a second for 5,000), every night, for a
file that rarely changes. `load_roadmap_cached` keeps the validated roadmap as JSON in a
cache directory, one entry per roadmap path and version of the code, and uses it only when
all of these match:
the SHA-256 of the file's bytes (read in full every time: a changed file always re-parses,
whatever its size or modification time), the path, and tracker-bridge's version and the
size and modification time of every source file of the model and the loader (an edited
loader never reads an old entry). Anything else (no entry, another file, a broken or
unreadable entry, a read-only disk) loads the file as `load_roadmap` does; a file with
problems is never cached, so it reports them every run.

An entry serves every day: the only part of a roadmap that depends on the date is the
state of the sprints whose state the file does not set, and that is derived again from
their dates and the team's day on every read (`state_on`, as the loader does). The
items (most of the entry) sit in a file of their own beside it, so a command that reads the
items from the store loads the roadmap without them (`items=False`); and the plan alone (no
items, nor where they are written) in another, all `status` reads (`load_plan_cached`).

The directory is `$TB_CACHE_DIR`, else `$XDG_CACHE_HOME/tracker-bridge`, else
`~/.cache/tracker-bridge`; entries are JSON (never unpickled code), written atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Container
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import from_json

import tracker_bridge
from tracker_bridge.model import Roadmap, WorkItem, compact, stored_json_text
from tracker_bridge.model.planning import state_on
from tracker_bridge.roadmap.loaded import LoadedRoadmap

FORMAT = 4  # 2: adopt claims kept; 3: items in a file of their own (one a line), any day;
# 4: no `item_ids` when they are the ids of `lines` in order (as a file without problems has)
KEEP = 32  # entries (roadmap paths x code versions) kept; the least recently written go first
ITEMS_SUFFIX = ".items"
PLAN_SUFFIX = ".plan"  # the entry's plan alone (no lines, ids or claims), for `status`


def cache_dir() -> Path:
    if os.environ.get("TB_CACHE_DIR"):
        return Path(os.environ["TB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tracker-bridge"


def load_roadmap_cached(
    path: Path,
    *,
    today: date | datetime | None = None,
    items: bool = True,
    skip: Container[str] = (),
) -> LoadedRoadmap:
    """As `load_roadmap(path, today=today)`, from the cache when the file is unchanged.

    `items=False`: the roadmap without its items (`roadmap.items` empty; `lines` kept), for
    a command that reads every item from the store and needs only the plan around them.
    `skip`: leave these items out of `roadmap.items` (never validated from the cache): a
    report has the store's view of every synced item, and needs the roadmap's for the
    rest only. `lines` still lists every item, in file order."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        return _worded(path, today)
    digest = hashlib.sha256(data).hexdigest()
    entry = _entry_path(path)
    found = _read_entry(entry, path, digest, today, items, skip)
    if found is not None:
        return found  # an entry is written only for UTF-8 text: a hit needs no decoding
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _worded(path, today)
    from tracker_bridge.roadmap import loader  # the parser, only when there is parsing to do

    loaded = loader.load_roadmap_text(text, path, today=today)
    _write_entry(entry, path, digest, loaded)
    kept = tuple(i for i in loaded.roadmap.items if i.id not in skip) if items else ()
    if kept == loaded.roadmap.items:
        return loaded
    return dataclasses.replace(loaded, roadmap=loaded.roadmap.model_copy(update={"items": kept}))


def load_plan_cached(path: Path, *, today: date | datetime | None = None) -> Roadmap:
    """`load_roadmap_cached(path, today=today, items=False).roadmap`: the plan around the
    items, for a command that reads every item from the store and needs nothing of where
    they are written (`status`). A hit reads the plan's own small file beside the entry,
    not the entry (at 100,000 items 3 MB, the items' lines and ids: 50 ms to parse). A
    missing or damaged plan: the entry answers, else the file is parsed (both written)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        found = _read_plan(_entry_path(path).with_suffix(PLAN_SUFFIX), path, digest, today)
        if found is not None:
            return found
    return load_roadmap_cached(path, today=today, items=False).roadmap  # parsed and written


def _worded(path: Path, today: date | datetime | None) -> LoadedRoadmap:
    """A file that cannot be read or is not text: the loader words the problem for people."""
    from tracker_bridge.roadmap import loader

    return loader.load_roadmap(path, today=today)


def _entry_path(path: Path) -> Path:
    # The code's fingerprint is part of the name: two versions sharing one cache directory
    # (a rolling upgrade, a checkout beside an install) keep an entry each instead of
    # overwriting each other's on every run.
    named = f"{path.resolve()}\0{_code_fingerprint()}"
    name = hashlib.sha256(named.encode()).hexdigest()[:32]
    return cache_dir() / "roadmaps" / f"{name}.json"


def _team_day(today: date | datetime | None, timezone: str) -> date:
    """The team's date: `today` as given, a moment (`--now`) in the team's zone, else now."""
    if isinstance(today, datetime):
        return today.astimezone(ZoneInfo(timezone)).date()
    return today or datetime.now(ZoneInfo(timezone)).date()


def _read_entry(
    entry: Path, path: Path, digest: str, today: date | datetime | None, items: bool,
    skip: Container[str],
) -> LoadedRoadmap | None:
    try:
        # pydantic-core's parser, without its string cache: the entry's strings are
        # 100,000 distinct ids (`lines`), which the cache only slows (its default made it
        # slower than `json.loads`); the same values, 40% faster.
        stored: dict[str, Any] = from_json(entry.read_bytes(), cache_strings=False)
        if stored.get("key") != _key(path, digest):
            return None
        frame, fixed = _frame(stored, today)
        lines: dict[str, int] = stored["lines"]  # JSON keys are text; the values must be ints
        if not isinstance(lines, dict) or not set(map(type, lines.values())) <= {int}:
            return None
        found: tuple[WorkItem, ...] = ()
        if items:
            # One item a line, each validated on its own: one parse of the whole array
            # held 500 MB at 100,000 items; each item's memory is compacted as it comes.
            name = str(stored["items"])
            if Path(name).name != name or not name.startswith(entry.stem):
                return None  # only a file of this entry, beside it
            ids: list[str] = stored["item_ids"]
            if ids is None:  # the ids of `lines`, in order (not stored twice: 15 ms at 100k)
                ids = list(lines)  # JSON keys: text
            elif not _all_str(ids):
                return None
            # A report with every item synced skips them all: 20 MB not read at 100k items.
            if not _covers(skip, ids):
                texts = (entry.parent / name).read_bytes().splitlines()
                if len(texts) != len(ids):
                    return None
                found = tuple(
                    compact(WorkItem.model_validate_json(text))
                    for item_id, text in zip(ids, texts, strict=True) if item_id not in skip
                )
        roadmap = frame.model_copy(update={"items": found})
        claims = {
            (str(item), str(target), str(key)): (int(line), int(column), str(where))
            for item, target, key, line, column, where in stored["claims"]
        }
    except Exception:
        return None
    return LoadedRoadmap(roadmap=roadmap, path=path, lines=lines, claims=claims,
                         fixed_states=fixed)


def _frame(stored: dict[str, Any], today: date | datetime | None) -> tuple[Roadmap, frozenset[str]]:
    """The stored roadmap without items, each sprint in its state of the team's day
    (`state_on`) unless the file sets it; and the ids of the sprints the file sets."""
    frame = Roadmap.model_validate_json(stored["roadmap"])
    day = _team_day(today, frame.cadence.timezone)
    fixed = frozenset(str(sprint) for sprint in stored["fixed_states"])
    sprints = tuple(
        sprint if sprint.id in fixed
        else sprint.model_copy(update={"state": state_on(sprint.start, sprint.end, day)})
        for sprint in frame.sprints
    )
    return frame.model_copy(update={"sprints": sprints}), fixed


def _read_plan(
    plan: Path, path: Path, digest: str, today: date | datetime | None
) -> Roadmap | None:
    try:
        stored: dict[str, Any] = from_json(plan.read_bytes())
        if stored.get("key") != _key(path, digest):
            return None
        return _frame(stored, today)[0]
    except Exception:
        return None


def _covers(skip: Container[str], ids: list[str]) -> bool:
    """Every one of `ids` is in `skip` (a set's own loop when it is one: a third quicker
    over 100,000 ids)."""
    if isinstance(skip, set | frozenset):
        return skip.issuperset(ids)
    return all(map(skip.__contains__, ids))


def _all_str(values: Any) -> bool:
    """A list of text only (checked at C speed: 100,000 ids)."""
    return isinstance(values, list) and set(map(type, values)) <= {str}


def _write_entry(entry: Path, path: Path, digest: str, loaded: LoadedRoadmap) -> None:
    # The items first, under a name of their own: a reader of the entry being replaced
    # still finds the items it names, or misses and parses (never mixes two versions).
    items = entry.with_name(f"{entry.stem}-{secrets.token_hex(8)}{ITEMS_SUFFIX}")
    ids = [item.id for item in loaded.roadmap.items]
    plan = {
        "key": _key(path, digest),
        "roadmap": loaded.roadmap.model_copy(update={"items": ()}).model_dump_json(),
        "fixed_states": sorted(loaded.fixed_states),
    }
    payload = {
        **plan,
        "items": items.name,
        "item_ids": None if ids == list(loaded.lines) else ids,  # one a line of `items`
        "lines": dict(loaded.lines),
        "claims": [[*claim, *where] for claim, where in loaded.claims.items()],
    }
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_atomically(items, b"\n".join(stored_json_text(i).encode()
                                             for i in loaded.roadmap.items))
        # Keyed as the entry is (the file's digest, the code): always that file's plan.
        _write_atomically(entry.with_suffix(PLAN_SUFFIX), json.dumps(plan).encode())
        _write_atomically(entry, json.dumps(payload).encode())
        for old in entry.parent.glob(f"{entry.stem}-*{ITEMS_SUFFIX}"):
            if old != items:
                old.unlink(missing_ok=True)
        _prune(entry.parent)
    except OSError:
        # A read-only or full disk: the next run parses again, nothing worse.
        with contextlib.suppress(OSError):
            items.unlink(missing_ok=True)


def _write_atomically(target: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as out:
        written = Path(out.name)
    try:
        written.write_bytes(data)
        os.replace(written, target)
    finally:
        written.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
        old.with_suffix(PLAN_SUFFIX).unlink(missing_ok=True)
        for items in folder.glob(f"{old.stem}-*{ITEMS_SUFFIX}"):
            items.unlink(missing_ok=True)


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
