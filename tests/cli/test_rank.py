"""The roadmap's order becomes the Jira rank; only what moved is sent (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clirun import running_sandbox
from tracker_bridge.adapters.jira.rank import RankMove, rank_moves
from tracker_bridge.model import Kind
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.fake_jira.ranking import ordered, rank_issues
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli

FIRST = "infra.repo-setup"  # the first item of the first epic
MOVED = "infra.terraform-staging"  # the third item of the same epic


def test_only_the_issues_out_of_place_move() -> None:
    assert rank_moves(["A", "B", "C"], ["A", "B", "C"]) == []
    assert rank_moves(["A", "B", "C", "D"], ["A", "C", "B", "D"]) == [RankMove(("C",), after="A")]
    assert rank_moves(["A", "B"], ["A", "B", "N"]) == []  # a new issue is last already
    assert rank_moves(["B", "C", "A"], ["A", "B", "C"]) == [RankMove(("A",), before="B")]
    many = [f"K{i}" for i in range(120)]
    moves = rank_moves(many, [*many[100:], *many[:100]])  # 20 to the top: one request
    assert moves == [RankMove(tuple(many[100:]), before="K0")]
    reversed_moves = rank_moves(many, many[::-1])  # 119 move, in batches of at most 50
    assert [len(m.issues) for m in reversed_moves] == [50, 50, 19]


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def sandbox(
    tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    with running_sandbox(monkeypatch, tmp_path / "sandbox", roadmap) as running:
        yield running


def _sync(cli: Cli) -> dict[str, object]:
    result = cli("sync", "--yes", "--json", "-c", cli.config)
    assert result.code == 0, result.err
    summary: dict[str, object] = json.loads(result.out)["summary"]
    return summary


def _jira_order(cli: Cli, roadmap: Path) -> list[str]:
    keys = {cli.sandbox.jira_key(i.id): i.id for i in load_roadmap(roadmap).roadmap.items
            if i.kind is not Kind.EPIC}
    return [keys[i.key] for i in ordered(cli.sandbox.jira.data) if i.key in keys]


def test_the_roadmaps_order_is_the_jira_rank_and_a_quiet_night_sends_none(
    cli: Cli, roadmap: Path
) -> None:
    seeded = cli("seed", "--yes", "-c", cli.config)
    assert seeded.code == 0, seeded.err
    items = [i.id for i in load_roadmap(roadmap).roadmap.items if i.kind is not Kind.EPIC]
    first = _sync(cli)
    assert _jira_order(cli, roadmap) == items
    assert first["ranked"] == {}  # created in the roadmap's order: nothing to rank

    # The team moves a task to the top of the roadmap: one rank request puts it there.
    text = roadmap.read_text(encoding="utf-8")
    start = text.index(f"          - id: {MOVED}\n")
    end = text.index("          - id: ", start + 1)
    block = text[start:end]
    text = text[:start] + text[end:]
    top = text.index(f"          - id: {FIRST}\n")
    roadmap.write_text(text[:top] + block + text[top:], encoding="utf-8")
    wanted = [i.id for i in load_roadmap(roadmap).roadmap.items if i.kind is not Kind.EPIC]
    assert wanted[0] == MOVED
    moved = _sync(cli)
    assert moved["ranked"] == {cli.sandbox.jira_tracker: 1}
    assert _jira_order(cli, roadmap) == wanted

    quiet = _sync(cli)
    assert quiet["ranked"] == {}  # the order already matches: no rank request

    # A person drags an issue to the top of the backlog. The roadmap owns the order, so the
    # next sync ranks it back where the roadmap has it.
    fake = cli.sandbox.jira
    with fake.lock:
        issues = {i.key: i for i in ordered(fake.data)}
        last = issues[cli.sandbox.jira_key(wanted[-1])]
        rank_issues(fake.data, [last], issues[cli.sandbox.jira_key(wanted[0])], before=True)
    assert _jira_order(cli, roadmap)[0] == wanted[-1]
    back = _sync(cli)
    assert back["ranked"] == {cli.sandbox.jira_tracker: 1}
    assert _jira_order(cli, roadmap) == wanted


@pytest.fixture
def projects_sandbox(
    tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n")
    sandbox_dir = tmp_path / "sandbox"
    with running_sandbox(monkeypatch, sandbox_dir, roadmap, github_mapping=mapping) as running:
        yield running


def _board_order(sandbox: Sandbox, roadmap: Path) -> list[str]:
    ids = {f"{sandbox.github_repo}#{sandbox.github_number(i.id)}": i.id
           for i in load_roadmap(roadmap).roadmap.items if i.kind is not Kind.EPIC}
    return [ids[node["issue"]] for node in sandbox.github.project(1)["items"]
            if node["issue"] in ids]


def test_the_roadmaps_order_is_the_project_boards_order(
    projects_sandbox: Sandbox, roadmap: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = Cli(projects_sandbox, capsys)
    seeded = cli("seed", "--yes", "-c", cli.config)
    assert seeded.code == 0, seeded.err
    _sync(cli)
    items = [i.id for i in load_roadmap(roadmap).roadmap.items if i.kind is not Kind.EPIC]
    assert _board_order(projects_sandbox, roadmap) == items

    # A person drags the last card to the top of the board; the roadmap owns the order.
    board = projects_sandbox.github.project(1)["items"]
    last = next(n for n in board if n["issue"].endswith(
        f"#{projects_sandbox.github_number(items[-1])}"))
    with projects_sandbox.github.lock:
        project = projects_sandbox.github.projects[0]
        item = next(i for i in project.items if i.id == last["id"])
        project.items.remove(item)
        project.items.insert(0, item)
    assert _board_order(projects_sandbox, roadmap)[0] == items[-1]
    back = _sync(cli)
    assert back["ranked"] == {projects_sandbox.github_tracker: 1}
    assert _board_order(projects_sandbox, roadmap) == items
    assert _sync(cli)["ranked"] == {}  # a quiet night: no position request
