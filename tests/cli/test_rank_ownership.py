"""Order follows the ownership rules: `ownership: {order: tracker}` keeps a person's re-ranking
and still places new roadmap items where the roadmap puts them (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clirun import running_sandbox
from tracker_bridge.adapters.ordering import RankMove, rank_moves
from tracker_bridge.model import Kind
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.fake_jira.ranking import ordered, rank_issues
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli

FIRST = "infra.repo-setup"  # the first item of the first epic
NEW = "infra.secrets-rotation"
NEW_BLOCK = f"""          - id: {NEW}
            title: Rotate the staging secrets monthly
            kind: task
            points: 2
"""


def test_with_tracker_ownership_only_the_new_issues_are_placed() -> None:
    # A person put C first; N (new, at the bottom) belongs after A by the roadmap.
    assert rank_moves(["C", "A", "B", "N"], ["A", "N", "B", "C"], only={"N"}) == [
        RankMove(("N",), after="A")
    ]
    assert rank_moves(["C", "A", "B"], ["A", "B", "C"], only=set()) == []  # nothing new
    assert rank_moves(["B", "A", "N"], ["B", "A", "N"], only={"N"}) == []  # in place already
    # New at the top of the roadmap: before the first issue the roadmap has after it.
    assert rank_moves(["B", "A", "N", "M"], ["N", "M", "A", "B"], only={"N", "M"}) == [
        RankMove(("N", "M"), before="A")
    ]


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _sandbox(tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch,
             owner: str) -> Iterator[Sandbox]:
    mapping = tmp_path / "jira.yaml"
    mapping.write_text(f"ownership:\n  order: {owner}\n", encoding="utf-8")
    sandbox_dir = tmp_path / "sandbox"
    with running_sandbox(monkeypatch, sandbox_dir, roadmap, jira_mapping=mapping) as running:
        yield running


@pytest.fixture
def sandbox(
    tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    yield from _sandbox(tmp_path, roadmap, monkeypatch, "tracker")


def _sync(cli: Cli) -> dict[str, object]:
    result = cli("sync", "--yes", "--json", "-c", cli.config)
    assert result.code == 0, result.err
    summary: dict[str, object] = json.loads(result.out)["summary"]
    return summary


def _ranked(summary: dict[str, object]) -> dict[str, int]:
    ranked = summary["ranked"]
    assert isinstance(ranked, dict)
    return ranked


def _items(roadmap: Path) -> list[str]:
    return [i.id for i in load_roadmap(roadmap).roadmap.items if i.kind is not Kind.EPIC]


def _jira_order(cli: Cli, roadmap: Path) -> list[str]:
    keys = {cli.sandbox.jira_key(i): i for i in _items(roadmap)}
    return [keys[i.key] for i in ordered(cli.sandbox.jira.data) if i.key in keys]


def _person_drags_last_to_top(cli: Cli, items: list[str]) -> None:
    fake = cli.sandbox.jira
    with fake.lock:
        issues = {i.key: i for i in ordered(fake.data)}
        last = issues[cli.sandbox.jira_key(items[-1])]
        rank_issues(fake.data, [last], issues[cli.sandbox.jira_key(items[0])], before=True)


def _add_after_first(roadmap: Path) -> None:
    text = roadmap.read_text(encoding="utf-8")
    start = text.index(f"          - id: {FIRST}\n")
    after = text.index("          - id: ", start + 1)
    roadmap.write_text(text[:after] + NEW_BLOCK + text[after:], encoding="utf-8")


def test_a_persons_ranking_stays_and_a_new_item_takes_its_roadmap_place(
    cli: Cli, roadmap: Path
) -> None:
    assert cli("seed", "--yes", "-c", cli.config).code == 0
    items = _items(roadmap)
    assert _sync(cli)["ranked"] == {}
    assert _jira_order(cli, roadmap) == items  # created in the roadmap's order

    # A person drags the last issue to the top: the tracker owns the order, so it stays.
    _person_drags_last_to_top(cli, items)
    assert _sync(cli)["ranked"] == {}  # a quiet night: no rank request
    people = [items[-1], *items[:-1]]
    assert _jira_order(cli, roadmap) == people

    # A new roadmap item after the first one: placed there, and nothing else moves.
    _add_after_first(roadmap)
    placed = _sync(cli)
    assert placed["created"] == 2  # on Jira and on GitHub
    assert placed["ranked"] == {cli.sandbox.jira_tracker: 1}
    assert _jira_order(cli, roadmap) == [items[-1], FIRST, NEW, *items[1:-1]]
    assert _sync(cli)["ranked"] == {}


def test_with_roadmap_ownership_a_persons_ranking_is_put_back(
    tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for running in _sandbox(tmp_path, roadmap, monkeypatch, "roadmap"):
        cli = Cli(running, capsys)
        assert cli("seed", "--yes", "-c", cli.config).code == 0
        items = _items(roadmap)
        assert _sync(cli)["ranked"] == {}
        _person_drags_last_to_top(cli, items)
        assert _sync(cli)["ranked"] == {cli.sandbox.jira_tracker: 1}
        assert _jira_order(cli, roadmap) == items
        assert _sync(cli)["ranked"] == {}  # a quiet night: no rank request

        _add_after_first(roadmap)
        placed = _sync(cli)
        assert placed["ranked"] == {cli.sandbox.jira_tracker: 1}
        assert _jira_order(cli, roadmap) == [FIRST, NEW, *items[1:]]


def test_order_is_owned_like_any_field_in_the_mapping() -> None:
    from pydantic import ValidationError

    from tracker_bridge.adapters.jira.mapping import JiraMapping

    assert JiraMapping().ownership["order"] == "roadmap"  # the default: as before
    chosen = JiraMapping.model_validate({"ownership": {"order": "tracker"}})
    assert chosen.ownership["order"] == "tracker"
    assert chosen.ownership["title"] == "roadmap"  # the other owners keep their defaults
    with pytest.raises(ValidationError, match="rank"):
        JiraMapping.model_validate({"ownership": {"rank": "tracker"}})


def _board_order(sandbox: Sandbox, roadmap: Path) -> list[str]:
    ids = {f"{sandbox.github_repo}#{sandbox.github_number(i)}": i for i in _items(roadmap)}
    return [ids[node["issue"]] for node in sandbox.github.project(1)["items"]
            if node["issue"] in ids]


def test_a_project_board_owned_by_the_team_keeps_its_order(
    tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n"
                       "ownership: {order: tracker}\n", encoding="utf-8")
    sandbox_dir = tmp_path / "sandbox"
    with running_sandbox(monkeypatch, sandbox_dir, roadmap, github_mapping=mapping) as running:
        cli = Cli(running, capsys)
        assert cli("seed", "--yes", "-c", cli.config).code == 0
        _sync(cli)
        items = _items(roadmap)
        assert _board_order(running, roadmap) == items

        # A person drags the last card to the top of the board: it stays there.
        with running.github.lock:
            project = running.github.projects[0]
            number = running.github_number(items[-1])
            card = next(i for i in project.items
                        if _board_issue(running, i.id).endswith(f"#{number}"))
            project.items.remove(card)
            project.items.insert(0, card)
        assert running.github_tracker not in _ranked(_sync(cli))
        assert _board_order(running, roadmap) == [items[-1], *items[:-1]]

        _add_after_first(roadmap)
        assert _ranked(_sync(cli)).get(running.github_tracker) == 1
        assert _board_order(running, roadmap) == [items[-1], FIRST, NEW, *items[1:-1]]


def _board_issue(sandbox: Sandbox, item_node: str) -> str:
    return next(str(n["issue"]) for n in sandbox.github.project(1)["items"]
                if n["id"] == item_node)
