"""Every file in bad/ fails with exactly the problems its `# expect:` header lines list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.roadmap import RoadmapLoadError, load_roadmap

BAD = Path(__file__).parent / "bad"
FILES = sorted(BAD.glob("*.yaml"))


def expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_there_are_at_least_thirty_bad_files() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_bad_file_reports_exactly_its_expected_problems(path: Path) -> None:
    want = expected(path)
    assert want, f"{path.name} has no '# expect:' line"
    with pytest.raises(RoadmapLoadError) as caught:
        load_roadmap(path, today=date(2026, 2, 10))
    got = [
        f"{p.line}:{p.column}: {p.field + ': ' if p.field else ''}{p.message}"
        for p in caught.value.problems
    ]
    assert got == want
    assert all(Path(p.file) == path for p in caught.value.problems)


@pytest.mark.parametrize("name", ["unknown-stage", "many-problems", "yaml-syntax", "empty"])
def test_validate_prints_each_problem_with_the_file_name_and_exits_2(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BAD / f"{name}.yaml"
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"{path}:{line}" for line in expected(path)]
    assert "Traceback" not in captured.err
