"""JQL building, paged search on the endpoint the server has, and the pull cursor."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .client import JiraClient
from .translate import JiraSchema, parse_time

BASE_FIELDS = (
    "summary",
    "description",
    "issuetype",
    "labels",
    "status",
    "duedate",
    "assignee",
    "parent",
    "components",
    "created",
    "updated",
)


def quote(value: str) -> str:
    """A JQL string literal: always quoted, backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(quote(value) for value in values) + ")"


def jql_time(moment: datetime) -> str:
    """A JQL datetime as epoch milliseconds, unquoted: an instant, unlike the `"yyyy-MM-dd
    HH:mm"` forms, which Jira reads in the searching user's profile time zone. So no
    `myself` read for that zone, and a user who changes it cannot shift our window."""
    return str(int(moment.timestamp() * 1000))


def fields_for(schema: JiraSchema | None) -> str:
    """Only what the mapping needs; `*navigable` until the custom field ids are known, so a
    quiet pull never pays for `GET /field`."""
    if schema is None:
        return "*navigable,updated"
    extra = [
        f
        for f in (
            schema.points_field,
            schema.sprint_field,
            schema.epic_link_field,
            schema.flagged_field,
        )
        if f
    ]
    return ",".join((*BASE_FIELDS, *extra))


def search(
    client: JiraClient,
    jql: str,
    *,
    fields: str,
    expand: str | None = None,
    page_size: int = 100,
    properties: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Every issue of a JQL search: Cloud `/search/jql` with nextPageToken, DC `/search`."""
    params: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": page_size}
    if expand:
        params["expand"] = expand
    if properties:
        params["properties"] = properties
    if client.is_cloud:
        while True:
            page = client.get("search/jql", params) or {}
            yield from page.get("issues") or ()
            token = page.get("nextPageToken")
            if not token or page.get("isLast", False):
                return
            params["nextPageToken"] = token
    start = 0
    while True:
        page = client.get("search", {**params, "startAt": start}) or {}
        issues = page.get("issues") or []
        yield from issues
        start += len(issues)
        # Trust the server's own maxResults/total: it may cap the page size.
        if not issues or start >= int(page.get("total", 0)):
            return


@dataclass(frozen=True)
class Cursor:
    """Newest `updated` seen, plus the (key, updated) pairs inside the overlap window so the
    next pull can drop what it has already returned."""

    since: datetime | None
    seen: frozenset[tuple[str, str]] = frozenset()
    site: str | None = None
    """The Jira base URL the deployment type below was read from."""
    cloud: bool | None = None
    """serverInfo's deploymentType (Cloud or not) for `site`: later pulls skip serverInfo."""

    def encode(self) -> str | None:
        if self.since is None:
            return None
        data: dict[str, Any] = {
            "since": self.since.isoformat(), "seen": sorted(map(list, self.seen))
        }
        if self.site is not None and self.cloud is not None:
            data |= {"site": self.site, "cloud": self.cloud}
        return json.dumps(data, separators=(",", ":"))

    def deployment(self, site: str) -> bool | None:
        """Whether `site` is Jira Cloud, as known for that same site; None: ask serverInfo."""
        return self.cloud if self.site == site else None

    @staticmethod
    def decode(text: str | None) -> Cursor:
        if not text:
            return Cursor(None)
        if text.lstrip().startswith("{"):
            data = json.loads(text)
            since = datetime.fromisoformat(data["since"])
            seen = frozenset((str(k), str(u)) for k, u in data.get("seen") or ())
            cloud = data.get("cloud")
            site = data.get("site")
            return Cursor(
                since.astimezone(UTC),
                seen,
                str(site) if isinstance(site, str) else None,
                cloud if isinstance(cloud, bool) else None,
            )
        # A bare ISO timestamp (from another tool or an older run).
        return Cursor(datetime.fromisoformat(text).astimezone(UTC))

    def advanced(
        self,
        issues: Sequence[tuple[str, str, datetime]],
        overlap: timedelta,
        started: datetime | None = None,
    ) -> Cursor:
        """After a pull, started at `started` (server clock), that saw these (key, updated
        text, updated time) triples. The pull start wins over the newest `updated`, so a
        quiet night re-reads only the overlap before the last pull, not the last busy minute."""
        moments = [moment for _, _, moment in issues]
        moments += [m for m in (self.since, started) if m is not None]
        if not moments:
            return self
        since = max(moments)
        # What the next query reads again: JQL has minutes, so from the minute of the overlap.
        window = floor_minute(since - overlap)
        kept = {(k, u) for k, u, moment in issues if moment >= window}
        kept |= {(k, u) for k, u in self.seen if parse_time(u) >= window}
        return Cursor(since, frozenset(kept), self.site, self.cloud)


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)
