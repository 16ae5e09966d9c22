"""The GitHub Adapter: the protocol in tracker_bridge.tracker, on one repository (+ project).

Reads come from list payloads only (raw JSON; no lazy completion). Writes are serial and paced
by the client. Field values read back are translated by `translate.from_remote`.

Pull cost. REST: `since=<cursor - overlap>` sorted by update, newest first (reading.py says
why); the first page's ETag travels in the cursor, so an unchanged repository costs one 304,
also on the first quiet pull after a change (the moved `since` leaves page 1's content, hence
its ETag, as it was; the overlap is re-read only when something changed).
Projects mode adds the project's items over GraphQL, because a field edit on the board does not
touch the issue's `updated_at`: one GraphQL page per 100 project items on every pull. The
trade-off (mapping `project.scan`): `every_pull` keeps a quiet pull at 2 requests up to 100
project items and adds one cheap query (1 point) per further 100, so board-only moves are seen
at once; `when_issues_changed` reads the board only when REST shows changes, so a quiet pull is
one 304 at any size but a move made only on the board waits for the next issue change. The
GraphQL API offers no "updated since" filter or update ordering on project items.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.adapters.github import sprints
from tracker_bridge.adapters.github.client import GitHubClient, WriteUncertain
from tracker_bridge.adapters.github.delivery import DeliveryReading
from tracker_bridge.adapters.github.doctor import run_doctor
from tracker_bridge.adapters.github.history import change_times
from tracker_bridge.adapters.github.mapping import GitHubMapping
from tracker_bridge.adapters.github.projects import ProjectBoard
from tracker_bridge.adapters.github.rank import position_items
from tracker_bridge.adapters.github.reading import (
    Cursor,
    Listing,
    Probe,
    board_fingerprint,
    list_issues,
    probe_repository,
    settled_before,
)
from tracker_bridge.adapters.github.scope import IssueScope
from tracker_bridge.adapters.github.translate import (
    Json,
    Lookups,
    ProjectValues,
    from_remote,
    issue_number,
    parse_time,
    utc_text,
)
from tracker_bridge.adapters.github.writing import Writer
from tracker_bridge.model import FieldValue, RemoteRef, Sprint, Stage
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


class GitHubAdapter(DeliveryReading):
    """A configured connection to one GitHub repository (and, in projects mode, a project)."""

    def __init__(
        self,
        tracker: str,
        client: GitHubClient,
        mapping: GitHubMapping,
        *,
        owner: str,
        repo: str,
        project: ProjectBoard | None = None,
        scope: IssueScope | None = None,
        board_hint: tuple[str | None, int | None] = (None, None),
    ) -> None:
        self.tracker = tracker
        self.scope = scope or IssueScope()
        self.client = client
        self.mapping = mapping
        self.full_name = f"{owner}/{repo}"
        self.repo_path = f"/repos/{owner}/{repo}"
        self.project = project
        self.board_hint = board_hint
        """(owner, number) of the board the options or mapping name, for `mapping init`."""
        self.missing = (
            f"repository {self.full_name} not found or not visible to the token: fix the "
            f"tracker id ({tracker}) or the token's repository access"
        )
        self.items_by_number: dict[int, str] = {}
        self.board_order: list[int] | None = None
        """Issue numbers in the project board's order, from this run's scan (projects mode)."""
        self.board_items: dict[int, str] = {}
        self.sprint_by_iteration: dict[str, str] = {}
        self.stages: dict[int, str] = {}
        self.probe: Probe | None = None
        """This session's look at the whole repository (`probe_repository`), if a pull sent
        one: the removal check (`removals_since`) reads it too."""
        self.task_parents: dict[int, int] = {}
        self.writer = Writer(self)

    # -- protocol basics -------------------------------------------------------------------
    @property
    def requests_sent(self) -> int:
        return self.client.requests_sent

    @property
    def recorder(self) -> Recorder:
        """This tracker's side of a recording `sync` (its quiet-night stamp)."""
        return self.client.recorder

    @property
    def rate_limit_wait_seconds(self) -> float:
        """Time spent waiting for GitHub's limits and the write pacing (`serve`'s metrics)."""
        return self.client.pacer.waited

    @property
    def rate_limit_waits(self) -> int:
        return self.client.pacer.waits

    @property
    def writes_per_minute(self) -> float:
        """The pace writes are held to (the CLI estimates a long seed's time from it)."""
        return 60.0 / self.client.pacer.write_interval

    def field_owners(self) -> dict[str, Literal["roadmap", "tracker"]]:
        return self.mapping.field_owners()

    def close(self) -> None:
        self.client.close()

    def doctor(self) -> list[DoctorCheck]:
        return run_doctor(self)

    def init_mapping(self) -> str:
        """Optional extension (`mapping init`): a mapping for the repository and board as
        they are."""
        from tracker_bridge.adapters.github.mapping_init import render_mapping
        from tracker_bridge.adapters.github.mapping_live import read_facts

        owner, number = self.board_hint
        return render_mapping(read_facts(self, owner=owner, number=number))

    def assignable(self, logins: Sequence[str]) -> dict[str, bool]:
        """Which logins can be assigned issues in the repository (for `doctor`)."""
        return {
            login: self.client.rest("GET", f"{self.repo_path}/assignees/{quote(login)}").status
            == 204
            for login in logins
        }

    def remember(self, refs: Mapping[str, RemoteRef], sprints: Mapping[str, str]) -> None:
        """Optional protocol extension, called by the reconciler before each pull: the store's
        refs and sprint ids, so parents and iterations pulled back are named canonically
        without extra lookups (milestones carry their sprint id themselves)."""
        self.items_by_number.update({int(ref.key): item_id for item_id, ref in refs.items()})
        self.learn_sprints({remote: sprint for sprint, remote in sprints.items()})

    def list_sprints(self) -> list[RemoteSprint]:
        """Optional extension: milestones, or the project's iterations (for `import`)."""
        from tracker_bridge.adapters.github.sprint_listing import list_sprints

        return list_sprints(self)

    def learn_sprints(self, remote_to_sprint: Mapping[str, str]) -> None:
        """Remote sprint id -> canonical sprint id (see `remember`)."""
        self.sprint_by_iteration.update(remote_to_sprint)

    # -- reading ---------------------------------------------------------------------------
    def issue(self, number: int | str) -> Json | None:
        reply = self.client.rest("GET", f"{self.repo_path}/issues/{number}")
        if reply.status == 404:
            return None
        if reply.status != 200:
            raise AdapterError(f"GitHub answered {reply.status} reading {self.full_name}#{number}")
        data: Json = reply.data
        return data

    def translate(
        self, raws: Sequence[Json], project: Mapping[int, ProjectValues]
    ) -> list[RemoteItem]:
        for raw in raws:
            parts = bodies.parse(raw.get("body"))
            if parts.item_id:
                self.items_by_number[int(raw["number"])] = parts.item_id
            for child in parts.children:
                self.task_parents[child] = int(raw["number"])
        self._learn_parents(raws)
        lookups = Lookups(self.items_by_number, self.sprint_by_iteration, self.task_parents)
        return [
            self.scope.mark(
                raw,
                from_remote(
                    raw, self.mapping, self.tracker, lookups, project.get(int(raw["number"]))
                ),
            )
            for raw in raws
        ]

    def _learn_parents(self, raws: Sequence[Json]) -> None:
        """Parents outside this batch: one GET each, only for parents we have not seen. A
        parent in the batch was read already (an unmarked one stays unnamed: no GET)."""
        in_batch = {int(raw["number"]) for raw in raws}
        unknown = {issue_number(raw.get("parent_issue_url")) for raw in raws} - {None} - in_batch
        for number in sorted(n for n in unknown if n is not None and n not in self.items_by_number):
            raw = self.issue(number)
            found = bodies.parse(raw.get("body")).item_id if raw else None
            if found:
                self.items_by_number[number] = found

    def project_values(self) -> tuple[dict[int, ProjectValues], dict[int, str]]:
        if self.project is None:
            return {}, {}
        values: dict[int, ProjectValues] = {}
        updated: dict[int, str] = {}
        for number, when, found in self.project.values():
            values[number], updated[number] = found, when
        # In board order: the rank step reads where each item stands from this scan.
        self.board_order = list(values)
        self.board_items.update({n: v.item_id for n, v in values.items() if v.item_id})
        return values, updated

    def rank(
        self, order: Sequence[RemoteRef], only: Collection[RemoteRef] | None = None
    ) -> tuple[int, list[str]]:
        """The roadmap's order as the project board's positions (projects mode, after a
        scan of the board this run); with `only`, just those issues are placed (the tracker
        owns the order); (requests sent, errors)."""
        if self.project is None or self.board_order is None:
            return 0, []
        items = dict(self.board_items)
        for number, node in self.writer.ids.issues.items():  # created this run
            item = self.project.known_item(node)
            if item is not None:
                items.setdefault(number, item)
        seen = set(self.board_order)
        board = [*self.board_order, *(n for n in items if n not in seen)]
        return position_items(
            self.client, self.project.schema().project_id, board,
            [int(ref.key) for ref in order], items,
            None if only is None else {int(ref.key) for ref in only},
        )

    def pull(self, cursor: str | None) -> PullResult:
        state = Cursor.decode(cursor)
        # Newest first: any change alters page 1 (see reading.py), so its 304 means "none".
        params: dict[str, Any] = {"state": "all", "sort": "updated", "direction": "desc"}
        if state.since:
            params["since"] = state.since
        self.probe = None
        if self._worth_probing(state):
            self.probe = probe_repository(self.client, self.repo_path)
        glance = self.probe
        if glance is not None and glance.unchanged_since(parse_time(state.read_at or "")):
            # Nothing updated since the last read: what its 304 would have said.
            listing = Listing([], state.etag, not_modified=True, date=glance.date)
        else:
            listing = list_issues(
                self.client, self.repo_path, params, etag=state.etag,
                reserve=self.mapping.pacing.rate_limit_reserve, missing=self.missing,
                start_page=state.resume_page or 1,
            )
        raws = listing.unreported(state)
        rest_new = list(raws)
        scan = self.project is not None and (
            self.mapping.project.scan == "every_pull" or bool(rest_new) or cursor is None
        )
        project, project_updated = self.project_values() if scan else ({}, {})
        project_since, project_seen = state.project_since, state.project_seen
        if scan:
            # Project field edits do not touch the issue's updated_at: add those issues too.
            # A board item as new as the newest reported one (the same second) is new when its
            # values differ from what was reported then.
            fresh = {
                n for n, when in project_updated.items()
                if project_since is None or when > project_since
                or (when == project_since
                    and project_seen.get(str(n)) != board_fingerprint(project[n]))
            }
            listed = {int(r["number"]) for r in raws}
            for number in sorted(fresh - listed):
                raw = self.issue(number)
                if raw is not None:
                    raws.append(raw)
            if project_updated:
                project_since = max([*project_updated.values(), project_since or ""])
                project_seen = {
                    str(n): board_fingerprint(project[n])
                    for n, when in project_updated.items() if when == project_since
                }
        items = self.translate(raws, project)
        changes = self._stage_changes(items, incremental=cursor is not None)
        read = listing.date if listing.complete and state.resume_page is None else None
        next_cursor = replace(
            state.after(listing, self.mapping.pacing.overlap_seconds),
            project_since=project_since, project_seen=project_seen,
            read_at=utc_text(read) if read is not None else None,
        )
        return PullResult(items, next_cursor.encode(), changes, listing.complete)

    def _worth_probing(self, state: Cursor) -> bool:
        """Only when the newest update the last read saw is well before that read: otherwise
        the probe could not tell "unchanged" and would cost a request on top of the 304."""
        if not state.read_at or state.resume_page is not None:
            return False
        if state.since is None:
            return True
        newest = parse_time(state.since) + timedelta(seconds=self.mapping.pacing.overlap_seconds)
        return settled_before(newest, parse_time(state.read_at))

    def _stage_changes(self, items: list[RemoteItem], *, incremental: bool) -> list[StageChange]:
        changes = []
        for item in items:
            number, stage = int(item.ref.key), str(item.values["stage"])
            before = self.stages.get(number)
            self.stages[number] = stage
            # A fresh adapter (each nightly process) knows no earlier stage: no move to report,
            # and `updated_at` would date it at the issue's last change of any kind.
            if incremental and before is not None and before != stage:
                changes.append(StageChange(
                    item.item_id, item.ref.key, Stage(before) if before else None, Stage(stage),
                    item.updated_at,
                ))
        return changes

    def change_times(self, keys: Collection[str]) -> dict[str, dict[str, datetime]]:
        """Optional extension: when these issues last changed stage, sprint and points, from
        their issue events (one request per issue; see history.py)."""
        return change_times(self.client, self.repo_path, self.mapping, keys)

    def issues_by_key(self, keys: Collection[str]) -> dict[str, RemoteItem]:
        """Optional extension: issues by number (one GET each), for `adopt:` claims the pull
        did not bring; a number GitHub does not know here is left out."""
        raws = [raw for key in sorted(set(keys)) if (raw := self.issue(key)) is not None]
        raws = [raw for raw in raws if str(raw.get("repository_url", "")).endswith(
            self.repo_path) and "pull_request" not in raw]
        project, _ = self.project_values() if raws and self.project else ({}, {})
        return {item.ref.key: item for item in self.translate(raws, project)}

    def write_marker(self, ref: RemoteRef, item_id: str) -> WriteResult:
        """Optional extension: add the item's marker to the body of an issue it adopts."""
        try:
            raw = self.writer.current(ref)
            parts = bodies.parse(raw.get("body"))
            if parts.item_id != item_id:
                body = {"body": bodies.render(parts.with_changes(item_id=item_id))}
                reply = self.writer.send("PATCH", f"{self.repo_path}/issues/{ref.key}", body)
                if reply.status != 200:
                    return WriteResult(item_id, ref, {}, f"marker refused: {reply.status}")
        except (WriteUncertain, LookupError) as exc:
            return WriteResult(item_id, ref, {}, str(exc), uncertain=True)
        self.items_by_number[int(ref.key)] = item_id
        return WriteResult(item_id, ref, {})

    def check_refs(self, refs: Sequence[RemoteRef]) -> list[RemoteGone]:
        """Optional extension: which of these issues are gone from the repository or scope."""
        from tracker_bridge.adapters.github.lifecycle import check_refs

        return check_refs(self, refs)

    def removals_since(self, fingerprint: str | None) -> tuple[bool, str]:
        """Optional extension: whether nothing left the repository since that fingerprint
        (one request), and the fingerprint now; lets a quiet night skip `check_refs`."""
        from tracker_bridge.adapters.github.lifecycle import removals_since

        return removals_since(self, fingerprint)

    def find_by_marker(self, item_ids: Collection[str]) -> dict[str, RemoteItem]:
        wanted = set(item_ids)
        listing = list_issues(self.client, self.repo_path, {"state": "all"}, missing=self.missing)
        ours = [r for r in listing.issues if bodies.parse(r.get("body")).item_id in wanted]
        for raw in listing.issues:  # parents may be any of our issues
            found = bodies.parse(raw.get("body")).item_id
            if found:
                self.items_by_number[int(raw["number"])] = found
        project, _ = self.project_values() if ours else ({}, {})
        found_items: dict[str, RemoteItem] = {}
        for item in self.translate(ours, project):
            if item.item_id is not None and item.item_id not in found_items:
                found_items[item.item_id] = item
        return found_items

    # -- writing (see writing.py) ----------------------------------------------------------
    def create_items(self, items: Sequence[NewItem], on_created: OnCreated) -> list[WriteResult]:
        return self.writer.create_items(items, on_created)

    def update_fields(self, ref: RemoteRef, changes: Mapping[str, FieldValue]) -> WriteResult:
        return self.writer.update_fields(ref, changes)

    def move_stage(self, ref: RemoteRef, stage: Stage) -> WriteResult:
        return self.writer.move_stage(ref, stage)

    def link_parent(self, ref: RemoteRef, parent: RemoteRef | None) -> WriteResult:
        return self.writer.link_parent(ref, parent)

    def ensure_sprint(self, sprint: Sprint, remote_id: str | None) -> str:
        return sprints.ensure_sprint(self.writer, sprint, remote_id)

    def assign_sprint(
        self, remote_sprint_id: str | None, refs: Sequence[RemoteRef]
    ) -> list[WriteResult]:
        return sprints.assign_sprint(self.writer, remote_sprint_id, refs)

    def comment(self, ref: RemoteRef, text: str) -> None:
        try:
            reply = self.writer.send("POST", f"{self.repo_path}/issues/{ref.key}/comments",
                                     {"body": text})
        except WriteUncertain as exc:
            raise AdapterError(f"comment on #{ref.key} not confirmed ({exc})") from None
        if reply.status != 201:
            raise AdapterError(f"GitHub answered {reply.status} commenting on #{ref.key}")

