"""The roadmap cache: an unchanged file is not parsed again, any change always is."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import tracker_bridge
from tracker_bridge.model import SprintState
from tracker_bridge.roadmap import RoadmapLoadError, load_roadmap
from tracker_bridge.roadmap.cache import load_plan_cached, load_roadmap_cached
from tracker_bridge.testing.roadmaps import generate_roadmap

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"
TODAY = date(2026, 2, 10)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TB_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "roadmaps").glob("*.json"))


@pytest.mark.parametrize("text", [EXAMPLE.read_text(encoding="utf-8"), generate_roadmap(300)])
def test_a_cached_roadmap_is_the_one_the_file_gives(
    cache: Path, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    fresh = load_roadmap(path, today=TODAY)
    first = load_roadmap_cached(path, today=TODAY)  # parsed, and written to the cache
    again = load_roadmap_cached(path, today=TODAY)  # read from the cache
    assert len(_entries(cache)) == 1
    for loaded in (first, again):
        assert loaded.roadmap == fresh.roadmap
        assert dict(loaded.lines) == dict(fresh.lines)
        assert loaded.path == path


def test_an_unchanged_file_is_read_from_the_cache(cache: Path, roadmap: Path) -> None:
    load_roadmap_cached(roadmap, today=TODAY)
    # Mark the entry so a hit shows (a real run never writes into the cache by hand).
    (entry,) = _entries(cache)
    stored = json.loads(entry.read_text())
    data = json.loads(stored["roadmap"])
    data["project"] = "from-the-cache"
    stored["roadmap"] = json.dumps(data)
    entry.write_text(json.dumps(stored))
    assert load_roadmap_cached(roadmap, today=TODAY).roadmap.project == "from-the-cache"


def test_an_edit_of_the_same_size_and_time_is_parsed_again(cache: Path, roadmap: Path) -> None:
    before = load_roadmap_cached(roadmap, today=TODAY).roadmap
    title = before.items[1].title
    stat = roadmap.stat()
    text = roadmap.read_text(encoding="utf-8")
    edited = "X" + title[1:]
    assert len(edited) == len(title) and text.count(f"title: {title}\n") == 1
    roadmap.write_text(text.replace(f"title: {title}\n", f"title: {edited}\n"), encoding="utf-8")
    os.utime(roadmap, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as an editor keeping mtime
    assert roadmap.stat().st_size == stat.st_size
    after = load_roadmap_cached(roadmap, today=TODAY).roadmap
    assert after.items[1].title == edited
    assert after == load_roadmap(roadmap, today=TODAY).roadmap


def test_another_day_derives_the_sprint_states_again(cache: Path, roadmap: Path) -> None:
    early = load_roadmap_cached(roadmap, today=date(2026, 1, 6)).roadmap
    late = load_roadmap_cached(roadmap, today=date(2026, 3, 20)).roadmap
    assert early.sprints[0].state is SprintState.ACTIVE
    assert late.sprints[0].state is SprintState.CLOSED
    assert late == load_roadmap(roadmap, today=date(2026, 3, 20)).roadmap


def test_a_file_with_problems_reports_them_every_time(cache: Path, roadmap: Path) -> None:
    load_roadmap_cached(roadmap, today=TODAY)
    roadmap.write_text(roadmap.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    for _run in range(2):
        with pytest.raises(RoadmapLoadError) as raised:
            load_roadmap_cached(roadmap, today=TODAY)
        assert "bogus_key" in "\n".join(raised.value.lines())


def test_a_damaged_entry_is_a_miss(cache: Path, roadmap: Path) -> None:
    expected = load_roadmap_cached(roadmap, today=TODAY).roadmap
    (entry,) = _entries(cache)
    entry.write_text('{"key": [')  # cut short, as a full disk or a crash leaves it
    assert load_roadmap_cached(roadmap, today=TODAY).roadmap == expected
    assert load_roadmap_cached(roadmap, today=TODAY).roadmap == expected  # rewritten


def test_an_unwritable_cache_still_loads(
    roadmap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("TB_CACHE_DIR", str(blocker))  # mkdir under a file fails
    expected = load_roadmap(roadmap, today=TODAY).roadmap
    assert load_roadmap_cached(roadmap, today=TODAY).roadmap == expected


def test_a_missing_file_is_worded_as_by_the_loader(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception) as cached:
        load_roadmap_cached(tmp_path / "nowhere.yaml")
    with pytest.raises(Exception) as plain:
        load_roadmap(tmp_path / "nowhere.yaml")
    assert str(cached.value) == str(plain.value)


def test_a_file_saved_in_another_encoding_is_worded_as_by_the_loader(
    cache: Path, roadmap: Path
) -> None:
    """Cached as UTF-8, then saved as Latin-1 by an editor: never the old entry, the
    loader's words."""
    load_roadmap_cached(roadmap, today=TODAY)
    roadmap.write_bytes(roadmap.read_text(encoding="utf-8").replace(
        "title:", "title: Café", 1).encode("latin-1", errors="replace"))
    with pytest.raises(Exception) as cached:
        load_roadmap_cached(roadmap, today=TODAY)
    with pytest.raises(Exception) as plain:
        load_roadmap(roadmap, today=TODAY)
    assert str(cached.value) == str(plain.value)


