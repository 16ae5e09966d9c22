"""Creates: bulk (50 per request) with per-element errors, single creates where bulk is missing.

A create is never retried blindly (a lost answer may still have created the issue): such items
come back with an error and the caller resolves them through `find_by_marker`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tracker_bridge.model import FieldValue, RemoteRef
from tracker_bridge.tracker import NewItem, OnCreated, WriteResult

from .client import JiraCallError
from .metadata import call_error
from .translate import JiraSchema, item_due, to_remote

if TYPE_CHECKING:
    from .adapter import JiraAdapter

BULK = 50
"""Jira Cloud's bulk-create limit per request."""

UNCONFIRMED = "create not confirmed ({}); look it up by its marker before retrying"


def create_items(
    adapter: JiraAdapter, items: Sequence[NewItem], on_created: OnCreated
) -> list[WriteResult]:
    schema = adapter.meta.write_schema()
    results: list[WriteResult] = []
    for start in range(0, len(items), BULK):
        chunk = items[start : start + BULK]
        if adapter.bulk_missing:
            results += [_single(adapter, schema, new, on_created) for new in chunk]
        else:
            results += _bulk(adapter, schema, chunk, on_created)
    return results


def _fields(adapter: JiraAdapter, schema: JiraSchema, new: NewItem) -> dict[str, Any]:
    parent = new.parent_ref.key if new.parent_ref else None
    return to_remote(new.item, adapter.mapping, schema, parent)


def _written(adapter: JiraAdapter, new: NewItem) -> dict[str, FieldValue]:
    values = new.item.sync_values()
    for name in ("stage", "sprint"):
        values.pop(name)
    values["due"] = item_due(new.item, adapter.mapping)
    if new.parent_ref is None:
        values["parent"] = None
    return values


def _confirmed(
    adapter: JiraAdapter, new: NewItem, created: Mapping[str, Any], on_created: OnCreated
) -> WriteResult:
    key = str(created["key"])
    ref = RemoteRef(
        tracker=adapter.tracker,
        key=key,
        remote_id=str(created["id"]),
        url=f"{adapter.url}/browse/{key}",
    )
    on_created(new.item.id, ref)  # before any further request: the caller journals it
    adapter.key_to_item[key] = new.item.id
    schema = adapter.meta.schema()
    adapter.mover.created(key, schema.issue_type_ids[new.item.kind])
    error = None
    if adapter.mapping.marker.issue_property:
        try:
            adapter.client.put(
                f"issue/{key}/properties/tracker-bridge", {"id": new.item.id, "version": 1}
            )
        except JiraCallError as exc:
            error = f"created, but the tracker-bridge property was not set: {exc}"
    return WriteResult(new.item.id, ref, _written(adapter, new), error)


def _bulk(
    adapter: JiraAdapter, schema: JiraSchema, chunk: Sequence[NewItem], on_created: OnCreated
) -> list[WriteResult]:
    body = {"issueUpdates": [{"fields": _fields(adapter, schema, new)} for new in chunk]}
    try:
        answer = adapter.client.post("issue/bulk", body) or {}
    except JiraCallError as exc:
        if exc.status in (404, 405):
            adapter.bulk_missing = True  # this server has no bulk create
            return [_single(adapter, schema, new, on_created) for new in chunk]
        if exc.status in (401, 403):
            raise call_error(exc, "creating issues", adapter.url) from None
        if exc.status == 400 and exc.payload is not None:
            answer = exc.payload  # nothing created: every element has its error
        else:
            return [
                WriteResult(new.item.id, None, error=UNCONFIRMED.format(exc), uncertain=True)
                for new in chunk
            ]
    failed = {
        int(err.get("failedElementNumber", -1)): _element_error(adapter, err)
        for err in answer.get("errors") or ()
    }
    # Refused only for its assignee: nothing was created, so creating it unassigned is no
    # blind retry. The caller warns about the assignee on every run until it is fixed.
    refused_assignee = {
        int(err.get("failedElementNumber", -1))
        for err in answer.get("errors") or ()
        if set((err.get("elementErrors") or {}).get("errors") or {}) == {"assignee"}
    }
    created = iter(answer.get("issues") or ())
    results: list[WriteResult] = []
    for index, new in enumerate(chunk):
        if index in refused_assignee:
            results.append(_unassigned(adapter, schema, new, on_created))
            continue
        if index in failed:
            results.append(WriteResult(new.item.id, None, error=failed[index]))
            continue
        issue = next(created, None)
        if issue is None:
            results.append(
                WriteResult(new.item.id, None, error=UNCONFIRMED.format("no id"), uncertain=True)
            )
        else:
            results.append(_confirmed(adapter, new, issue, on_created))
    return results


def _single(
    adapter: JiraAdapter, schema: JiraSchema, new: NewItem, on_created: OnCreated
) -> WriteResult:
    try:
        created = adapter.client.post("issue", {"fields": _fields(adapter, schema, new)})
    except JiraCallError as exc:
        if exc.status in (401, 403):
            raise call_error(exc, "creating issues", adapter.url) from None
        if exc.status == 400 and new.item.assignee and _only_assignee(exc.messages):
            return _unassigned(adapter, schema, new, on_created)
        if exc.status == 400:
            return WriteResult(new.item.id, None, error=explain(adapter, exc.messages))
        return WriteResult(new.item.id, None, error=UNCONFIRMED.format(exc), uncertain=True)
    return _confirmed(adapter, new, created or {}, on_created)


def _unassigned(
    adapter: JiraAdapter, schema: JiraSchema, new: NewItem, on_created: OnCreated
) -> WriteResult:
    unassigned = NewItem(new.item.model_copy(update={"assignee": None}), new.parent_ref)
    result = _single(adapter, schema, unassigned, on_created)
    return replace(result, dropped=("assignee",)) if result.ref is not None else result


def _element_error(adapter: JiraAdapter, err: Mapping[str, Any]) -> str:
    element = err.get("elementErrors") or {}
    messages = [str(m) for m in element.get("errorMessages") or ()]
    messages += [f"{k}: {v}" for k, v in (element.get("errors") or {}).items()]
    return explain(adapter, messages)


def _only_assignee(messages: Sequence[str]) -> bool:
    return bool(messages) and all(m.startswith("assignee:") for m in messages)


def explain(adapter: JiraAdapter, messages: Sequence[str]) -> str:
    """Jira's field errors, naming the mapping entry behind each field we set."""
    schema = adapter.meta.schema()
    entries = {
        schema.points_field: "fields.story_points",
        schema.epic_link_field: "fields.epic_link",
        schema.epic_name_field: "fields.epic_link (Epic Name)",
        "parent": "fields.epic_link",
        "duedate": "fields.spike_due_from_timebox / item due",
        "components": "tracks.as",
        schema.flagged_field: "blocked.as",
    }
    out = []
    for message in messages:
        field = message.split(":", 1)[0].strip()
        entry = entries.get(field)
        out.append(f"{message} (mapping {entry})" if entry else message)
    text = "; ".join(out) or "Jira refused the create"
    if "issuetype" in text:
        text += " (mapping kinds)"
    return text
