"""Writes: create, edit, stage, parent, sprint. Serial, paced, never re-sent after a 5xx/loss.

A write whose outcome is unknown (5xx, dropped connection, lost response) becomes a
WriteResult error; the caller resolves a lost create with `find_by_marker`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tracker_bridge.adapters.github import body as bodies
from tracker_bridge.adapters.github.client import GraphQLError, Reply, WriteUncertain
from tracker_bridge.adapters.github.creating import NodeIds, create_in_one
from tracker_bridge.adapters.github.labels import managed_labels
from tracker_bridge.adapters.github.reading import NEXT
from tracker_bridge.adapters.github.spikes import spike_closed_by_move, spike_closing
from tracker_bridge.adapters.github.translate import (
    Json,
    edit_payload,
    from_remote,
    stage_payload,
    to_remote,
)
from tracker_bridge.model import FieldValue, RemoteRef, Stage, WorkItem
from tracker_bridge.tracker import AdapterError, NewItem, OnCreated, WriteResult

if TYPE_CHECKING:
    from tracker_bridge.adapters.github.adapter import GitHubAdapter

PLANNING = (
    "title", "description", "kind", "track", "labels", "due", "assignee", "blocked", "spike",
)


class Writer:
    def __init__(self, adapter: GitHubAdapter) -> None:
        self.a = adapter
        self.labels_ready = False
        self.issue_types: bool | None = None
        self.unassignable: set[str] = set()
        """Logins GitHub refused as assignees (unknown, or no access to the repository)."""
        self.ids = NodeIds()
        self.one_write_creates = True
        """GraphQL `createIssue` with its parent; off once the server refuses the shape."""

    # -- plumbing --------------------------------------------------------------------------
    def send(self, method: str, url: str, body: Any = None) -> Reply:
        reply = self.a.client.rest(method, url, body=body)
        if reply.status == 404 and url.count("/") <= 4:  # /repos/o/r/<collection>
            raise AdapterError(self.a.missing)
        return reply

    def ref(self, raw: Json) -> RemoteRef:
        return RemoteRef(tracker=self.a.tracker, key=str(raw["number"]), remote_id=str(raw["id"]),
                         url=str(raw.get("html_url") or ""), version=str(raw.get("updated_at")))

    def current(self, ref: RemoteRef) -> Json:
        raw = self.a.issue(ref.key)
        if raw is None:
            raise LookupError(f"issue #{ref.key} not found in {self.a.full_name}")
        return raw

    def current_and_ours(self, ref: RemoteRef) -> Json:
        """The issue as it is now, refused (LookupError) when it carries another item's
        marker than the one the store's ref names: a swapped ref never edits the wrong issue.
        An issue without a marker passes (tracker-born work carries none)."""
        raw = self.current(ref)
        expected = self.a.items_by_number.get(int(ref.key))
        found = bodies.parse(raw.get("body")).item_id
        if expected and found and found != expected:
            raise LookupError(
                f"#{ref.key} carries the marker of {found!r}, not {expected!r}; not written to"
            )
        return raw

    def prepare(self) -> None:
        """Once per adapter (one sync): create missing labels, learn if issue types exist."""
        if not self.labels_ready:
            self.ensure_labels()
            self.labels_ready = True
        if self.issue_types is None:
            self.issue_types = False
            if self.a.mapping.issue_types:
                reply = self.a.client.rest("GET", f"{self.a.repo_path}/issue-types")
                self.issue_types = reply.status == 200
                if self.issue_types and isinstance(reply.data, list):
                    self.ids.issue_types.update(
                        {str(t["name"]): str(t["node_id"]) for t in reply.data if "node_id" in t}
                    )

    def ensure_labels(self) -> None:
        have: set[str] = set()
        url: str | None = f"{self.a.repo_path}/labels"
        params: dict[str, Any] | None = {"per_page": 100}
        while url:  # one request for most repositories (<= 100 labels)
            reply = self.a.client.rest("GET", url, params=params)
            if reply.status == 404:
                raise AdapterError(self.a.missing)
            have |= {str(label["name"]).casefold() for label in reply.data or []}
            self.ids.labels.update({str(label["name"]).casefold(): str(label["node_id"])
                                    for label in reply.data or [] if "node_id" in label})
            found = NEXT.search(next((v for k, v in reply.headers.items()
                                      if k.lower() == "link"), ""))
            url, params = (found.group(1) if found else None), None
        styles = self.a.mapping.labels.styles
        for name, group in managed_labels(self.a.mapping).items():
            original = self._label_name(name)
            if name in have:
                continue
            style = styles.get(group)  # type: ignore[call-overload]
            body = {"name": original, "color": style.color if style else "ededed",
                    "description": style.description if style else ""}
            try:
                made = self.send("POST", f"{self.a.repo_path}/labels", body)
            except WriteUncertain:
                continue  # maybe made; if not, GitHub makes a plain one when an issue uses it
            if made.status not in (201, 422):  # 422: it exists already (e.g. a lost answer)
                raise AdapterError(f"cannot create label {original!r} ({made.status})")
            if made.status == 201:
                self.ids.labels[name] = str(made.data["node_id"])

    def _label_name(self, folded: str) -> str:
        labels = self.a.mapping.labels
        names = [*labels.kinds.values(), *labels.tracks.values(), *labels.stages.values(),
                 labels.blocked]
        return next(n for n in names if n.casefold() == folded)

    def _fail(self, item_id: str, ref: RemoteRef | None, error: str | Exception) -> WriteResult:
        # No answer (WriteUncertain): the write may have landed; the caller looks it up.
        uncertain = isinstance(error, WriteUncertain)
        return WriteResult(item_id, ref, {}, str(error), uncertain=uncertain)

    # -- create ----------------------------------------------------------------------------
    def create_items(self, items: Sequence[NewItem], on_created: OnCreated) -> list[WriteResult]:
        self.prepare()
        return [self.create_one(new, on_created) for new in items]

    def create_one(self, new: NewItem, on_created: OnCreated) -> WriteResult:
        item = new.item
        payload = to_remote(item, self.a.mapping, issue_types=bool(self.issue_types))
        milestone = self._milestone_of(item.sprint)
        if milestone is not None:  # the sprint rides on the create: no PATCH afterwards
            payload["milestone"] = milestone
        if new.parent_ref is not None and self.one_write_creates:
            try:  # one write, parent included
                raw = create_in_one(self, payload, new.parent_ref)
                return self._created(new, raw, milestone, payload, linked=True,
                                     on_created=on_created)
            except WriteUncertain as exc:
                return WriteResult(item.id, None, error=f"create not confirmed ({exc}); look it "
                                   "up by marker", uncertain=True)
            except GraphQLError as exc:  # refused, nothing made: REST create + link below
                if not exc.kind:  # the server does not know the mutation's shape at all
                    self.one_write_creates = False
        try:
            reply = self.send("POST", f"{self.a.repo_path}/issues", payload)
        except WriteUncertain as exc:
            return WriteResult(item.id, None, error=f"create not confirmed ({exc}); look it up "
                               "by marker", uncertain=True)
        dropped: tuple[str, ...] = ()
        if reply.status == 422 and _refused_field(reply) == "assignees":
            # Not assignable here (no such login or no access): create it unassigned; the
            # refusal means nothing was created, so sending again is not a blind retry.
            self.unassignable.update(payload.pop("assignees", []))
            dropped = ("assignee",)
            try:
                reply = self.send("POST", f"{self.a.repo_path}/issues", payload)
            except WriteUncertain as exc:
                return WriteResult(item.id, None, error=f"create not confirmed ({exc}); look it "
                                   "up by marker", uncertain=True)
        if reply.status != 201:
            return self._fail(item.id, None, f"create refused: {reply.status} {_message(reply)}")
        return self._created(new, reply.data, milestone, payload, linked=False,
                             on_created=on_created, dropped=dropped)

    def _created(self, new: NewItem, raw: Json, milestone: int | None, payload: Json, *,
                 linked: bool, on_created: OnCreated, dropped: tuple[str, ...] = ()
                 ) -> WriteResult:
        """Confirm a create at once, then do what it could not carry (link, project)."""
        item = new.item
        ref = self.ref(raw)
        on_created(item.id, ref)  # before any further request
        self.a.items_by_number[int(raw["number"])] = item.id
        self.ids.issues[int(raw["number"])] = str(raw["node_id"])
        values = from_remote(raw, self.a.mapping, self.a.tracker).values
        done = {k: values[k] for k in PLANNING if k in values}
        if "points" in values:
            done["points"] = values["points"]
        if self.a.mapping.mode == "labels" and item.stage is not Stage.DONE:
            done["stage"] = values["stage"]
        if milestone is not None and values.get("sprint") == item.sprint:
            done["sprint"] = item.sprint
        errors: list[str] = []
        if new.parent_ref is not None and linked:
            done["parent"] = item.parent
        elif new.parent_ref is not None:
            link = self.link_parent(ref, new.parent_ref)
            if link.ok:
                done["parent"] = item.parent
            else:
                errors.append(link.error or "parent link failed")
        if self.a.project is not None:
            errors += self._add_to_project(raw, item, done)
        if payload.get("assignees") and not raw.get("assignees"):
            dropped = ("assignee",)  # GitHub drops a login it cannot assign without a word
        return WriteResult(item.id, ref, done, "; ".join(errors) or None, dropped=dropped)

    def _milestone_of(self, sprint_id: str | None) -> int | None:
        """The milestone number of a sprint this adapter already knows (milestone mode)."""
        if sprint_id is None or self.a.mapping.sprint_mode != "milestone":
            return None
        remote = next((r for r, s in self.a.sprint_by_iteration.items() if s == sprint_id), None)
        return int(remote) if remote is not None and remote.isdigit() else None

    def _add_to_project(self, raw: Json, item: WorkItem, done: dict[str, FieldValue]) -> list[str]:
        assert self.a.project is not None
        try:
            item_id = self.a.project.item_for(str(raw["node_id"]))
            self.a.project.set_stage(item_id, item.stage)
            if self.a.mapping.stage_label(item.stage):  # coarse board: after the Status
                payload = stage_payload(self.a.mapping, raw, item.stage)
                reply = self._patch_issue(self.ref(raw), raw, payload)
                if reply.status != 200:
                    return [f"refinement label not set: {reply.status} {_message(reply)}"]
            done["stage"] = item.stage.value
            if item.points is not None and self.a.mapping.project.points_field:
                self.a.project.set_points(item_id, item.points)
                done["points"] = item.points
        except (WriteUncertain, GraphQLError) as exc:
            return [f"project fields not set ({exc})"]
        return []

    # -- edits -----------------------------------------------------------------------------
    def update_fields(self, ref: RemoteRef, changes: Mapping[str, FieldValue]) -> WriteResult:
        wanted = {k: v for k, v in changes.items() if k not in ("stage", "sprint", "parent")}
        known = self.a.items_by_number.get(int(ref.key))
        item_id = known or ref.key
        try:
            self.prepare()
            raw = self.current_and_ours(ref)
            known = bodies.parse(raw.get("body")).item_id or known
            item_id = known or item_id
            payload = edit_payload(self.a.mapping, raw, wanted,
                                   issue_types=bool(self.issue_types), item_id=known)
            closing = spike_closing(raw, wanted)
            if closing is not None:
                payload.update(closing.state)
            reply = self._patch_issue(ref, raw, payload)
            if reply.status != 200:
                return self._fail(item_id, ref, f"edit refused: {reply.status} {_message(reply)}")
            raw = reply.data
            if closing is not None:  # after the close: a failed close never repeats it
                self.send("POST", f"{self.a.repo_path}/issues/{ref.key}/comments",
                          {"body": closing.comment})
            if "points" in wanted and self.a.project is not None:
                points = wanted["points"]
                project_item = self.a.project.item_for(str(raw["node_id"]))
                self.a.project.set_points(
                    project_item, float(points) if isinstance(points, int | float) else None
                )
        except (WriteUncertain, GraphQLError, LookupError) as exc:
            return self._fail(item_id, ref, exc)
        values = from_remote(raw, self.a.mapping, self.a.tracker).values
        done = {k: values[k] for k in wanted if k in values}
        if "points" in wanted and self.a.project is not None:
            done["points"] = wanted["points"]
        # A login GitHub cannot assign was dropped from the edit (see _patch_issue).
        logins = {str((a or {}).get("login")) for a in raw.get("assignees") or ()}
        asked = wanted.get("assignee")
        dropped = ("assignee",) if asked and str(asked) not in logins else ()
        return WriteResult(item_id, self.ref(raw), done, dropped=dropped)

    def _patch_issue(self, ref: RemoteRef, raw: Json, payload: dict[str, Any]) -> Reply:
        """PATCH the issue. A login GitHub refuses to assign is dropped (and not asked again
        this run) and the rest is sent again; an empty payload sends nothing."""
        if set(payload.get("assignees", [])) & self.unassignable:
            payload.pop("assignees")
        if not payload:
            return Reply(200, {}, raw)
        path = f"{self.a.repo_path}/issues/{ref.key}"
        reply = self.send("PATCH", path, payload)
        if reply.status == 422 and _refused_field(reply) == "assignees":
            self.unassignable.update(payload.pop("assignees", []))
            reply = self.send("PATCH", path, payload) if payload else Reply(200, {}, raw)
        return reply

    def move_stage(self, ref: RemoteRef, stage: Stage) -> WriteResult:
        item_id = self.a.items_by_number.get(int(ref.key), ref.key)
        try:
            self.prepare()
            raw = self.current_and_ours(ref)
            item_id = bodies.parse(raw.get("body")).item_id or item_id
            if self.a.project is not None:
                label = self.a.mapping.stage_label(stage)
                kept = _without_label(raw, label) if label else None
                if kept is not None:
                    # The stage's refinement label is on the issue already (left from an
                    # earlier stay there): set again after the Status it would be older, and
                    # read back as stale (refinement.py), while GitHub records no event for
                    # adding a label the issue has. Off first, back on after the Status.
                    reply = self._patch_issue(ref, raw, {"labels": kept})
                    if reply.status != 200:
                        return self._fail(item_id, ref,
                                          f"move refused: {reply.status} {_message(reply)}")
                    raw = reply.data
                self.a.project.set_stage(self.a.project.item_for(str(raw["node_id"])), stage)
            payload = stage_payload(self.a.mapping, raw, stage)
            closing = spike_closed_by_move(raw, stage)
            if closing is not None:
                payload.update(closing.state)
            reply = self._patch_issue(ref, raw, payload)
            if reply.status != 200:
                return self._fail(item_id, ref, f"move refused: {reply.status} {_message(reply)}")
            raw = reply.data
            if closing is not None:  # after the close: a failed close never repeats it
                self.send("POST", f"{self.a.repo_path}/issues/{ref.key}/comments",
                          {"body": closing.comment})
        except (WriteUncertain, GraphQLError, LookupError) as exc:
            return self._fail(item_id, ref, exc)
        self.a.stages[int(ref.key)] = stage.value
        return WriteResult(item_id, self.ref(raw), {"stage": stage.value})

    # -- parents (sub-issues, or a task list in the epic's body where those are missing) ---
    def link_parent(self, ref: RemoteRef, parent: RemoteRef | None) -> WriteResult:
        item_id = self.a.items_by_number.get(int(ref.key), ref.key)
        issues = f"{self.a.repo_path}/issues"
        try:
            if parent is None:
                reply = self.a.client.rest("GET", f"{issues}/{ref.key}/parent")
                if reply.status == 200:
                    body = {"sub_issue_id": int(ref.remote_id)}
                    gone = self.send("DELETE", f"{issues}/{reply.data['number']}/sub_issue", body)
                    if gone.status not in (200, 404):
                        return self._fail(item_id, ref, f"unlink refused: {gone.status}")
                return WriteResult(item_id, ref, {"parent": None})
            body = {"sub_issue_id": int(ref.remote_id), "replace_parent": True}
            reply = self.send("POST", f"{issues}/{parent.key}/sub_issues", body)
            if reply.status == 404:
                return self._task_list(item_id, ref, parent)
            if reply.status not in (200, 201) and "already" not in _message(reply):
                return self._fail(item_id, ref, f"link refused: {reply.status} {_message(reply)}")
        except (WriteUncertain, LookupError) as exc:
            return self._fail(item_id, ref, exc)
        return WriteResult(item_id, ref, {"parent": self.a.items_by_number.get(int(parent.key))})

    def _task_list(self, item_id: str, ref: RemoteRef, parent: RemoteRef) -> WriteResult:
        """No sub-issues here: list the child as `- [ ] #N` in the epic's managed tail."""
        raw = self.current(parent)
        parts = bodies.parse(raw.get("body"))
        if int(ref.key) not in parts.children:
            parts = parts.with_changes(children=(*parts.children, int(ref.key)))
            body = {"body": bodies.render(parts)}
            reply = self.send("PATCH", f"{self.a.repo_path}/issues/{parent.key}", body)
            if reply.status != 200:
                return self._fail(item_id, ref, f"task-list link refused: {reply.status}")
        self.a.task_parents[int(ref.key)] = int(parent.key)
        return WriteResult(item_id, ref, {"parent": self.a.items_by_number.get(int(parent.key))})


def _without_label(raw: Json, label: str) -> list[str] | None:
    """The issue's labels without `label`; None when it does not carry it."""
    current = [str(found["name"]) for found in raw.get("labels") or []]
    kept = [name for name in current if name.casefold() != label.casefold()]
    return kept if len(kept) < len(current) else None


def _refused_field(reply: Reply) -> str | None:
    data = reply.data if isinstance(reply.data, dict) else {}
    fields = [e.get("field") for e in data.get("errors") or [] if isinstance(e, dict)]
    return str(fields[0]) if fields else None


def _message(reply: Reply) -> str:
    data = reply.data if isinstance(reply.data, dict) else {}
    errors = data.get("errors") or []
    detail = "; ".join(
        str(e.get("message") or f"{e.get('field', '')} {e.get('code', '')}".strip())
        for e in errors if isinstance(e, dict)
    )
    return " ".join(part for part in (str(data.get("message") or ""), detail) if part)
