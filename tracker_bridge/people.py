"""People: the roadmap's handles on one side, each tracker's user ids on the other.

A roadmap says `assignee: maria`; Jira Cloud wants an account id, GitHub a login. A target's
`people` table translates both ways around any adapter, so adapters and the planner only
ever see one kind of name each.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from tracker_bridge.model import FieldValue, RemoteRef, Sprint, Stage
from tracker_bridge.tracker import (
    Adapter,
    DoctorCheck,
    NewItem,
    OnCreated,
    PullResult,
    RemoteItem,
    WriteResult,
)


class PeopleMappedAdapter:
    """Wraps an adapter; translates `assignee` on the way out and back in."""

    def __init__(self, inner: Adapter, people: Mapping[str, str]) -> None:
        self.inner = inner
        self.tracker = inner.tracker
        self._out = dict(people)
        self._back = {remote: handle for handle, remote in people.items()}

    def __getattr__(self, name: str) -> Any:
        # Optional protocol extensions (field_owners, remember, …) pass straight through.
        return getattr(self.inner, name)

    @property
    def requests_sent(self) -> int:
        return self.inner.requests_sent

    def to_remote(self, handle: FieldValue) -> FieldValue:
        return self._out.get(handle, handle) if isinstance(handle, str) else handle

    def _values_back(self, values: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
        result = dict(values)
        assignee = result.get("assignee")
        if isinstance(assignee, str):
            result["assignee"] = self._back.get(assignee, assignee)
        return result

    def _item_back(self, item: RemoteItem) -> RemoteItem:
        return replace(item, values=self._values_back(item.values))

    def _result_back(self, result: WriteResult) -> WriteResult:
        return replace(result, values=self._values_back(result.values))

    def doctor(self) -> list[DoctorCheck]:
        return self.inner.doctor()

    def check_assignees(self, handles: Collection[str]) -> list[DoctorCheck]:
        """Each roadmap handle, through the people map, against the tracker's assignable
        users (for adapters offering `assignable(users) -> {user: bool}`)."""
        assignable = getattr(self.inner, "assignable", None)
        if not callable(assignable) or not handles:
            return []
        sent = {handle: str(self.to_remote(handle)) for handle in sorted(handles)}
        found = assignable(sorted(set(sent.values())))
        checks = []
        for handle, user in sent.items():
            shown = handle if user == handle else f"{handle} (as {user})"
            if found.get(user):
                checks.append(DoctorCheck(f"assignee {shown}", "ok", "assignable"))
                continue
            fix = (
                f"map it in the target's people: people = {{ {handle} = \"<tracker user>\" }}"
                if handle not in self._out
                else "fix the people map entry, or give the user access to the project"
            )
            detail = "cannot be assigned here: created issues stay unassigned"
            checks.append(DoctorCheck(f"assignee {shown}", "fail", detail, fix))
        return checks

    def pull(self, cursor: str | None) -> PullResult:
        result = self.inner.pull(cursor)
        return replace(result, items=[self._item_back(item) for item in result.items])

    def find_by_marker(self, item_ids: Collection[str]) -> dict[str, RemoteItem]:
        found = self.inner.find_by_marker(item_ids)
        return {item_id: self._item_back(item) for item_id, item in found.items()}

    def issues_by_key(self, keys: Collection[str]) -> dict[str, RemoteItem]:
        lookup = getattr(self.inner, "issues_by_key", None)  # an optional extension
        found = lookup(keys) if callable(lookup) else {}
        return {key: self._item_back(item) for key, item in found.items()}

    def create_items(self, items: Sequence[NewItem], on_created: OnCreated) -> list[WriteResult]:
        outgoing = [
            replace(
                new,
                item=new.item.model_copy(update={"assignee": self.to_remote(new.item.assignee)}),
            )
            for new in items
        ]
        return [self._result_back(r) for r in self.inner.create_items(outgoing, on_created)]

    def update_fields(self, ref: RemoteRef, changes: Mapping[str, FieldValue]) -> WriteResult:
        outgoing = dict(changes)
        if "assignee" in outgoing:
            outgoing["assignee"] = self.to_remote(outgoing["assignee"])
        return self._result_back(self.inner.update_fields(ref, outgoing))

    def move_stage(self, ref: RemoteRef, stage: Stage) -> WriteResult:
        return self._result_back(self.inner.move_stage(ref, stage))

    def link_parent(self, ref: RemoteRef, parent: RemoteRef | None) -> WriteResult:
        return self._result_back(self.inner.link_parent(ref, parent))

    def ensure_sprint(self, sprint: Sprint, remote_id: str | None) -> str:
        return self.inner.ensure_sprint(sprint, remote_id)

    def assign_sprint(
        self, remote_sprint_id: str | None, refs: Sequence[RemoteRef]
    ) -> list[WriteResult]:
        return [self._result_back(r) for r in self.inner.assign_sprint(remote_sprint_id, refs)]

    def comment(self, ref: RemoteRef, text: str) -> None:
        self.inner.comment(ref, text)

    def close(self) -> None:
        self.inner.close()


def with_people(adapter: Adapter, people: Mapping[str, str]) -> Adapter:
    return PeopleMappedAdapter(adapter, people) if people else adapter


def assignee_checks(adapter: Adapter, handles: Collection[str]) -> list[DoctorCheck]:
    """`doctor`'s check of roadmap handles, with or without a people map on the target."""
    if isinstance(adapter, PeopleMappedAdapter):
        return adapter.check_assignees(handles)
    return PeopleMappedAdapter(adapter, {}).check_assignees(handles)
