"""The stamp a completely quiet full sync leaves: what it depended on, and for how long.

Written by the full sync (through `tracker_bridge/cli/sync_stamp.py`), read by the replay
(`replay.py`); both compute the digests here, so they agree by construction. JSON, with a
version: a stamp of another version is not a stamp (the full sync runs and writes a new one).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker_bridge.quiet.conversation import Exchange

STAMP_VERSION = 2
"""2: answer digests cover the `Link` header."""
WINDOW_DAYS = 7
"""A stamp holds at most a week: a full sync runs at least weekly whatever happens."""
ENV_PREFIX = "TB_"


def file_digest(path: str | Path) -> str | None:
    """sha256 of the file's bytes; None when it cannot be read (then no stamp matches)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def env_digest(environ: Mapping[str, str] | None = None) -> str:
    """One digest of every TB_* variable, names and values: any set, changed or unset
    variable changes it. Only the digest is kept, never a value."""
    env = os.environ if environ is None else environ
    parts = sorted(f"{k}={v}" for k, v in env.items() if k.startswith(ENV_PREFIX))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def last_valid_day(today: date, changes: Iterable[date], days: int = WINDOW_DAYS) -> date:
    """The last team date whose sync would be built as today's: the day before the next
    date at which anything date-dependent changes (`changes`), and within `days`."""
    cap = today + timedelta(days=days - 1)
    upcoming = [day for day in changes if day > today]
    return min([cap, *(day - timedelta(days=1) for day in upcoming)])


CLIENT_LIBRARIES = ("jira", "pygithub", "requests", "httpx", "httpcore", "urllib3")
"""The distributions that compose and send the stamped requests (normalised names): jira and
PyGithub build them, requests and urllib3 send them, httpx and httpcore send GraphQL."""


def _normalised(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def library_versions(search_path: Sequence[str] | None = None) -> dict[str, str | None]:
    """The installed version of each client library, as the first `NAME-VERSION.dist-info`
    directory on the path says (the one `import` would load): no import, no metadata
    parsing. None for a library that is not found there."""
    found: dict[str, str | None] = dict.fromkeys(CLIENT_LIBRARIES)
    for entry in sys.path if search_path is None else search_path:
        try:
            names = [e.name for e in os.scandir(entry or ".") if e.name.endswith(".dist-info")]
        except OSError:  # a zip, a missing directory
            continue
        for name in names:
            dist, _, version = name.removesuffix(".dist-info").partition("-")
            key = _normalised(dist)
            if key in found and found[key] is None:
                found[key] = version
        if all(found.values()):
            break
    return found


def code_digest(search_path: Sequence[str] | None = None) -> str:
    """Size and modification time of every file of the installed package, and the versions
    of the client libraries: an upgrade or an edit of tracker-bridge (or of its adapters and
    mappings), or another jira, PyGithub, requests, httpx or urllib3, voids every stamp."""
    root = Path(__file__).resolve().parents[1]
    parts = [f"{name}=={version}" for name, version in library_versions(search_path).items()]
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            info = os.stat(os.path.join(folder, name))
            parts.append(f"{os.path.relpath(os.path.join(folder, name), root)}:"
                         f"{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class TrackerTalk:
    """One target's side of the stamp: where its credentials come from, and the exchanges."""

    tracker: str
    token_env: str | None
    """The NAME of the variable (or secrets file) holding the token; never its value."""
    username: str | None
    exchanges: Sequence[Exchange]

    def to_json(self) -> dict[str, Any]:
        return {
            "tracker": self.tracker,
            "token_env": self.token_env,
            "username": self.username,
            "exchanges": [exchange.to_json() for exchange in self.exchanges],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrackerTalk:
        return cls(
            tracker=str(data["tracker"]),
            token_env=data.get("token_env"),
            username=data.get("username"),
            exchanges=[Exchange.from_json(e) for e in data["exchanges"]],
        )


@dataclass(frozen=True)
class Stamp:
    project: str
    store: str
    """The SQLite file the stamp is in (resolved): a copied database is not the same store."""
    files: Mapping[str, str]
    """Resolved path -> sha256 of the config file, the roadmap, the mapping files."""
    env: str
    code: str
    """`code_digest()` when stamped."""
    timezone: str
    valid_from: date
    valid_through: date
    talks: Sequence[TrackerTalk]
    plan: Mapping[str, Any]
    """The quiet plan as `sync --json` printed it (empty, with its checksum)."""
    summary: Mapping[str, Any]
    """The quiet run's summary: the fast path reports the same keys."""

    @property
    def requests(self) -> int:
        return sum(len(talk.exchanges) for talk in self.talks)

    def dumps(self) -> str:
        return json.dumps({
            "version": STAMP_VERSION,
            "project": self.project,
            "store": self.store,
            "files": dict(self.files),
            "env": self.env,
            "code": self.code,
            "timezone": self.timezone,
            "valid_from": self.valid_from.isoformat(),
            "valid_through": self.valid_through.isoformat(),
            "talks": [talk.to_json() for talk in self.talks],
            "plan": self.plan,
            "summary": self.summary,
        }, sort_keys=True, default=str)

    @classmethod
    def loads(cls, text: str) -> Stamp | None:
        """None for a stamp of another version (or not a stamp at all)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != STAMP_VERSION:
            return None
        return cls(
            project=str(data["project"]),
            store=str(data["store"]),
            files=dict(data["files"]),
            env=str(data["env"]),
            code=str(data["code"]),
            timezone=str(data["timezone"]),
            valid_from=date.fromisoformat(data["valid_from"]),
            valid_through=date.fromisoformat(data["valid_through"]),
            talks=[TrackerTalk.from_json(t) for t in data["talks"]],
            plan=data["plan"],
            summary=data["summary"],
        )
