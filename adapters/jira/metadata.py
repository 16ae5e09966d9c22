"""Project metadata, fetched lazily once per adapter session (a quiet pull pays for none of it)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from tracker_bridge.model import Kind
from tracker_bridge.tracker import AdapterError

from .client import JiraCallError, JiraClient
from .mapping import JiraMapping
from .translate import JiraSchema

STORY_POINT_NAMES = ("Story Points", "Story point estimate")


def call_error(exc: JiraCallError, what: str, url: str = "") -> AdapterError:
    """One clear line for people; Jira's own message, never credentials."""
    if exc.status == 401:
        return AdapterError(
            f"Jira at {url or 'the configured url'} rejected the credentials while {what}: "
            "check the username and API token (or PAT) in your settings"
        )
    if exc.status == 403:
        return AdapterError(f"permission denied while {what}: {exc}")
    return AdapterError(f"{what} failed: {exc}")


class Metadata:
    """Caches what the adapter learns about the server and the project."""

    def __init__(self, client: JiraClient, mapping: JiraMapping, project: str, url: str) -> None:
        self.client, self.mapping, self.project, self.url = client, mapping, project, url
        self._project: dict[str, Any] | None = None
        self._fields: list[dict[str, Any]] | None = None
        self._schema: JiraSchema | None = None
        self._write_schema: JiraSchema | None = None
        self._tz: ZoneInfo | None = None
        self._board: int | None = mapping.board_id
        # Concurrent writers ask for the schema at once: resolve it once, not per thread.
        self._lock = threading.RLock()
        self.epic_name_unknown: str | None = None
        """Why we could not tell whether Epic Name is required (doctor says so)."""

    def get(self, path: str, what: str, **params: Any) -> Any:
        try:
            return self.client.get(path, params or None)
        except JiraCallError as exc:
            raise call_error(exc, what, self.url) from None

    def time_zone(self) -> ZoneInfo:
        """The user's profile zone: JQL datetimes are read in it, not in UTC."""
        if self._tz is None:
            me = self.get("myself", "reading your Jira profile (myself)")
            try:
                self._tz = ZoneInfo(str(me.get("timeZone") or "UTC"))
            except (KeyError, ValueError):
                self._tz = ZoneInfo("UTC")
        return self._tz

    def project_json(self) -> dict[str, Any]:
        if self._project is None:
            try:
                self._project = self.client.get(f"project/{self.project}")
            except JiraCallError as exc:
                if exc.status == 404:
                    raise AdapterError(
                        f"Jira project {self.project!r} does not exist or is not visible to "
                        f"this user: fix the tracker id `jira:{self.project}` in your settings"
                    ) from None
                raise call_error(exc, f"reading project {self.project}", self.url) from None
        assert self._project is not None
        return self._project

    def fields(self) -> list[dict[str, Any]]:
        if self._fields is None:
            self._fields = list(self.get("field", "reading the field list"))
        return self._fields

    def field_id(self, name_or_id: str) -> str | None:
        folded = name_or_id.casefold()
        for field in self.fields():
            if str(field.get("id")).casefold() == folded:
                return str(field["id"])
        for field in self.fields():
            if str(field.get("name", "")).casefold() == folded:
                return str(field["id"])
        return None

    def issue_types(self) -> dict[str, str]:
        """Issue type name (folded) -> id, for the project's standard (non sub-task) types."""
        types = self.project_json().get("issueTypes") or []
        return {
            str(t["name"]).casefold(): str(t["id"]) for t in types if not t.get("subtask", False)
        }

    def schema(self) -> JiraSchema:
        with self._lock:
            if self._schema is None:
                self._schema = self._resolve()
            return self._schema

    def _resolve(self) -> JiraSchema:
        mapping, types = self.mapping, self.issue_types()
        ids: dict[Kind, str] = {}
        spike_uses_label = False
        for kind, name in mapping.kinds.items():
            if name.casefold() in types:
                ids[kind] = types[name.casefold()]
                continue
            if kind is Kind.SPIKE and mapping.spike_fallback.issue_type.casefold() in types:
                ids[kind] = types[mapping.spike_fallback.issue_type.casefold()]
                spike_uses_label = True
                continue
            entry = "spike_fallback.issue_type" if kind is Kind.SPIKE else f"kinds.{kind.value}"
            raise AdapterError(
                f"issue type {name!r} (mapping {entry}) is not in project {self.project}; "
                f"it has: {', '.join(sorted(types)) or 'none'}"
            )
        is_cloud = self.client.is_cloud
        epic_link = None
        wants_epic_link = mapping.fields.epic_link == "epic_link" or (
            mapping.fields.epic_link == "auto" and not is_cloud
        )
        if wants_epic_link:
            epic_link = self.field_id("Epic Link")
            if epic_link is None and mapping.fields.epic_link == "epic_link":
                raise AdapterError(
                    "the project has no 'Epic Link' field: set mapping fields.epic_link to parent"
                )
        return JiraSchema(
            project_id=str(self.project_json()["id"]),
            is_cloud=is_cloud,
            issue_type_ids=ids,
            spike_uses_label=spike_uses_label,
            points_field=self._points_field(),
            epic_link_field=epic_link,
            flagged_field=self.field_id("Flagged") if mapping.blocked.as_ == "flag" else None,
            sprint_field=self.field_id("Sprint"),
            issue_type_names={v: k for k, v in types.items()},
        )

    def write_schema(self) -> JiraSchema:
        """The schema plus what only creates need: whether Epic Name must be filled (one
        createmeta read, only on servers with an Epic Link field), so pulls never pay for it."""
        with self._lock:
            return self._write_schema_locked()

    def _write_schema_locked(self) -> JiraSchema:
        if self._write_schema is None:
            schema = self.schema()
            epic_name = self.field_id("Epic Name") if schema.epic_link_field else None
            epic_type = schema.issue_type_ids[Kind.EPIC]
            if epic_name is not None and not self._epic_name_required(epic_type, epic_name):
                epic_name = None
            self._write_schema = replace(schema, epic_name_field=epic_name)
        return self._write_schema

    def _points_field(self) -> str | None:
        wanted = self.mapping.fields.story_points
        if wanted.casefold() == "auto":
            for name in STORY_POINT_NAMES:
                found = self.field_id(name)
                if found:
                    return found
            return None
        found = self.field_id(wanted)
        if found is None:
            raise AdapterError(
                f"no field {wanted!r} on this Jira (mapping fields.story_points): use 'auto', "
                "the field's exact name or its customfield_NNNNN id"
            )
        return found

    def _epic_name_required(self, epic_type: str, field_id: str) -> bool:
        """One createmeta read, only on servers that have an Epic Name field at all."""
        try:
            meta = self.client.get(f"issue/createmeta/{self.project}/issuetypes/{epic_type}")
        except JiraCallError as exc:
            self.epic_name_unknown = f"createmeta answered {exc.status or exc}"
            return True  # older servers: filling it is the safe choice
        for field in (meta or {}).get("values") or (meta or {}).get("fields") or []:
            if str(field.get("fieldId") or field.get("key")) == field_id:
                return bool(field.get("required"))
        return False

    def board_id(self) -> int:
        if self._board is None:
            try:
                page = self.client.get("board", {"projectKeyOrId": self.project}, agile=True)
            except JiraCallError as exc:
                raise call_error(exc, "finding the project's board", self.url) from None
            boards = (page or {}).get("values") or []
            if not boards:
                raise AdapterError(
                    f"project {self.project} has no agile board: create one or set mapping board_id"
                )
            scrum = [b for b in boards if b.get("type") == "scrum"]
            self._board = int((scrum or boards)[0]["id"])
        return self._board
