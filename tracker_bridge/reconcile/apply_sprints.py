"""Sprints: created or brought up to date, then filled in one call per sprint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from tracker_bridge.model import RemoteRef
from tracker_bridge.reconcile.actions import AssignSprint, EnsureSprint, Skip
from tracker_bridge.reconcile.apply_base import ApplyState, describe
from tracker_bridge.reconcile.base_keys import sprint_key
from tracker_bridge.reconcile.planner import sprint_values
from tracker_bridge.tracker import Adapter, SprintUnavailable, WriteResult


class SprintWrites(ApplyState):
    def _ensure_sprint(
        self, tracker: str, adapter: Adapter, action: EnsureSprint, final: bool = True
    ) -> None:
        assert action.sprint is not None
        known = self.store.get_sprint_refs(self.project, tracker).get(action.sprint.id)
        try:
            remote_id = adapter.ensure_sprint(action.sprint, known)
        except SprintUnavailable as exc:
            # A person must add it; its items wait, and nothing else is held up.
            self._unavailable[(tracker, action.sprint.id)] = str(exc)
            return
        except Exception as exc:
            if known is None:  # a create whose answer may be lost: never sent twice in a run
                self._fail(tracker, action.item_id, action.op, describe(exc))
                return
            try:  # updating or advancing an existing sprint is safe to try once more
                remote_id = adapter.ensure_sprint(action.sprint, known)
            except Exception as again:
                self._fail(tracker, action.item_id, action.op, describe(again))
                return
        self.store.save_sprint_ref(self.project, tracker, action.sprint.id, remote_id)
        if not final:
            return
        self.store.save_base(
            self.project, tracker, sprint_key(action.sprint.id), sprint_values(action.sprint)
        )
        self._count(tracker, action.op)

    def _assign_sprints(
        self,
        tracker: str,
        adapter: Adapter,
        actions: Iterable[AssignSprint],
        refs: Mapping[str, RemoteRef],
    ) -> set[str | None]:
        """Assign in one call per sprint; returns the sprints some item failed to reach."""
        unfilled: set[str | None] = set()
        remote_ids = self.store.get_sprint_refs(self.project, tracker)
        groups: dict[str | None, list[AssignSprint]] = defaultdict(list)
        for action in actions:
            groups[action.sprint_id].append(action)
        left_out: dict[str, int] = defaultdict(int)
        for sprint_id, group in groups.items():
            remote_id = remote_ids.get(sprint_id) if sprint_id else None
            if sprint_id and (tracker, sprint_id) in self._unavailable:
                left_out[sprint_id] += len(group)
                continue
            if sprint_id and remote_id is None:
                unfilled.add(sprint_id)
                for action in group:
                    self._fail(tracker, action.item_id, action.op, f"sprint {sprint_id} missing")
                continue
            on_tracker = [a for a in group if a.item_id in refs]
            for action in group:
                if action.item_id not in refs:
                    unfilled.add(sprint_id)
                    self._fail(tracker, action.item_id, action.op, "item not on the tracker")
            results = _assign(adapter, remote_id, [a.item_id for a in on_tracker], refs)
            retry = [r.item_id for r in results if r.error]
            if retry:  # setting the sprint is absolute: safe to send once more
                again = {r.item_id: r for r in _assign(adapter, remote_id, retry, refs)}
                results = [again.get(r.item_id, r) for r in results]
            for result in results:
                if result.error:
                    unfilled.add(sprint_id)
                    self._fail(tracker, result.item_id, "assign_sprint", result.error)
                    continue
                self._save_base(tracker, result.item_id, {"sprint": sprint_id})
                self._count(tracker, "assign_sprint")
        self._skip_unavailable(tracker, left_out)
        return unfilled

    def _skip_unavailable(self, tracker: str, left_out: Mapping[str, int]) -> None:
        """One skip per sprint the tracker cannot hold yet, with the fix and what waits."""
        for (where, sprint_id), reason in sorted(self._unavailable.items()):
            if where == tracker:
                waiting = left_out.get(sprint_id, 0)
                note = f"; {waiting} item(s) wait to join it" if waiting else ""
                self.report.skips.append(Skip(sprint_id, tracker, reason + note))


def _assign(
    adapter: Adapter, remote_id: str | None, item_ids: list[str], refs: Mapping[str, RemoteRef]
) -> list[WriteResult]:
    try:
        return adapter.assign_sprint(remote_id, [refs[i] for i in item_ids])
    except Exception as exc:
        return [WriteResult(i, None, error=describe(exc)) for i in item_ids]
