"""The Jira adapter: the `Adapter` protocol over a Jira project (Cloud or Data Center)."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tracker_bridge.model import FieldValue, RemoteRef, Sprint, Stage, TrackerId
from tracker_bridge.quiet.conversation import Recorder
from tracker_bridge.tracker import (
    AdapterError,
    DoctorCheck,
    NewItem,
    OnCreated,
    PullResult,
    RemoteGone,
    RemoteItem,
    RemoteSprint,
    StageChange,
    WriteResult,
)

from .changed import changed_at
from .client import JiraCallError, JiraClient
from .mapping import JiraMapping
from .metadata import Metadata, call_error
from .rank import rank_moves, send_moves
from .search import Cursor, fields_for, floor_minute, in_list, jql_time, quote, search
from .sprints import Sprints
from .stages import STRANDED_PROPERTY, StageMover
from .tool_section import split as split_description
from .translate import (
    DESCRIPTION_FIELDS,
    LABEL_FIELDS,
    current_sprint_id,
    from_remote,
    item_id_of,
    marker_label,
    parent_fields,
    parent_key_of,
    parse_time,
    sprint_entered_at,
    stage_changes,
    unmapped_of,
    update_to_remote,
)
from .writes import create_items, explain

MARKER_CHUNK = 50
SCOPE_KEYS = frozenset({"jql"})
"""Marker labels per lookup query: keeps JQL (and GET URLs) comfortably short."""


class JiraAdapter:
    """One Jira project. Metadata is read lazily and cached for the adapter's lifetime."""

    def __init__(
        self,
        tracker: TrackerId,
        *,
        url: str,
        username: str | None,
        token: str | None,
        mapping: JiraMapping,
        options: Mapping[str, Any],
        scope: Mapping[str, Any] | None = None,
    ) -> None:
        self.tracker = tracker
        self.project = tracker.split(":", 1)[1]
        self.scope_jql = scope_jql(tracker, scope or {})
        """The target's scope as a JQL fragment (None: the whole project)."""
        self.url = url.rstrip("/")
        self.mapping = mapping
        self.overlap = timedelta(seconds=float(options.get("overlap_seconds", 60)))
        # Jira Cloud's search lags behind writes: the reconciler waits this long before it
        # looks up a create whose answer was lost (0 for servers that index at once).
        self.marker_lookup_lag_seconds = float(options.get("marker_lookup_lag_seconds", 0))
        # Nothing is read at open: serverInfo (Cloud or Data Center) waits until needed, and a
        # pull learns it from its cursor instead.
        self.client = JiraClient(url, username=username, token=token, options=options)
        self.max_concurrency = self.client.max_concurrency
        """Single-item writes (edits, moves, parent links) the reconciler may run at once;
        option `max_concurrency` (default 8, 1 = serial). 429s are honoured per request."""
        self.meta = Metadata(self.client, mapping, self.project, self.url)
        self.mover = StageMover(self.client, mapping, self.project)
        self.sprints = Sprints(self.client, self.meta)
        self.key_to_item: dict[str, str] = {}
        self.bulk_missing = False
        self.rank_order: list[str] | None = None
        """Issue ids in rank order, as the pull's project listing found them."""

    # -- protocol basics ----------------------------------------------------------------------
    @property
    def requests_sent(self) -> int:
        return self.client.sent

    @property
    def recorder(self) -> Recorder:
        """This tracker's side of a recording `sync` (its quiet-night stamp)."""
        return self.client.recorder

    @property
    def rate_limit_wait_seconds(self) -> float:
        """Time spent waiting out Jira's 429 answers (Retry-After): `serve`'s metrics."""
        return self.client.rate_limit_waited

    @property
    def rate_limit_waits(self) -> int:
        return self.client.rate_limit_waits

    def field_owners(self) -> dict[str, Literal["roadmap", "tracker"]]:
        """Optional protocol extension: who owns each field, from mapping `ownership`."""
        return dict(self.mapping.ownership)

    def remember(self, refs: Mapping[str, RemoteRef], sprints: Mapping[str, str]) -> None:
        """Optional extension: teach the adapter ids it did not see this session, so parents
        and sprints pulled back can be named canonically (item id -> ref, sprint id -> remote)."""
        self.key_to_item.update({ref.key: item_id for item_id, ref in refs.items()})
        self.sprints.canonical.update({remote: sprint for sprint, remote in sprints.items()})

    def close(self) -> None:
        self.client.session.close()

    def init_mapping(self) -> str:
        """Optional extension (`mapping init`): a mapping file for the project as it is."""
        from .mapping_init import render_mapping
        from .mapping_live import read_facts

        return render_mapping(read_facts(self))

    def doctor(self) -> list[DoctorCheck]:
        from .doctor import run_doctor

        return run_doctor(self)

    def assignable(self, users: Sequence[str]) -> dict[str, bool]:
        """Which of these users (account ids on Cloud, usernames on Data Center) can be
        assigned issues in the project (for `doctor`)."""
        key = "accountId" if self.client.is_cloud else "username"
        return {
            user: bool(
                self.client.get("user/assignable/search", {"project": self.project, key: user})
            )
            for user in users
        }

    # -- reads --------------------------------------------------------------------------------
    def _ref(self, issue: Mapping[str, Any]) -> RemoteRef:
        key = str(issue["key"])
        updated = str((issue.get("fields") or {}).get("updated") or "")
        return RemoteRef(
            tracker=self.tracker,
            key=key,
            remote_id=str(issue["id"]),
            url=f"{self.url}/browse/{key}",
            version=updated,
        )

    def _search(self, jql: str, *, expand: str | None = None) -> list[dict[str, Any]]:
        try:
            schema = self.meta._schema  # use exact fields only if already known (no extra GET)
            return list(
                search(
                    self.client,
                    jql,
                    fields=fields_for(schema),
                    expand=expand,
                    properties=STRANDED_PROPERTY,
                )
            )
        except JiraCallError as exc:
            if exc.status == 400:
                raise AdapterError(
                    f"Jira refused the search for project {self.project}: {exc}"
                ) from None
            raise call_error(exc, f"searching project {self.project}", self.url) from None

    def scope_query(self) -> str:
        """JQL for the issues in scope: the fragment in parentheses, so an OR inside it
        cannot reach outside the project."""
        jql = f"project = {quote(self.project)}"
        return f"{jql} AND ({self.scope_jql})" if self.scope_jql else jql

    def in_scope_ids(self) -> set[str] | None:
        """Ids of the issues in scope (None: no scope, every issue is in). Key-only pages of
        up to 5,000 issues, so a few requests even for a large project."""
        if self.scope_jql is None:
            return None
        try:
            found = search(self.client, self.scope_query(), fields="key", page_size=5000)
            return {str(issue["id"]) for issue in found}
        except JiraCallError as exc:
            if exc.status == 400:
                raise AdapterError(
                    f"{self.tracker}: Jira refused the scope JQL ({self.scope_jql}): {exc}"
                ) from None
            raise call_error(exc, f"searching project {self.project}", self.url) from None

    def _translate(
        self, issues: Sequence[Mapping[str, Any]], scope: set[str] | None = None
    ) -> list[RemoteItem]:
        if not issues:
            return []
        schema = self.meta.schema()
        for issue in issues:
            labels = (issue.get("fields") or {}).get("labels") or ()
            item_id = item_id_of(self.mapping, labels)
            if item_id:
                self.key_to_item[str(issue["key"])] = item_id
        self._resolve_parents(issues)
        out: list[RemoteItem] = []
        for issue in issues:
            fields = issue.get("fields") or {}
            status, kind = fields.get("status") or {}, fields.get("issuetype") or {}
            if (issue.get("properties") or {}).get(STRANDED_PROPERTY):
                self.mover.stranded.add(str(issue["key"]))
            if status.get("id") and kind.get("id"):
                labels = frozenset(str(label) for label in fields.get("labels") or ())
                self.mover.seen(
                    str(issue["key"]),
                    str(status["id"]),
                    str(kind["id"]),
                    labels,
                    str(status.get("name") or ""),
                )
            item_id, values = from_remote(
                issue,
                self.mapping,
                schema,
                key_to_item=self.key_to_item,
                sprint_to_item=self.sprints.canonical,
            )
            updated = (
                parse_time(str(fields["updated"])) if fields.get("updated") else datetime.now(UTC)
            )
            unmapped, fallback = unmapped_of(issue, values)
            sprint = current_sprint_id(fields.get(schema.sprint_field or "")) or None
            created = fields.get("created")
            out.append(
                RemoteItem(
                    self._ref(issue),
                    item_id,
                    values,
                    updated,
                    in_scope=scope is None or str(issue["id"]) in scope,
                    unmapped=unmapped,
                    fallback=fallback,
                    created_at=parse_time(str(created)) if created else None,
                    # No Sprint entry in the changelog: it was created in the sprint.
                    sprint_since=sprint_entered_at(issue, sprint)
                    or (parse_time(str(created)) if sprint and created else None),
                    changed_at=changed_at(issue, self.mapping, schema),
                )
            )
        return out

    def _resolve_parents(self, issues: Sequence[Mapping[str, Any]]) -> None:
        """Name parents we have not seen yet by their markers: one search per 100 keys."""
        schema = self.meta.schema()
        unknown = sorted(
            {
                key
                for issue in issues
                if (key := parent_key_of(issue.get("fields") or {}, schema))
                and key not in self.key_to_item
            }
        )
        for start in range(0, len(unknown), 100):
            chunk = unknown[start : start + 100]
            try:
                found = search(self.client, f"key in {in_list(chunk)}", fields="labels")
                for issue in found:
                    item_id = item_id_of(
                        self.mapping, (issue.get("fields") or {}).get("labels") or ()
                    )
                    if item_id:
                        self.key_to_item[str(issue["key"])] = item_id
            except JiraCallError:
                continue  # a deleted or hidden parent stays unnamed (left out of values)

    def pull(self, cursor: str | None) -> PullResult:
        state = Cursor.decode(cursor)
        cloud = state.deployment(self.url)
        if cloud is not None and not self.client.deployment_known:
            self.client.assume_deployment(cloud)
        # The pull's start on the server's clock, told by the first answer after it (its
        # `Date`): edits from then on are read again next time, inside the overlap.
        started_here = time.monotonic()
        jql = f"project = {quote(self.project)}"
        if state.since is not None:
            since = floor_minute(state.since - self.overlap)
            jql += f" AND updated >= {jql_time(since)}"
        # Newest first: pages are offsets into a result that moves while people edit. An edit
        # moves its issue to the front, so newest first it only pushes unread issues down
        # (read twice, dropped below) and never past a page already read, as oldest first
        # does; the edited issue itself is newer than `started`, so the next pull reads it.
        jql += " ORDER BY updated DESC, key DESC"
        unique: dict[str, dict[str, Any]] = {}
        for issue in self._search(jql, expand="changelog"):
            unique.setdefault(str(issue["key"]), issue)  # a repeat was pushed down, unchanged
        issues = list(reversed(unique.values()))  # oldest first, as callers read best
        triples = [
            (str(i["key"]), str(i["fields"]["updated"]), parse_time(str(i["fields"]["updated"])))
            for i in issues
        ]
        fresh = [
            issue
            for issue, (key, updated, _) in zip(issues, triples, strict=True)
            if (key, updated) not in state.seen
        ]
        items = self._translate(fresh, self.in_scope_ids() if fresh else None)
        changes = [
            StageChange(item.item_id, item.ref.key, before, after, at)
            for item, issue in zip(items, fresh, strict=True)
            for before, after, at in stage_changes(issue, self.mapping)
            if state.since is None or at > state.since
        ]
        started = self.client.server_time_at(started_here)
        new_state = replace(
            state.advanced(triples, self.overlap, started),
            site=self.url, cloud=self.client.is_cloud,
        )
        return PullResult(items=items, cursor=new_state.encode(), stage_changes=changes)

    def rank(
        self, order: Sequence[RemoteRef], only: Collection[RemoteRef] | None = None
    ) -> tuple[int, list[str]]:
        """Rank the issues in this order (the roadmap's), sending only what moved; with
        `only`, place just those issues (the tracker owns the order); (rank requests sent,
        errors). Nothing before a pull has listed the project's rank order."""
        if self.rank_order is None:
            return 0, []
        key_of = {ref.remote_id: ref.key for ref in order}
        current = [key_of[i] for i in self.rank_order if i in key_of]
        placed = None if only is None else {ref.key for ref in only}
        moves = rank_moves(current, [ref.key for ref in order], placed)
        return len(moves), send_moves(self.client, moves)

    def check_refs(self, refs: Sequence[RemoteRef]) -> list[RemoteGone]:
        """Optional extension: which of these issues are gone from the project or scope."""
        from .lifecycle import check_refs

        return check_refs(self, refs)

    @property
    def site(self) -> str:
        """Optional extension: targets on one site share issue ids, so an issue moved from
        one configured project to another is recognised, and followed, by its id."""
        return self.url

    def markers_at(self, refs: Sequence[RemoteRef]) -> dict[str, tuple[str, ...]]:
        """Optional extension: the item ids each issue's markers name now, by remote id,
        checked before writing to issues the pull did not bring (one search per 100)."""
        from .markers import markers_at

        return markers_at(self, refs)

    def issues_by_key(self, keys: Collection[str]) -> dict[str, RemoteItem]:
        """Optional extension: issues by key (one read each), for `adopt:` claims the pull
        did not bring; a key Jira does not know is left out."""
        found: list[dict[str, Any]] = []
        for key in sorted(set(keys)):
            try:
                found.append(
                    self.client.get(f"issue/{key}", {"fields": fields_for(self.meta.schema())})
                )
            except JiraCallError as exc:
                if exc.status == 404:
                    continue
                raise call_error(exc, f"reading {key}", self.url) from None
        mine = [i for i in found if str(i["key"]).rsplit("-", 1)[0] == self.project]
        return {item.ref.key: item for item in self._translate(mine)}

    def write_marker(self, ref: RemoteRef, item_id: str) -> WriteResult:
        """Optional extension: add the item's marker label to an issue it adopts."""
        try:
            issue = self.client.get(f"issue/{ref.key}", {"fields": "labels"})
        except JiraCallError as exc:
            return WriteResult(item_id, ref, error=str(exc))
        labels = [str(label) for label in (issue.get("fields") or {}).get("labels") or ()]
        marker = marker_label(self.mapping, item_id)
        error = None
        if marker not in labels:
            error = self._put_fields(ref, {"labels": sorted({*labels, marker})})
        if error is None:
            self.key_to_item[ref.key] = item_id
        return WriteResult(item_id, ref, {}, error)

    def find_by_marker(self, item_ids: Collection[str]) -> dict[str, RemoteItem]:
        ids = sorted(set(item_ids))
        found: dict[str, RemoteItem] = {}
        for start in range(0, len(ids), MARKER_CHUNK):
            labels = [marker_label(self.mapping, i) for i in ids[start : start + MARKER_CHUNK]]
            jql = f"project = {quote(self.project)} AND labels in {in_list(labels)}"
            for item in self._translate(self._search(jql + " ORDER BY key ASC")):
                if item.item_id is not None and item.item_id in item_ids:
                    found[item.item_id] = item
        return found

    # -- writes -------------------------------------------------------------------------------
    def create_items(self, items: Sequence[NewItem], on_created: OnCreated) -> list[WriteResult]:
        return create_items(self, items, on_created)

    def _put_fields(self, ref: RemoteRef, fields: Mapping[str, Any]) -> str | None:
        try:
            self.client.put(f"issue/{ref.key}", {"fields": fields})
        except JiraCallError as exc:
            if exc.status in (401, 403):
                raise call_error(exc, f"editing {ref.key}", self.url) from None
            return explain(self, exc.messages) if exc.status == 400 else str(exc)
        return None

    def update_fields(self, ref: RemoteRef, changes: Mapping[str, FieldValue]) -> WriteResult:
        changes = {k: v for k, v in changes.items() if k not in ("stage", "sprint", "parent")}
        schema = self.meta.schema()
        item_id, current, written = self.key_to_item.get(ref.key, ""), None, None
        keep: list[str] = []
        if (LABEL_FIELDS | DESCRIPTION_FIELDS) & set(changes):
            # Labels carry the marker, track, spike and blocked too: rebuild the whole list.
            # A spike's description carries its section (hypothesis, record): keep it.
            try:
                issue = self.client.get(f"issue/{ref.key}", {"fields": fields_for(schema)})
            except JiraCallError as exc:
                return WriteResult(item_id, ref, error=str(exc))
            marker, current = from_remote(issue, self.mapping, schema)
            item_id = marker or item_id
            refinements = self.mapping.refinement_labels()
            keep = [x for x in (issue.get("fields") or {}).get("labels") or () if x in refinements]
            raw = str((issue.get("fields") or {}).get("description") or "")
            written = split_description(raw)
        fields = update_to_remote(
            changes, self.mapping, schema, current, item_id or None, written, keep=keep
        )
        error = self._put_fields(ref, fields) if fields else None
        values: dict[str, FieldValue] = {} if error else dict(changes)
        if error and "assignee" in fields and error.startswith("assignee:") and ";" not in error:
            # Refused only for the assignee: the rest is set (a PUT is absolute, safe to send
            # again); the caller warns about the assignee on every run until it is fixed.
            rest = {k: v for k, v in fields.items() if k != "assignee"}
            error = self._put_fields(ref, rest) if rest else None
            values = {} if error else {**changes, "assignee": None}
            return WriteResult(item_id, ref, values, error, dropped=("assignee",))
        return WriteResult(item_id, ref, values, error)

    def move_stage(self, ref: RemoteRef, stage: Stage) -> WriteResult:
        written = self.mover.move(ref, stage)
        return WriteResult(
            self.key_to_item.get(ref.key, ""), ref, {"stage": stage.value, **written}
        )

    def link_parent(self, ref: RemoteRef, parent: RemoteRef | None) -> WriteResult:
        fields = parent_fields(self.meta.schema(), parent.key if parent else None)
        error = self._put_fields(ref, fields)
        value = self.key_to_item.get(parent.key) if parent else None
        return WriteResult(self.key_to_item.get(ref.key, ""), ref, {"parent": value}, error)

    def ensure_sprint(self, sprint: Sprint, remote_id: str | None) -> str:
        return self.sprints.ensure(sprint, remote_id)

    def assign_sprint(
        self, remote_sprint_id: str | None, refs: Sequence[RemoteRef]
    ) -> list[WriteResult]:
        return self.sprints.assign(remote_sprint_id, refs, self.key_to_item)

    def list_sprints(self) -> list[RemoteSprint]:
        """Optional extension: the board's sprints, closed ones too (for `import`)."""
        from .board_sprints import list_board_sprints

        return list_board_sprints(self.client, self.meta)

    def comment(self, ref: RemoteRef, text: str) -> None:
        try:
            self.client.post(f"issue/{ref.key}/comment", {"body": text})
        except JiraCallError as exc:
            raise call_error(exc, f"commenting on {ref.key}", self.url) from None


def scope_jql(tracker: str, scope: Mapping[str, Any]) -> str | None:
    """The scope's JQL fragment, checked: Jira scopes take `jql` only, without ORDER BY."""
    unknown = sorted(set(scope) - SCOPE_KEYS)
    if unknown:
        raise AdapterError(f"{tracker}: a Jira scope takes `jql`, not {', '.join(unknown)}")
    jql = scope.get("jql")
    if jql is None:
        return None
    text = str(jql).strip()
    if not text or "order by" in text.casefold():
        raise AdapterError(f"{tracker}: scope jql must be a condition without ORDER BY")
    return text
