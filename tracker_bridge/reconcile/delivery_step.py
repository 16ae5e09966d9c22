"""The sync's delivery step (I/O glue): read new facts through each delivery source, find
which merges each successful deployment and release contains, compute the forward-only
delivery side for the planner, and, once the plan is applied, store facts, cursors and what
delivery reported. A dry run (`plan`) stores nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from tracker_bridge.delivery.facts import Deployment, Fact, Facts, Release
from tracker_bridge.delivery.links import LinkIndex
from tracker_bridge.delivery.rules import DeliveryRules, Reached, reached_stages
from tracker_bridge.delivery.source import DeliverySource, Target
from tracker_bridge.delivery.stored import load_facts, save_facts
from tracker_bridge.model import Stage
from tracker_bridge.reconcile.delivery import DeliverySide, delivery_side
from tracker_bridge.reconcile.delivery_closes import AutoClosed, candidates, undo
from tracker_bridge.reconcile.planner import TargetState
from tracker_bridge.store import Store
from tracker_bridge.tracker import Adapter

CURSOR_PREFIX = "delivery:"


def delivery_sources(adapters: Mapping[str, Adapter]) -> dict[str, DeliverySource]:
    found: dict[str, DeliverySource] = {}
    for tracker, adapter in adapters.items():
        inner = getattr(adapter, "inner", adapter)  # `with_people` wraps adapters
        for candidate in (adapter, inner):
            if isinstance(candidate, DeliverySource) and candidate.delivery_rules() is not None:
                found[tracker] = candidate
                break
    return found


def link_index(targets: Sequence[TargetState], item_ids: Sequence[str]) -> LinkIndex:
    github: dict[tuple[str, int], str] = {}
    jira: dict[str, str] = {}
    for target in targets:
        adapter, _, remote = target.tracker.partition(":")
        for item_id, ref in target.refs.items():
            if adapter == "github" and ref.key.isdigit():
                github[(remote.lower(), int(ref.key))] = item_id
            elif adapter == "jira":
                jira[ref.key.upper()] = item_id
    return LinkIndex(github, jira, frozenset(item_ids))


@dataclass
class DeliveryStep:
    store: Store
    project: str
    sources: Mapping[str, DeliverySource]
    side: DeliverySide | None = None
    _changed: dict[str, Fact] = field(default_factory=dict)
    _cursors: dict[str, str] = field(default_factory=dict)
    unread: dict[str, str] = field(default_factory=dict)
    """Trackers whose deliveries could not be read this run, with why."""
    targets: tuple[TargetState, ...] = ()
    """The targets the planner should merge (GitHub's closes for a merge undone)."""
    auto_closed: list[AutoClosed] = field(default_factory=list)

    @property
    def rules(self) -> DeliveryRules:
        return next(iter(self.sources.values())).delivery_rules() or DeliveryRules()

    def prepare(
        self, targets: Sequence[TargetState], item_ids: Sequence[str]
    ) -> DeliverySide | None:
        self.targets = tuple(targets)
        if not self.sources:
            return None
        facts = load_facts(self.store, self.project)
        for tracker, source in self.sources.items():
            cursor = self.store.get_cursor(self.project, CURSOR_PREFIX + tracker)
            try:
                read = source.read_deliveries(cursor)
            except Exception as failed:  # delivery must never stop the sync
                # Deliveries are facts kept by GitHub: unread tonight, they are read (from the
                # unmoved cursor) next time, and the issues still sync now.
                self.unread[tracker] = str(failed) or type(failed).__name__
                continue
            for fact in read.facts:
                self._note(facts.add(fact))
            self._cursors[tracker] = read.cursor
        self._resolve(facts)
        rules = self.rules
        reached = reached_stages(facts, link_index(targets, item_ids), rules)
        self.auto_closed = self._auto_closed(targets, reached, facts)
        self.targets, side_targets = undo(targets, self.auto_closed)
        seen = {
            item: Stage(stage) for item, stage in self.store.delivery_stages(self.project).items()
        }
        self.side = delivery_side(reached, side_targets, seen)
        return self.side

    def _auto_closed(
        self, targets: Sequence[TargetState], reached: Mapping[str, Reached], facts: Facts
    ) -> list[AutoClosed]:
        """Issues GitHub closed for a merge delivery knows (see `delivery_closes`)."""
        merges = {p.merge_sha for p in facts.merged_pulls() if p.merge_sha}
        found: list[AutoClosed] = []
        for target in targets:
            source = self.sources.get(target.tracker)
            asked = candidates(target, reached) if source is not None else {}
            if source is None or not asked:
                continue
            try:
                commits = source.closing_commits(sorted(set(asked.values())))
            except Exception as failed:  # the close stands tonight; asked again next run
                self.unread[target.tracker] = str(failed) or type(failed).__name__
                continue
            for item_id, key in asked.items():
                sha = commits.get(key)
                if sha is not None and sha in merges:
                    reopen = reached[item_id].stage is not Stage.DONE
                    found.append(AutoClosed(target.tracker, item_id, sha, reopen))
        return found

    def _note(self, fact: Fact) -> None:
        self._changed[fact.key] = fact

    def _resolve(self, facts: Facts) -> None:
        """Which merges each successful deployment and published release contains."""
        merges = {
            p.merge_sha: p.merged_at for p in facts.merged_pulls() if p.merge_sha and p.merged_at
        }
        releases = list(facts.releases.values()) if self.rules.release_stage else []
        shipped: list[Deployment | Release] = [*facts.deployments.values(), *releases]
        shipped.sort(key=lambda f: _where(f)[1] or datetime.max.replace(tzinfo=UTC))
        for tracker, source in self.sources.items():
            pending: list[Target] = []
            looked_for: dict[str, set[str]] = {}
            # A merge an earlier deployment to the same environment (or an earlier release)
            # contains got there then; a later one cannot move it sooner: not looked for.
            earlier: dict[str, set[str]] = {}
            for fact in shipped:
                ref, at = _where(fact)
                if ref is None or at is None or not _ours(fact, source):
                    continue
                group = earlier.setdefault(_group(fact), set())
                unchecked = {sha for sha, when in merges.items() if when <= at}
                unchecked -= fact.checked | group
                group |= fact.contains
                if unchecked:
                    pending.append(Target(fact.key, ref, at))
                    looked_for[fact.key] = unchecked
            if not pending:
                continue
            wanted = set().union(*looked_for.values())
            try:
                found = source.merges_reachable(pending, {sha: merges[sha] for sha in wanted})
            except Exception as failed:  # unchecked deployments are checked again next run
                self.unread[tracker] = str(failed) or type(failed).__name__
                continue
            for target in pending:
                known = facts.deployments.get(target.key) or facts.releases[target.key]
                checked = looked_for[target.key]
                updated = replace(
                    known,
                    contains=known.contains | found.get(target.key, frozenset()),
                    checked=known.checked | checked,
                )
                table = facts.deployments if isinstance(updated, Deployment) else facts.releases
                table[target.key] = updated  # type: ignore[assignment]
                self._note(updated)

    @property
    def noticed(self) -> int:
        """Facts new or changed this run, trackers not read, merges' closes undone: what a
        quiet night has none of."""
        return len(self._changed) + len(self.unread) + len(self.auto_closed)

    def settle(self, failed: set[str]) -> None:
        """After apply: keep the facts, move the cursors, remember what delivery reported
        (not for items whose write failed: they are moved again next run)."""
        save_facts(self.store, self.project, list(self._changed.values()))
        for tracker, cursor in self._cursors.items():
            self.store.set_cursor(self.project, CURSOR_PREFIX + tracker, cursor)
        if self.side is not None:
            seen = {
                item: stage.value for item, stage in self.side.seen.items() if item not in failed
            }
            self.store.save_delivery_stages(self.project, seen)


def _where(fact: Deployment | Release) -> tuple[str | None, datetime | None]:
    if isinstance(fact, Deployment):
        return (fact.sha or None, fact.at) if fact.succeeded else (None, None)
    if fact.draft or fact.published_at is None:
        return None, None
    return fact.sha or fact.tag, fact.published_at


def _group(fact: Deployment | Release) -> str:
    if isinstance(fact, Deployment):
        return f"environment:{fact.environment.casefold()}"
    return "release"


def _ours(fact: Deployment | Release, source: DeliverySource) -> bool:
    if isinstance(fact, Release):
        return source.owns_repo(fact.repo)
    if fact.source == "cli":
        return True  # `delivered --commit`: any repository's history may hold it
    return fact.source == source.tracker
