"""Property: whatever people do around the nightly pulls, every edit is seen, exactly once.

Random bursts of human edits (hundreds within one second, more than a page of them, right at
the cursor's time, and in the middle of a pull, between two of its pages) are interleaved
with pulls on both fake trackers, and on a GitHub Projects v2 board (board-only edits of a
number field, which leave the issue untouched). After each pull, every edit made before it
began has been reported with its value, unless it was overwritten during the pull (then the
next pull owes it); and no value is ever reported twice. Each edit writes a value of its
own (a title, or a number on the board), so a value names its edit.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tests.adapters.jira.conftest import PROJECT, JiraFake
from tracker_bridge.adapters.github.body import marker
from tracker_bridge.model import Kind, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.server import FakeServer, Request, Response
from tracker_bridge.tracker import Adapter, NewItem, RemoteItem

ISSUES = 130  # more than one page of 100


@dataclass(frozen=True)
class Burst:
    count: int
    spacing: float
    """Seconds between two edits (0: all in the same instant)."""
    advance: float
    """Seconds the clock moves before the burst (0: right at the last pull's time)."""


@dataclass(frozen=True)
class Pull:
    during: int
    """Edits a person makes after `after_page` pages of the pull's listing were read."""
    after_page: int


STEPS = st.lists(
    st.one_of(
        st.builds(
            Burst,
            count=st.sampled_from([1, 3, 40, 150]),
            spacing=st.sampled_from([0.0, 0.001, 0.5]),
            advance=st.sampled_from([0.0, 1.0, 2.0, 61.0, 3600.0]),
        ),
        st.builds(Pull, during=st.sampled_from([0, 1, 30, 110]), after_page=st.integers(1, 2)),
    ),
    min_size=2,
    max_size=6,
)
SETTINGS = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
    phases=[Phase.explicit, Phase.generate],
)


class World(Protocol):
    """One fake tracker with issues, the way a person edits them, and pulls."""

    server: FakeServer
    keys: list[str]

    def listing(self, route: str) -> bool: ...

    def edit(self, key: str, title: str) -> None: ...

    def advance(self, seconds: float) -> None: ...

    def open_adapter(self) -> Adapter: ...

    def value(self, item: RemoteItem) -> str:
        """The pulled value that names an edit."""
        ...


class GitHubWorld:
    def listing(self, route: str) -> bool:
        return route == "/repos/{owner}/{repo}/issues"

    def __init__(self, gh: FakeGitHub) -> None:
        self.server = gh
        self.gh = gh
        gh.clock.freeze(gh.clock.now())  # time moves only when the test says so
        self.keys = [
            str(gh.human_create_issue(REPO, f"I{n}", body=marker(f"p.i{n}"))["number"])
            for n in range(ISSUES)
        ]
        self.tracker = GitHubFakeTracker(gh)

    def edit(self, key: str, title: str) -> None:
        self.gh.human_edit_issue(REPO, int(key), title=title)

    def advance(self, seconds: float) -> None:
        self.gh.clock.advance(seconds)

    def open_adapter(self) -> Adapter:
        return self.tracker.open_adapter()

    def value(self, item: RemoteItem) -> str:
        return str(item.values["title"])


class GitHubBoardWorld:
    """Projects v2: a person's edit is a board-only change (the Points field), which does not
    touch the issue; each edit writes a number of its own."""

    def listing(self, route: str) -> bool:
        return route == "/graphql"  # the board's item pages (and the rest of the GraphQL)

    def __init__(self, gh: FakeGitHub, mapping: Path) -> None:
        self.server = gh
        self.gh = gh
        gh.clock.freeze(gh.clock.now())
        self.tracker = GitHubFakeTracker(gh, mapping)
        adapter = self.tracker.open_adapter()
        made = adapter.create_items(
            [NewItem(WorkItem(id=f"b.i{n}", kind=Kind.TASK, title=f"I{n}")) for n in range(ISSUES)],
            lambda i, r: None,
        )
        adapter.close()
        self.keys = [str(result.ref.key) for result in made if result.ref is not None]
        assert len(self.keys) == ISSUES

    def edit(self, key: str, title: str) -> None:
        self.gh.human_set_project_field(REPO, int(key), "Points", int(title.split()[1]))

    def advance(self, seconds: float) -> None:
        self.gh.clock.advance(seconds)

    def open_adapter(self) -> Adapter:
        return self.tracker.open_adapter()

    def value(self, item: RemoteItem) -> str:
        points = item.values.get("points")
        return f"edit {int(float(str(points)))}" if points is not None else "none"


