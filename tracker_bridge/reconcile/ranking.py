"""The rank step of a run: the roadmap's order as each tracker's rank, by the ownership rules."""

from __future__ import annotations

from collections.abc import Mapping

from tracker_bridge.model import Kind, RemoteRef, Roadmap
from tracker_bridge.reconcile.actions import CreateItem, Plan
from tracker_bridge.reconcile.planner import ROADMAP, Owner, field_owners
from tracker_bridge.reconcile.pulling import Pulled
from tracker_bridge.reconcile.run_report import SyncReport
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter


def rank_in_roadmap_order(
    store: Store,
    project: str,
    adapters: Mapping[str, Adapter],
    roadmap: Roadmap,
    report: SyncReport,
    pulled: Mapping[str, Pulled],
) -> None:
    """The roadmap's order (its stories, tasks, bugs and spikes; epics sit apart) as each
    tracker's rank, where the adapter ranks (Jira, a Projects board): only what moved is
    sent. Where the mapping gives the order to the tracker, only the issues created in
    this run are placed (after their roadmap predecessor): people's ranking stays."""
    # An issue a write was refused on (a marker that names another item) or failed on is
    # not touched again this run, not even to rank it.
    held = {f.item_id for f in (report.applied.failures if report.applied else ())}
    for tracker, adapter in adapters.items():
        rank = getattr(adapter, "rank", None)
        if rank is None:
            continue
        refs = store.get_refs(project, tracker)
        order = [
            refs[item.id]
            for item in roadmap.items
            if item.id in refs and item.kind is not Kind.EPIC and item.id not in held
        ]
        if order_owner(adapter) == ROADMAP:
            sent, errors = rank(order)
        else:
            new = _created_in_run(tracker, refs, report.plan, pulled.get(tracker))
            sent, errors = rank(order, new) if new else (0, [])
        if sent:
            report.ranked[tracker] = sent
        report.rank_errors += errors


def order_owner(adapter: Adapter) -> Owner:
    """Who owns the order on this tracker (its own mapping's `ownership.order`)."""
    return field_owners([adapter])["order"]


def _created_in_run(
    tracker: str, refs: Mapping[str, RemoteRef], the_plan: Plan, pulled: Pulled | None
) -> list[RemoteRef]:
    """The issues this run created on the tracker (a planned create that now has an issue
    the pull did not know); an adopted or followed issue is a person's, never placed."""
    known = {ref.remote_id for ref in pulled.state.refs.values()} if pulled else set()
    created = {
        action.item_id
        for action in the_plan.actions
        if isinstance(action, CreateItem) and action.tracker == tracker
    }
    return [refs[i] for i in sorted(created & set(refs)) if refs[i].remote_id not in known]
