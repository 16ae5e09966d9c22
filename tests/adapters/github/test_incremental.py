"""Incremental pulls never lose an edit: any burst, any page, any moment of the read."""

from __future__ import annotations

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.adapters.github.body import marker
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.server import Request, Response


def seed_burst(gh: FakeGitHub, count: int) -> None:
    """`count` of our issues created within one second, like a fast seed."""
    for n in range(count):
        gh.human_create_issue(REPO, f"I{n}", body=marker(f"b.i{n}"))


def titles(result: object) -> dict[int, str]:
    return {int(i.ref.key): str(i.values["title"]) for i in result.items}  # type: ignore[attr-defined]


def test_edits_beyond_the_first_page_of_a_burst_are_seen() -> None:
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        seed_burst(gh, 150)  # more than a page inside the overlap window
        fake = GitHubFakeTracker(gh)
        cursor = fake.open_adapter().pull(None).cursor
        cursor = fake.open_adapter().pull(cursor).cursor  # the quiet night stores the ETag
        newest = sorted(i["number"] for i in gh.issues(REPO))[-3:]
        for number in newest:  # the issues that sort last in an oldest-first listing
            gh.human_edit_issue(REPO, number, title=f"edited {number}")
        result = fake.open_adapter().pull(cursor)
        assert titles(result) == {n: f"edited {n}" for n in newest}
        assert titles(fake.open_adapter().pull(result.cursor)) == {}


def test_a_second_edit_in_the_same_second_is_seen() -> None:
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        gh.clock.freeze(gh.clock.now())
        seed_burst(gh, 3)
        fake = GitHubFakeTracker(gh)
        cursor = fake.open_adapter().pull(None).cursor
        gh.human_edit_issue(REPO, 1, title="first")
        cursor = fake.open_adapter().pull(cursor).cursor
        gh.human_edit_issue(REPO, 1, title="second")  # same updated_at, to the second
        assert titles(fake.open_adapter().pull(cursor)) == {1: "second"}


def test_an_issue_edited_while_the_pages_are_read_hides_no_other_change() -> None:
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        seed_burst(gh, 201)
        fake = GitHubFakeTracker(gh)
        cursor = fake.open_adapter().pull(None).cursor
        gh.clock.advance(10)
        gh.human_edit_issue(REPO, 7, title="before the pull")
        pages: list[str] = []

        def person_edits_between_pages(request: Request, response: Response) -> None:
            if request.route.endswith("/issues"):
                pages.append(request.path)
                if len(pages) == 2:  # a page of the listing is read, more are to come
                    gh.clock.advance(10)
                    gh.human_edit_issue(REPO, 3, title="during the pull")

        gh.after_request(person_edits_between_pages)
        seen: dict[int, str] = {}
        for _ in range(3):
            result = fake.open_adapter().pull(cursor)
            for number, title in titles(result).items():
                assert seen.get(number) != title, f"#{number} reported twice as {title!r}"
                seen[number] = title
            cursor = result.cursor
        assert seen == {7: "before the pull", 3: "during the pull"}


def test_edits_after_a_quiet_night_probe_are_seen() -> None:
    """The probe stands for the listing only while nothing was updated since the last read:
    an edit, a new issue or a pull request opened after it sends the pull back to the list."""
    with FakeGitHub(pull_requests_per_repo=0) as gh:
        seed_burst(gh, 3)
        fake = GitHubFakeTracker(gh)
        cursor = fake.open_adapter().pull(None).cursor
        gh.clock.advance(12 * 3600)
        cursor = fake.open_adapter().pull(cursor).cursor  # the overlap, read once more
        for change in ("edit", "create", "pull request"):
            gh.clock.advance(12 * 3600)
            gh.stats.reset()
            quiet = fake.open_adapter().pull(cursor)
            assert titles(quiet) == {} and gh.stats.total == 1  # the probe, a 200 of one issue
            assert gh.stats.by_status[200] == 1
            gh.clock.advance(1)  # a second after the read: well inside the clocks' margin
            if change == "edit":
                gh.human_edit_issue(REPO, 2, title="edited after the probe")
                wanted = {2: "edited after the probe"}
            elif change == "create":
                made = gh.human_create_issue(REPO, "Born late", body=marker("b.late"))
                wanted = {int(made["number"]): "Born late"}
            else:
                gh.open_pull_request(REPO, "Fix", body="Fixes #1")
                wanted = {}
            gh.stats.reset()
            result = fake.open_adapter().pull(quiet.cursor)
            assert titles(result) == wanted
            assert [status for _, _, status in gh.stats.log] == [200, 200]  # probe, listing
            gh.clock.advance(12 * 3600)  # the next night re-reads the overlap: a change so
            cursor = fake.open_adapter().pull(result.cursor).cursor  # close, no probe tells