class JiraWorld:
    def listing(self, route: str) -> bool:
        return route.endswith(("/search", "/search/jql"))

    def __init__(self, fake: FakeJira) -> None:
        self.server = fake
        self.fake = fake
        self.keys = [fake.human_create(PROJECT, f"I{n}", "Task") for n in range(ISSUES)]
        self.jira = JiraFake(fake)

    def edit(self, key: str, title: str) -> None:
        # Jira keeps `updated` to the millisecond: two edits of an issue are never closer.
        self.fake.clock.advance(0.001)
        self.fake.human_edit(key, summary=title)

    def advance(self, seconds: float) -> None:
        self.fake.clock.advance(seconds)

    def open_adapter(self) -> Adapter:
        return self.jira.open_adapter()

    def value(self, item: RemoteItem) -> str:
        return str(item.values["title"])


class Ledger:
    """What people wrote and what the pulls reported."""

    def __init__(self) -> None:
        self.edits = 0
        self.pending: dict[str, str] = {}  # edited before the current pull began
        self.during: dict[str, str] = {}  # edited while it ran
        self.reported: set[tuple[str, str]] = set()

    def title(self) -> str:
        self.edits += 1
        return f"edit {self.edits}"

    def check(self, pulled: dict[str, str]) -> None:
        for key, title in pulled.items():
            assert (key, title) not in self.reported, f"{key} {title!r} reported twice"
            self.reported.add((key, title))
        for key, title in self.pending.items():
            if key not in self.during:  # else overwritten during the pull: the next one owes it
                assert pulled.get(key) == title, f"{key} {title!r} was not seen"
        self.pending = {k: t for k, t in self.during.items() if pulled.get(k) != t}
        self.during = {}


def run(world: World, steps: list[Burst | Pull], seed: int) -> None:
    rng = random.Random(seed)
    ledger = Ledger()
    plan: dict[str, int] = {}  # the current pull's "edit during" instruction
    pages = [0]

    def edit_many(count: int, spacing: float, into: dict[str, str]) -> None:
        for _ in range(count):
            key = rng.choice(world.keys)
            title = ledger.title()
            world.edit(key, title)
            into[key] = title
            world.advance(spacing)

    def between_pages(request: Request, response: Response) -> None:
        if not plan or not world.listing(request.route):
            return
        pages[0] += 1
        if pages[0] == plan["after_page"]:
            edit_many(plan["during"], 0.0, ledger.during)

    world.server.after_request(between_pages)
    first = world.open_adapter().pull(None)
    ledger.reported |= {(i.ref.key, world.value(i)) for i in first.items}
    cursor = first.cursor
    for step in [*steps, Pull(0, 1)]:  # a last quiet pull settles what the others owe
        if isinstance(step, Burst):
            world.advance(step.advance)
            edit_many(step.count, step.spacing, ledger.pending)
            continue
        plan.update(during=step.during, after_page=step.after_page)
        pages[0] = 0
        result = world.open_adapter().pull(cursor)
        plan.clear()
        assert result.complete
        ledger.check({i.ref.key: world.value(i) for i in result.items})
        cursor = result.cursor
    assert not ledger.pending, f"never seen: {ledger.pending}"


@contextmanager
def github_world() -> Iterator[World]:
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        yield GitHubWorld(gh)


@contextmanager
def jira_world(flavour: str) -> Iterator[World]:
    with FakeJira(flavour, projects=(PROJECT,)) as fake:  # type: ignore[arg-type]
        yield JiraWorld(fake)


# A burst of more than a page, then a pull that people edit through: fails oldest first.
BUSY = [Burst(120, 0.001, 61.0), Pull(110, 1), Burst(3, 0.0, 0.0)]


@SETTINGS
@given(steps=STEPS, seed=st.integers(0, 2**16))
@example(steps=BUSY, seed=1)
# All 130 issues updated in one second, then one beyond page 1 edited in that same second:
# its `updated_at` and place stay, page 1 (and its ETag) too.
@example(steps=[Pull(1, 2), Pull(110, 2), Burst(1, 0.001, 0.0)], seed=6655)
def test_github_sees_every_edit_once(steps: list[Burst | Pull], seed: int) -> None:
    with github_world() as world:
        run(world, steps, seed)


@SETTINGS
@given(steps=STEPS, seed=st.integers(0, 2**16), flavour=st.sampled_from(["cloud", "datacenter"]))
@example(steps=BUSY, seed=1, flavour="cloud")
@example(steps=BUSY, seed=1, flavour="datacenter")
def test_jira_sees_every_edit_once(steps: list[Burst | Pull], seed: int, flavour: str) -> None:
    with jira_world(flavour) as world:
        run(world, steps, seed)


@contextmanager
def github_board_world(tmp: Path) -> Iterator[World]:
    mapping = tmp / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\n")
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        yield GitHubBoardWorld(gh, mapping)


@SETTINGS
@given(steps=STEPS, seed=st.integers(0, 2**16))
@example(steps=BUSY, seed=1)
# Board edits in the second of the newest board change already read (issue-free moves).
@example(steps=[Pull(0, 1), Burst(3, 0.0, 0.0), Pull(30, 1)], seed=7)
def test_github_board_sees_every_edit_once(
    steps: list[Burst | Pull], seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with github_board_world(tmp_path_factory.mktemp("board")) as world:
        run(world, steps, seed)
