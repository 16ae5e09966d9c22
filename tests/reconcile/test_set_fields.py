"""Labels over many nights: the roadmap, Jira and GitHub each add or take off labels, and
after every sync both trackers hold exactly what the sides agreed on before plus every
label added, minus every label taken off (an addition wins a tie), with no conflict and
nothing left to write. The roadmap file never learns the trackers' labels, as in a real
project (`Store` keeps the file's list as the roadmap's base)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tracker_bridge.reconcile.planner import PlanInputs, plan

from .test_planner import EPIC, GITHUB, JIRA, STORY, fresh, roadmap
from .tracker_model import applied, human_edit

MEMBERS = "abcdefg"


def _toggle(labels: set[str], rng: random.Random) -> set[str]:
    member = rng.choice(MEMBERS)
    return labels - {member} if member in labels else labels | {member}


def _held(inputs: PlanInputs, tracker: str) -> set[str]:
    target = next(t for t in inputs.targets if t.tracker == tracker)
    return set(target.remote[STORY.id]["labels"])  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(40))
def test_label_edits_on_every_side_night_after_night_are_all_kept(seed: int) -> None:
    rng = random.Random(seed)
    item = STORY.model_copy(update={"labels": ("a",)})
    inputs = applied(fresh(EPIC, item), plan(fresh(EPIC, item)))
    in_file, agreed = {"a"}, {"a"}
    for night in range(6):
        added: set[str] = set()
        taken: set[str] = set()
        if rng.random() < 0.5:  # the scrum master edits the roadmap file
            edited = _toggle(in_file, rng)
            added |= edited - in_file
            taken |= in_file - edited
            in_file = edited
            listed = item.model_copy(update={"labels": tuple(sorted(in_file))})
            inputs = replace(inputs, roadmap=roadmap(EPIC, listed))
        for tracker in (JIRA, GITHUB):
            if rng.random() < 0.5:  # a person edits the issue
                held = _held(inputs, tracker)
                edited = _toggle(held, rng)
                added |= edited - held
                taken |= held - edited
                inputs = human_edit(inputs, tracker, STORY.id, labels=tuple(sorted(edited)))
        result = plan(inputs)
        assert result.conflicts == (), f"night {night}"
        inputs = applied(inputs, result)
        file_base = {**inputs.roadmap_base[STORY.id], "labels": tuple(sorted(in_file))}
        inputs = replace(inputs, roadmap_base={**inputs.roadmap_base, STORY.id: file_base})
        agreed = (agreed - taken) | added
        assert _held(inputs, JIRA) == agreed == _held(inputs, GITHUB), f"night {night}"
        assert plan(inputs).actions == (), f"night {night}"
