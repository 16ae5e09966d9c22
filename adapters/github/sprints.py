"""Sprints: milestones (labels mode) or existing project iterations matched by start date."""

from __future__ import annotations

from collections.abc import Sequence

from tracker_bridge.adapters.github.client import GraphQLError, WriteUncertain
from tracker_bridge.adapters.github.translate import (
    Json,
    from_remote,
    iteration_for,
    milestone_differs,
    milestone_payload,
)
from tracker_bridge.adapters.github.writing import Writer
from tracker_bridge.model import RemoteRef, Sprint
from tracker_bridge.tracker import AdapterError, SprintUnavailable, WriteResult


def ensure_sprint(self: Writer, sprint: Sprint, remote_id: str | None) -> str:
    if self.a.mapping.sprint_mode == "iteration":
        return _iteration(self, sprint)
    stones = f"{self.a.repo_path}/milestones"
    wanted = milestone_payload(sprint)
    raw: Json | None = None
    if remote_id:
        reply = self.a.client.rest("GET", f"{stones}/{remote_id}")
        raw = reply.data if reply.status == 200 else None
    if raw is None:
        reply = self.a.client.rest("GET", stones, params={"state": "all", "per_page": 100})
        if reply.status == 404:
            raise AdapterError(self.a.missing)
        marker = f"tracker-bridge:sprint={sprint.id} "
        raw = next((m for m in reply.data or [] if marker in str(m.get("description") or "")
                    or m.get("title") == sprint.name), None)
    try:
        if raw is None:
            reply = self.send("POST", stones, wanted)
            if reply.status != 201:
                raise AdapterError(f"cannot create milestone {sprint.name!r}: {reply.status}")
            raw = reply.data
        elif milestone_differs(raw, wanted):
            reply = self.send("PATCH", f"{stones}/{raw['number']}", wanted)
            if reply.status != 200:
                raise AdapterError(f"cannot update milestone {sprint.name!r}: {reply.status}")
    except WriteUncertain as exc:
        raise AdapterError(f"milestone {sprint.name!r} not confirmed ({exc}); retry") from None
    assert raw is not None
    self.a.learn_sprints({str(raw["number"]): sprint.id})  # creates in this sprint set it
    if raw.get("node_id"):
        self.ids.milestones[int(raw["number"])] = str(raw["node_id"])
    return str(raw["number"])

def _iteration(self: Writer, sprint: Sprint) -> str:
    assert self.a.project is not None
    name = self.a.mapping.project.iteration_field
    found = iteration_for(sprint, self.a.project.schema().iterations(name))
    if found is None:
        raise SprintUnavailable(
            f"{self.a.project.where} field {name!r} has no iteration starting "
            f"{sprint.start} (sprint {sprint.id}): add it in the project settings; we never "
            f"rewrite the iteration configuration (that wipes existing assignments)"
        )
    self.a.sprint_by_iteration[str(found["id"])] = sprint.id
    return str(found["id"])

def assign_sprint(
    self: Writer, remote_id: str | None, refs: Sequence[RemoteRef]
) -> list[WriteResult]:
    results = []
    for ref in refs:
        item_id = self.a.items_by_number.get(int(ref.key), ref.key)
        sprint = self.a.sprint_by_iteration.get(remote_id or "", remote_id)
        try:
            if self.a.mapping.sprint_mode == "iteration":
                assert self.a.project is not None
                raw = self.current(ref)
                project_item = self.a.project.item_for(str(raw["node_id"]))
                self.a.project.set_iteration(project_item, remote_id)
                results.append(WriteResult(item_id, ref, {"sprint": sprint}))
                continue
            body = {"milestone": int(remote_id) if remote_id else None}
            reply = self.send("PATCH", f"{self.a.repo_path}/issues/{ref.key}", body)
        except (WriteUncertain, GraphQLError, LookupError) as exc:
            results.append(self._fail(item_id, ref, exc))
            continue
        if reply.status != 200:
            results.append(self._fail(item_id, ref, f"sprint refused: {reply.status}"))
            continue
        values = from_remote(reply.data, self.a.mapping, self.a.tracker).values
        results.append(WriteResult(item_id, self.ref(reply.data), {"sprint": values["sprint"]}))
    return results

