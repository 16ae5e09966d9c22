"""Delivery facts through GitHub's REST API (the nightly read; webhooks bring the same facts
sooner): pull requests, deployments with their latest status, releases, and which merge
commits a deployed commit contains (the commits list, read once per run for all of them).

Cost, per run: pulls `state=all&sort=updated` newest first, so an unchanged repository is
one 304 on the first page (its ETag rides in the cursor) and a changed one reads only the
pages down to the last run's time; the same for deployments and releases (newest first by
creation). The latest status of every new deployment to an environment the mapping names
comes from one GraphQL `nodes(ids:)` query per 100 deployments (REST has no list of statuses
across deployments: one request per deployment); deployments to other environments cost
nothing; one still running is asked about again next run. Releases are read only when a
release can move anything (no environment maps to the release's stage).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from tracker_bridge.adapters.github.client import GitHubClient, Reply
from tracker_bridge.adapters.github.history import issue_events
from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.translate import parse_time, utc_text
from tracker_bridge.delivery.facts import Fact
from tracker_bridge.delivery.github_json import deployment_fact, pull_fact, release_fact
from tracker_bridge.delivery.rules import DeliveryRules
from tracker_bridge.delivery.source import DeliveryRead, Target
from tracker_bridge.tracker import AdapterError

NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
PER_PAGE = 100
FINAL_STATES = frozenset({"success", "failure", "error", "inactive"})
CURSOR_PREFIX = "ghd1:"


class DeliveryReading:
    """Mixed into `GitHubAdapter` (which provides these attributes)."""

    tracker: str
    client: GitHubClient
    mapping: GitHubMapping
    full_name: str
    repo_path: str

    # -- capability -------------------------------------------------------------------
    def delivery_rules(self) -> DeliveryRules | None:
        section = self.mapping.delivery
        return section.rules() if section.enabled else None

    def owns_repo(self, full_name: str) -> bool:
        return full_name.casefold() == self.full_name.casefold()

    # -- the incremental read ---------------------------------------------------------
    def read_deliveries(self, cursor: str | None) -> DeliveryRead:
        state = _load(cursor)
        rules = self.delivery_rules() or DeliveryRules()
        overlap = timedelta(seconds=self.mapping.pacing.overlap_seconds)
        facts: list[Fact] = []
        facts += self._pulls(state.setdefault("pulls", {}), overlap)
        facts += self._deployments(state.setdefault("deployments", {}), overlap, rules)
        if rules.release_stage is not None:
            facts += self._releases(state.setdefault("releases", {}), overlap)
        return DeliveryRead(facts, CURSOR_PREFIX + json.dumps(state, sort_keys=True))

    def _pages(
        self, path: str, params: Mapping[str, Any], part: dict[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages newest first; the first page conditional on the last run's ETag."""
        url: str | None = f"{self.repo_path}/{path}"
        query: Mapping[str, Any] | None = {**params, "per_page": PER_PAGE}
        headers = {"If-None-Match": part["etag"]} if part.get("etag") else {}
        first = True
        while url:
            reply = self.client.rest("GET", url, params=query, headers=headers)
            if reply.status == 304:
                return
            _ok(reply, path, self.full_name)
            if first:
                part["etag"] = _header(reply, "etag")
                first = False
            yield list(reply.data)
            found = NEXT.search(_header(reply, "link") or "")
            url, query, headers = (found.group(1) if found else None), None, {}

    def _recent(
        self, path: str, params: Mapping[str, Any], part: dict[str, Any], stamp: str,
        overlap: timedelta,
    ) -> Iterator[tuple[dict[str, Any], datetime]]:
        """A newest-first listing down to the last run's `since` less the overlap, each item
        with its `stamp` time; once read, the cursor's `since` moves to the newest one."""
        since = _time(part.get("since"))
        newest = since
        for page in self._pages(path, params, part):
            for raw in page:
                at = parse_time(raw[stamp])
                if since is not None and at < since - overlap:
                    break
                newest = max(newest or at, at)
                yield raw, at
            else:
                continue
            break  # an item older than the window: the pages after it are older still
        if newest is not None:
            part["since"] = utc_text(newest)

    def _pulls(self, part: dict[str, Any], overlap: timedelta) -> list[Fact]:
        params = {"state": "all", "sort": "updated", "direction": "desc"}
        return [
            pull_fact(self.full_name, raw)
            for raw, _ in self._recent("pulls", params, part, "updated_at", overlap)
        ]

    def _deployments(
        self, part: dict[str, Any], overlap: timedelta, rules: DeliveryRules
    ) -> list[Fact]:
        running: list[Any] = list(part.get("running") or [])
        fresh: list[dict[str, Any]] = []
        listed: list[tuple[str, datetime]] = []
        known = set(part.get("known") or [])
        for raw, created in self._recent("deployments", {}, part, "created_at", overlap):
            listed.append((str(raw["id"]), created))
            if str(raw["id"]) not in known:
                fresh.append(raw)
        newest = _time(part.get("since"))
        if listed and newest is not None:
            # Ids inside the next run's overlap window: never read twice.
            part["known"] = sorted(i for i, created in listed if created >= newest - overlap)
        wanted = [
            _brief(raw)
            for raw in fresh
            if rules.environment_stage(str(raw.get("environment") or "")) is not None
        ]  # an environment the mapping does not name moves nothing: not even read
        fresh_ids = {d["id"] for d in wanted}
        wanted += [d for d in running if isinstance(d, dict) and d.get("id") not in fresh_ids]
        statuses = self._latest_statuses([d["node_id"] for d in wanted])
        found: list[Fact] = []
        still_running: list[dict[str, Any]] = []
        for brief in wanted:
            fact = deployment_fact(self.tracker, brief, statuses.get(brief["node_id"]))
            found.append(fact)
            if fact.state not in FINAL_STATES:
                still_running.append(brief)
        part["running"] = still_running
        return found

    def _latest_statuses(self, node_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each deployment's latest status, 100 deployments per GraphQL query (REST would
        take one `GET .../statuses` per deployment)."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(node_ids), PER_PAGE):
            chunk = list(node_ids[start : start + PER_PAGE])
            data = self.client.graphql(LATEST_STATUSES, {"ids": chunk}) or {}
            for node in data.get("nodes") or []:
                latest = (node or {}).get("latestStatus")
                if node and latest:
                    found[node["id"]] = {
                        "state": str(latest["state"]).lower(),
                        "created_at": latest["createdAt"],
                    }
        return found

    def _releases(self, part: dict[str, Any], overlap: timedelta) -> list[Fact]:
        return [
            release_fact(self.full_name, raw)
            for raw, _ in self._recent("releases", {}, part, "created_at", overlap)
        ]

    # -- GitHub's own closes ------------------------------------------------------------
    def closing_commits(self, keys: Sequence[str]) -> dict[str, str | None]:
        """Issue number -> the commit its last `closed` event names (GitHub closed it for a
        merged `Fixes #N`), None when a person closed it: one events request per issue,
        asked only for issues that closed since the last run while a pull request moves them."""
        found: dict[str, str | None] = {}
        for key in keys:
            events = issue_events(self.client, self.repo_path, key)
            closes = [e for e in events or [] if e.get("event") == "closed"]
            found[key] = str(closes[-1]["commit_id"]) if closes and closes[-1].get(
                "commit_id") else None
        return found

    # -- the commit graph -------------------------------------------------------------
    def merges_reachable(
        self, targets: Sequence[Target], merges: Mapping[str, datetime]
    ) -> dict[str, frozenset[str]]:
        """One commits listing from the newest target back to the oldest merge in question
        usually answers every target (a linear default branch); a target outside what was
        read gets its own listing."""
        if not targets or not merges:
            return {}
        floor = min(merges.values()) - timedelta(minutes=1)
        parents: dict[str, list[str]] = {}
        aliases: dict[str, str] = {}
        result: dict[str, frozenset[str]] = {}
        for target in sorted(targets, key=lambda t: t.at, reverse=True):
            start = aliases.get(target.ref, target.ref)
            if start not in parents:
                first = self._read_history(target.ref, floor, parents)
                if first is None:
                    result[target.key] = frozenset()
                    continue
                aliases[target.ref] = start = first
            result[target.key] = frozenset(_reachable(start, parents) & set(merges))
        return result

    def _read_history(self, ref: str, floor: datetime, parents: dict[str, list[str]]) -> str | None:
        url: str | None = f"{self.repo_path}/commits"
        query: Mapping[str, Any] | None = {
            "sha": ref,
            "since": utc_text(floor),
            "per_page": PER_PAGE,
        }
        first: str | None = None
        while url:
            reply = self.client.rest("GET", url, params=query)
            if reply.status in (404, 409, 422):
                return None  # a ref GitHub does not know (a commit from another repository)
            _ok(reply, "commits", self.full_name)
            for raw in reply.data:
                first = first or raw["sha"]
                parents[raw["sha"]] = [p["sha"] for p in raw.get("parents") or []]
            found = NEXT.search(_header(reply, "link") or "")
            url, query = (found.group(1) if found else None), None
        return first


LATEST_STATUSES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Deployment { id latestStatus { state createdAt } } }
}
"""


def _brief(raw: Mapping[str, Any]) -> dict[str, Any]:
    """What a deployment fact needs, kept in the cursor while the deployment still runs."""
    keys = ("id", "node_id", "environment", "sha", "created_at")
    return {key: raw.get(key) for key in keys}


def _reachable(start: str, parents: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        sha = stack.pop()
        if sha in seen:
            continue
        seen.add(sha)
        stack.extend(p for p in parents.get(sha, ()) if p in parents)
    return seen


def _load(cursor: str | None) -> dict[str, Any]:
    if not cursor or not cursor.startswith(CURSOR_PREFIX):
        return {}
    try:
        data = json.loads(cursor[len(CURSOR_PREFIX) :])
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _time(text: Any) -> datetime | None:
    return parse_time(text) if isinstance(text, str) and text else None


def _header(reply: Reply, name: str) -> str | None:
    return next((v for k, v in reply.headers.items() if k.lower() == name), None)


def _ok(reply: Reply, what: str, full_name: str) -> None:
    if reply.status != 200 or not isinstance(reply.data, list | dict):
        raise AdapterError(f"GitHub answered {reply.status} reading {what} of {full_name}")
