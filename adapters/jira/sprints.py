"""Sprints through the Agile API: partial updates (POST; a full PUT where a server refuses
them), the real state machine, batches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tracker_bridge.model import RemoteRef, Sprint, SprintState
from tracker_bridge.tracker import AdapterError, WriteResult

from .client import JiraCallError, JiraClient
from .metadata import Metadata, call_error

BATCH = 50
"""The Agile API moves at most 50 issues per request."""

_FULL_UPDATE = ("name", "goal", "startDate", "endDate", "state", "originBoardId")
"""What a full sprint update (PUT) sends: everything it leaves out becomes null."""

_ORDER = {SprintState.FUTURE: 0, SprintState.ACTIVE: 1, SprintState.CLOSED: 2}


def _when(day: date, end: bool = False) -> str:
    return f"{day.isoformat()}T{'23:59:00' if end else '00:00:00'}.000+00:00"


class Sprints:
    def __init__(self, client: JiraClient, metadata: Metadata) -> None:
        self.client, self.metadata = client, metadata
        self.canonical: dict[str, str] = {}
        """Remote sprint id -> canonical sprint id, learned from ensure_sprint."""
        self._by_name: dict[str, dict[str, Any]] | None = None
        """The board's sprints by name, listed once, when the first sprint is created."""

    def ensure(self, sprint: Sprint, remote_id: str | None) -> str:
        try:
            if remote_id is None:
                remote = self._create(sprint)
            else:
                remote = self.client.get(f"sprint/{remote_id}", agile=True)
                remote = self._update(sprint, remote)
            remote = self._advance(sprint, remote)
        except JiraCallError as exc:
            raise call_error(exc, f"syncing sprint {sprint.id!r}") from None
        sprint_id = str(remote["id"])
        self.canonical[sprint_id] = sprint.id
        return sprint_id

    def _create(self, sprint: Sprint) -> dict[str, Any]:
        """Create, unless a sprint of this name is on the board already: a create whose answer
        was lost (in this run, or in one that died) must not make a second sprint."""
        existing = self._named(sprint.name)
        if existing is not None:
            return existing
        body = {
            "name": sprint.name,
            "originBoardId": self.metadata.board_id(),
            "startDate": _when(sprint.start),
            "endDate": _when(sprint.end, end=True),
            "goal": sprint.goal,
        }
        try:
            created: dict[str, Any] = self.client.post("sprint", body, agile=True)
        except JiraCallError as exc:
            if exc.status is not None and exc.status < 500:
                raise  # refused: nothing was created
            self._by_name = None  # no answer: list again and see
            found = self._named(sprint.name)
            if found is None:
                raise
            return found
        if self._by_name is not None:
            self._by_name[sprint.name] = created
        return created

    def _named(self, name: str) -> dict[str, Any] | None:
        if self._by_name is None:
            listed: dict[str, dict[str, Any]] = {}
            board, start = self.metadata.board_id(), 0
            while True:
                page = self.client.get(
                    f"board/{board}/sprint", {"startAt": start, "maxResults": 50}, agile=True
                )
                values = list(page.get("values") or ())
                for value in values:
                    listed.setdefault(str(value.get("name")), value)
                if page.get("isLast", True) or not values:
                    break
                start += len(values)
            self._by_name = listed
        return self._by_name.get(name)

    def _update(self, sprint: Sprint, remote: dict[str, Any]) -> dict[str, Any]:
        """Send only what differs, as a partial POST (PUT would null what it leaves out)."""
        state = str(remote.get("state", "future")).lower()
        changes: dict[str, Any] = {}
        if remote.get("name") != sprint.name:
            changes["name"] = sprint.name
        if (remote.get("goal") or "") != sprint.goal:
            changes["goal"] = sprint.goal
        if state != SprintState.CLOSED.value:  # closed sprints keep their dates
            if str(remote.get("startDate", ""))[:10] != sprint.start.isoformat():
                changes["startDate"] = _when(sprint.start)
            if str(remote.get("endDate", ""))[:10] != sprint.end.isoformat():
                changes["endDate"] = _when(sprint.end, end=True)
        if not changes:
            return remote
        updated = self._post(remote, changes)
        return dict(updated or {**remote, **changes})

    def _post(self, remote: dict[str, Any], changes: dict[str, Any]) -> Any:
        """A partial update. Setting a field twice is harmless, so it may be retried like a
        read. Where the server refuses partial updates (405: some Data Center servers and
        proxies), a full update (PUT) built from the sprint as read, with the changes."""
        try:
            return self.client.post(
                f"sprint/{remote['id']}", changes, agile=True, idempotent=True
            )
        except JiraCallError as exc:
            if exc.status != 405:
                raise
        full = {key: remote.get(key) for key in _FULL_UPDATE if remote.get(key) is not None}
        return self.client.put(f"sprint/{remote['id']}", {**full, **changes}, agile=True)

    def _advance(self, sprint: Sprint, remote: dict[str, Any]) -> dict[str, Any]:
        """future -> active -> closed, one legal step at a time; never backwards."""
        current = SprintState(str(remote.get("state", "future")).lower())
        if _ORDER[sprint.state] < _ORDER[current]:
            raise AdapterError(
                f"sprint {sprint.id!r} is {current.value} on Jira and cannot go back to "
                f"{sprint.state.value}: fix its state in the roadmap"
            )
        for step in (SprintState.ACTIVE, SprintState.CLOSED):
            if _ORDER[current] < _ORDER[step] <= _ORDER[sprint.state]:
                body: dict[str, Any] = {"state": step.value}
                if step is SprintState.ACTIVE:  # starting needs both dates
                    body |= {"startDate": _when(sprint.start), "endDate": _when(sprint.end, True)}
                result = self._post(remote, body)
                remote = dict(result or {**remote, **body})
                current = step
        return remote

    def assign(
        self, remote_id: str | None, refs: Sequence[RemoteRef], key_to_item: Mapping[str, str]
    ) -> list[WriteResult]:
        """Move issues into a sprint, or back to the backlog, 50 per request."""
        path = "backlog/issue" if remote_id is None else f"sprint/{remote_id}/issue"
        canonical = None if remote_id is None else self.canonical.get(remote_id)
        results: list[WriteResult] = []
        for start in range(0, len(refs), BATCH):
            chunk = refs[start : start + BATCH]
            error = None
            try:
                # Moving an issue where it already is changes nothing: safe to retry.
                self.client.post(
                    path, {"issues": [ref.key for ref in chunk]}, agile=True, idempotent=True
                )
            except JiraCallError as exc:
                error = str(exc)
            values = {} if remote_id is not None and canonical is None else {"sprint": canonical}
            results += [
                WriteResult(key_to_item.get(ref.key, ""), ref, values, error) for ref in chunk
            ]
        return results
