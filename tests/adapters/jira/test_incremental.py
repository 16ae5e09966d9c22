"""Incremental Jira pulls never lose an edit made while the pages of a search are read."""

from __future__ import annotations

import pytest

from tests.adapters.jira.conftest import PROJECT, JiraFake
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.server import Request, Response
from tracker_bridge.tracker import PullResult


def titles(result: PullResult) -> dict[str, str]:
    return {item.ref.key: str(item.values["title"]) for item in result.items}


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_an_edit_during_the_read_hides_no_other_change(flavour: str) -> None:
    with FakeJira(flavour, projects=(PROJECT,)) as fake:  # type: ignore[arg-type]
        jira = JiraFake(fake)
        keys = [fake.human_create(PROJECT, f"I{n}", "Task") for n in range(101)]
        cursor = jira.open_adapter().pull(None).cursor
        fake.clock.advance(600)
        fake.human_edit(keys[50], summary="before the pull")
        searches: list[str] = []

        def person_edits_between_pages(request: Request, response: Response) -> None:
            if "/search" in request.route:
                searches.append(request.path)
                if len(searches) == 1:  # the first page is read, the second is to come
                    fake.clock.advance(600)
                    fake.human_edit(keys[3], summary="during the pull")

        fake.after_request(person_edits_between_pages)
        seen: dict[str, str] = {}
        for _ in range(3):
            result = jira.open_adapter().pull(cursor)
            for key, title in titles(result).items():
                assert seen.get(key) != title, f"{key} reported twice as {title!r}"
                seen[key] = title
            cursor = result.cursor
        assert seen == {keys[50]: "before the pull", keys[3]: "during the pull"}
