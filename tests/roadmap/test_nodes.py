"""YAML → data: the libyaml fast path and the pure-Python fallback agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.roadmap.nodes import YamlProblem, compose, locate, to_data

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"

SCALARS = """\
int: 12
neg: -3
hex: 0x1F
float: 1.5
exp: 1e3
yes: true
no_value:
tilde: ~
date: 2026-01-05
quoted: "42"
tagged: !!int "7"
version: v1.2
word: yes
"""


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure"])
def test_scalars_follow_yaml_1_2_core_and_dates_stay_text(pure: bool) -> None:
    node = compose(SCALARS, pure=pure)
    assert node is not None
    data = to_data(node)
    assert data["int"] == 12 and data["neg"] == -3 and data["hex"] == 31
    assert data["float"] == 1.5 and data["exp"] == 1000.0
    assert data["yes"] is True and data["no_value"] is None and data["tilde"] is None
    assert data["date"] == "2026-01-05" and data["quoted"] == "42" and data["tagged"] == 7
    assert data["version"] == "v1.2" and data["word"] == "yes"


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure"])
@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: -.inf\n", 2, "-.inf is not a finite number"),
        ("a: 1\nb: 1e400\n", 2, "too large a number"),
        ('a: 1\nb: "x\\0y"\n', 2, "control character U+0000"),
        ("a: 1\nb: x\x1by\n", 2, "character U+001B is not allowed"),
        ("a: &a [x, *a]\n", 1, "refers to itself"),
        ("a:\n  b: " + "[" * 500 + "]" * 500 + "\n", 2, "nested more than 100 levels"),
        ("a:\n  b:\n" + "    " + "- " * 500 + "x\n", 3, "nested more than 100 levels"),
    ],
)
def test_hostile_yaml_is_refused_at_its_line_by_both_composers(
    pure: bool, text: str, line: int, message: str
) -> None:
    with pytest.raises(YamlProblem) as caught:
        node = compose(text, pure=pure)
        assert node is not None
        to_data(node)
    assert caught.value.line == line
    assert message in caught.value.message


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, 12):  # 10^12 values once expanded
        text += f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]\n"
    with pytest.raises(YamlProblem, match="expand to more than 1,000,000 values"):
        compose(text)


def test_both_composers_give_the_same_example_data_and_lines() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    fast, slow = compose(text), compose(text, pure=True)
    assert fast is not None and slow is not None
    assert to_data(fast) == to_data(slow)
    path = ("phases", 1, "epics", 0, "items", 1, "stage")
    assert locate(fast, path) == locate(slow, path)


@pytest.mark.parametrize("pure", [False, True], ids=["libyaml", "pure"])
def test_syntax_error_has_its_line(pure: bool) -> None:
    with pytest.raises(YamlProblem) as caught:
        compose("a: 1\nb: [1, 2\nc: 3\n", pure=pure)
    assert caught.value.line == 3
    assert "YAML syntax error" in caught.value.message


def test_duplicate_key_names_the_first_line_and_the_path() -> None:
    node = compose("a:\n  - x: 1\n    y: 2\n    x: 3\n")
    assert node is not None
    with pytest.raises(YamlProblem) as caught:
        to_data(node)
    assert (caught.value.line, caught.value.column) == (4, 5)
    assert caught.value.message == "duplicate key 'x' (first at line 2)"
    assert caught.value.path == ("a", 0)


def test_locate_points_at_keys_for_unknown_keys_and_parents_for_missing_ones() -> None:
    node = compose("top:\n  inner: 1\n  other: 2\n")
    assert locate(node, ("top", "other"), key=True) == (3, 3)
    assert locate(node, ("top", "other")) == (3, 10)
    assert locate(node, ("top", "missing")) == (2, 3)