@pytest.mark.parametrize("field, value", [
    ("lines", {"x": "12"}), ("lines", ["x", 12]), ("item_ids", [1, 2]), ("item_ids", "x"),
])
def test_an_entry_holding_other_kinds_of_values_is_a_miss(
    cache: Path, roadmap: Path, field: str, value: object
) -> None:
    """An entry edited by hand or written by something else: parsed again, the same."""
    expected = load_roadmap_cached(roadmap, today=TODAY)
    (entry,) = _entries(cache)
    stored = json.loads(entry.read_text())
    entry.write_text(json.dumps({**stored, field: value}))
    again = load_roadmap_cached(roadmap, today=TODAY)
    assert again.roadmap == expected.roadmap and dict(again.lines) == dict(expected.lines)
    assert json.loads(entry.read_text())[field] == stored[field]  # written again


def test_entries_are_kept_per_path_and_pruned(cache: Path, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for number in range(35):
        path = tmp_path / f"roadmap-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        load_roadmap_cached(path, today=TODAY)
        load_roadmap_cached(path, today=TODAY)
    assert len(_entries(cache)) == 32
    plans = sorted((cache / "roadmaps").glob("*.plan"))  # pruned with their entries
    assert [plan.stem for plan in plans] == [entry.stem for entry in _entries(cache)]


def _mark_entry(cache: Path) -> None:
    """Rename the cached project, so a read from the entry shows (nothing else writes it)."""
    (entry,) = _entries(cache)
    stored = json.loads(entry.read_text())
    data = json.loads(stored["roadmap"])
    data["project"] = "from-the-cache"
    stored["roadmap"] = json.dumps(data)
    entry.write_text(json.dumps(stored))


def test_one_entry_serves_every_day_with_the_states_of_that_day(
    cache: Path, roadmap: Path
) -> None:
    # s2's state is set in the file (kept on every day); the others follow their dates.
    text = roadmap.read_text(encoding="utf-8")
    roadmap.write_text(
        text.replace("  - id: s2\n", "  - id: s2\n    state: active\n"), encoding="utf-8"
    )
    load_roadmap_cached(roadmap, today=date(2026, 1, 6))
    _mark_entry(cache)
    for day in (date(2026, 1, 6), date(2026, 2, 10), date(2026, 3, 20)):
        cached = load_roadmap_cached(roadmap, today=day).roadmap
        fresh = load_roadmap(roadmap, today=day).roadmap
        assert cached.project == "from-the-cache"  # no parse on another day
        assert cached.sprints == fresh.sprints
        assert cached.model_copy(update={"project": fresh.project}) == fresh
    late = load_roadmap_cached(roadmap, today=date(2026, 3, 20)).roadmap.sprint_by_id()
    assert late["s1"].state is SprintState.CLOSED
    assert late["s2"].state is SprintState.ACTIVE  # as the file says, though its dates passed


def test_without_items_the_roadmap_is_the_plan_around_them(cache: Path, roadmap: Path) -> None:
    full = load_roadmap(roadmap, today=TODAY).roadmap
    missed = load_roadmap_cached(roadmap, today=TODAY, items=False)  # parsed, then cached
    hit = load_roadmap_cached(roadmap, today=TODAY, items=False)
    for loaded in (missed, hit):
        assert loaded.roadmap.items == ()
        assert loaded.roadmap == full.model_copy(update={"items": ()})
        assert loaded.line_of(full.items[0].id) > 0
    assert load_roadmap_cached(roadmap, today=TODAY).roadmap == full  # the items are cached too


def test_items_from_the_cache_copy_independently(cache: Path, roadmap: Path) -> None:
    # The loaded items share one record of the fields set (a third of their memory): a
    # copy must get a set of its own, so nothing it adds shows on every other item.
    load_roadmap_cached(roadmap, today=TODAY)
    first, second = load_roadmap_cached(roadmap, today=TODAY).roadmap.items[:2]
    assert first.model_fields_set is second.model_fields_set
    changed = first.model_copy(update={"title": "Renamed"})
    assert changed.title == "Renamed" and first.title != "Renamed"
    assert changed.model_fields_set is not first.model_fields_set


def test_skipped_items_are_left_out_hit_or_miss(cache: Path, roadmap: Path) -> None:
    full = load_roadmap(roadmap, today=TODAY)
    skip = {item.id for item in full.roadmap.items[::2]}
    for _run in ("miss", "hit"):
        loaded = load_roadmap_cached(roadmap, today=TODAY, skip=skip)
        assert loaded.roadmap.items == tuple(
            i for i in full.roadmap.items if i.id not in skip)
        assert list(loaded.lines) == list(full.lines)  # every item, in file order


@pytest.mark.parametrize("kind", [set, frozenset, list, dict.fromkeys])
@pytest.mark.parametrize("left", [0, 1])
def test_a_skip_of_every_item_reads_none_whatever_container_it_is(
    cache: Path, roadmap: Path, kind: Any, left: int
) -> None:
    full = load_roadmap(roadmap, today=TODAY)
    ids = [item.id for item in full.roadmap.items]
    load_roadmap_cached(roadmap, today=TODAY)  # written
    skip = kind(ids[left:])
    kept = tuple(full.roadmap.items[:left])
    assert load_roadmap_cached(roadmap, today=TODAY, skip=skip).roadmap.items == kept
    for items in (cache / "roadmaps").glob("*.items"):
        items.unlink()
    # Every item skipped: the items' file is never read, so its loss is still a hit. One
    # left: its loss is a miss, and the file is parsed (and written) again.
    loaded = load_roadmap_cached(roadmap, today=TODAY, skip=skip)
    assert loaded.roadmap.items == kept
    assert list(loaded.lines) == list(full.lines)
    assert len(list((cache / "roadmaps").glob("*.items"))) == left


def test_item_ids_are_stored_only_where_they_are_not_those_of_the_lines(
    cache: Path, roadmap: Path
) -> None:
    from tracker_bridge.roadmap import cache as module

    full = load_roadmap(roadmap, today=TODAY)
    load_roadmap_cached(roadmap, today=TODAY)
    (entry,) = _entries(cache)
    assert json.loads(entry.read_text())["item_ids"] is None  # a file's: the lines' order
    # An entry whose items are not in the order of its lines keeps their ids, and gives
    # each item its own (as a hit with items, or skipping some).
    ids = [item.id for item in full.roadmap.items]
    assert len(ids) > 3
    shuffled = dataclasses.replace(full, lines=dict(reversed(full.lines.items())))
    digest = hashlib.sha256(roadmap.read_bytes()).hexdigest()
    module._write_entry(entry, roadmap, digest, shuffled)
    assert json.loads(entry.read_text())["item_ids"] == ids
    loaded = load_roadmap_cached(roadmap, today=TODAY)
    assert loaded.roadmap.items == full.roadmap.items
    assert list(loaded.lines) == ids[::-1]
    skip = set(ids[1::2])
    assert load_roadmap_cached(roadmap, today=TODAY, skip=skip).roadmap.items == tuple(
        item for item in full.roadmap.items if item.id not in skip)


def _install_copy(into: Path) -> Path:
    """A copy of the package as another install of it (its own files, so its own code
    fingerprint), importable with PYTHONPATH."""
    package = Path(tracker_bridge.__file__).parent
    shutil.copytree(package, into / "tracker_bridge",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return into


def _load_with(install: Path, roadmap: Path, cache: Path) -> str:
    """The project name `load_roadmap_cached` gives in a process running that install."""
    script = ("import sys, tracker_bridge; from tracker_bridge.roadmap.cache import "
              "load_roadmap_cached as load; assert tracker_bridge.__file__.startswith(sys.argv[2]);"
              " print(load(sys.argv[1]).roadmap.project)")
    env = {**os.environ, "PYTHONPATH": str(install), "TB_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", script, str(roadmap), str(install)],
                          env=env, cwd=install, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_two_installs_sharing_a_cache_keep_an_entry_each(
    cache: Path, roadmap: Path, tmp_path: Path
) -> None:
    # A rolling upgrade, or a checkout beside an install, with one TB_CACHE_DIR: each
    # version's entry used to overwrite the other's, so every run parsed the file again.
    old, new = _install_copy(tmp_path / "old"), _install_copy(tmp_path / "new")
    os.utime(new / "tracker_bridge" / "model" / "__init__.py", ns=(0, 0))  # another build
    assert _load_with(old, roadmap, cache) == _load_with(new, roadmap, cache)
    assert len(_entries(cache)) == 2
    for entry in _entries(cache):  # mark both: a hit shows as the marked name
        stored = json.loads(entry.read_text())
        data = json.loads(stored["roadmap"])
        data["project"] = "from-the-cache"
        stored["roadmap"] = json.dumps(data)
        entry.write_text(json.dumps(stored))
    assert _load_with(old, roadmap, cache) == "from-the-cache"
    assert _load_with(new, roadmap, cache) == "from-the-cache"


def _mark(file: Path, project: str) -> None:
    """Rename the cached project in an entry or a plan, so a read from it shows."""
    stored = json.loads(file.read_text())
    data = json.loads(stored["roadmap"])
    data["project"] = project
    stored["roadmap"] = json.dumps(data)
    file.write_text(json.dumps(stored))


def test_the_plan_is_the_roadmap_without_its_items_hit_or_miss(
    cache: Path, roadmap: Path
) -> None:
    """`status`'s read: what `items=False` gives, on every day (the sprints' states of
    that day, a state the file sets kept), from the plan's own file once cached."""
    text = roadmap.read_text(encoding="utf-8")
    roadmap.write_text(
        text.replace("  - id: s2\n", "  - id: s2\n    state: active\n"), encoding="utf-8"
    )
    days = (date(2026, 1, 6), date(2026, 2, 10), date(2026, 3, 20))
    expected = {day: load_roadmap(roadmap, today=day).roadmap.model_copy(update={"items": ()})
                for day in days}
    assert load_plan_cached(roadmap, today=days[0]) == expected[days[0]]  # parsed, cached
    (entry,) = _entries(cache)
    _mark(entry, "from-the-entry")
    _mark(entry.with_suffix(".plan"), "from-the-plan")
    for day in days:
        plan = load_plan_cached(roadmap, today=day)
        assert plan.project == "from-the-plan"  # neither parsed nor the entry read
        assert plan.model_copy(update={"project": expected[day].project}) == expected[day]
    late = load_plan_cached(roadmap, today=days[2]).sprint_by_id()
    assert late["s1"].state is SprintState.CLOSED and late["s2"].state is SprintState.ACTIVE


def test_an_edited_file_never_gets_an_old_plan(cache: Path, roadmap: Path) -> None:
    load_plan_cached(roadmap, today=TODAY)
    text = roadmap.read_text(encoding="utf-8")
    project = load_roadmap(roadmap).roadmap.project
    roadmap.write_text(text.replace(f"project: {project}", "project: renamed", 1),
                       encoding="utf-8")
    assert load_plan_cached(roadmap, today=TODAY).project == "renamed"
    assert load_plan_cached(roadmap, today=TODAY) == load_roadmap(
        roadmap, today=TODAY).roadmap.model_copy(update={"items": ()})


@pytest.mark.parametrize("damage", ["cut", "gone", "other key"])
def test_a_damaged_or_missing_plan_is_a_miss(cache: Path, roadmap: Path, damage: str) -> None:
    expected = load_roadmap(roadmap, today=TODAY).roadmap.model_copy(update={"items": ()})
    load_roadmap_cached(roadmap, today=TODAY)
    (entry,) = _entries(cache)
    plan = entry.with_suffix(".plan")
    if damage == "cut":
        plan.write_text('{"key": [')
    elif damage == "gone":
        plan.unlink()
    else:
        plan.write_text(json.dumps({**json.loads(plan.read_text()), "key": ["2", "x"]}))
    assert load_plan_cached(roadmap, today=TODAY) == expected  # from the entry
    entry.unlink()
    assert load_plan_cached(roadmap, today=TODAY) == expected  # parsed, both written again
    assert json.loads(plan.read_text())["key"] == json.loads(entry.read_text())["key"]


def test_a_missing_roadmap_is_worded_for_the_plan_as_by_the_loader(
    cache: Path, tmp_path: Path
) -> None:
    with pytest.raises(Exception) as cached:
        load_plan_cached(tmp_path / "nowhere.yaml")
    with pytest.raises(Exception) as plain:
        load_roadmap(tmp_path / "nowhere.yaml")
    assert str(cached.value) == str(plain.value)
