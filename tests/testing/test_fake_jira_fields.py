"""People, versions and custom fields on the fake Jira, through the `jira` library as any
outside tool uses it (names resolved by the library, lazy `issue.fields.*` attributes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import jira
import pytest

from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for


@pytest.fixture
def team_jira(fake_jira: FakeJira) -> FakeJira:
    """A site set up as a team's admin would: a person, two releases, three custom fields."""
    fake_jira.add_user("dana")
    fake_jira.add_version("TREND", "1.0", released=True, release_date="2026-01-15")
    fake_jira.add_version("TREND", "1.1")
    fake_jira.add_version("OPS", "ops-1")
    return fake_jira


def errors_of(error: jira.JIRAError) -> Any:
    assert error.response is not None
    return error.response.json()


def field_ids(client: jira.JIRA) -> dict[str, str]:
    return {f["name"]: f["id"] for f in client.fields()}


def test_issues_carry_creator_reporter_and_fix_versions(team_jira: FakeJira) -> None:
    client = jira_client_for(team_jira)
    issue = client.create_issue(
        project="TREND",
        issuetype={"name": "Task"},
        summary="ship it",
        fixVersions=[{"name": "1.0"}],
    )
    fields = client.issue(issue.key).fields
    me = "accountId" if team_jira.flavour == "cloud" else "name"
    assert getattr(fields.creator, me) == getattr(fields.reporter, me) == client.myself()[me]
    assert [(v.name, v.released, v.releaseDate) for v in fields.fixVersions] == [
        ("1.0", True, "2026-01-15")
    ]
    assert fields.versions == []
    version: Any = {"name": "1.1"}  # the library types it as str; Jira takes the object
    issue.add_field_value("fixVersions", version)
    assert [v.name for v in client.issue(issue.key).fields.fixVersions] == ["1.0", "1.1"]
    assert [i.key for i in client.search_issues('fixVersion = "1.1"')] == [issue.key]
    assert [v.name for v in client.project_versions("TREND")] == ["1.0", "1.1"]


def test_creator_is_read_only_and_reporter_a_known_user(team_jira: FakeJira) -> None:
    client = jira_client_for(team_jira)
    dana = (
        {"accountId": team_jira.account_id("dana")}
        if team_jira.flavour == "cloud"
        else {"name": "dana"}
    )
    issue = client.create_issue(
        project="TREND", issuetype={"name": "Task"}, summary="s", reporter=dana
    )
    fields = client.issue(issue.key).fields
    assert fields.reporter.displayName == "dana" and fields.creator.displayName == "bot"
    with pytest.raises(jira.JIRAError) as caught:
        issue.update(fields={"creator": dana})
    assert "creator" in errors_of(caught.value)["errors"]


def test_a_version_of_another_project_or_unknown_is_refused(team_jira: FakeJira) -> None:
    client = jira_client_for(team_jira)
    for ref in ({"name": "ops-1"}, {"name": "9.9"}):
        with pytest.raises(jira.JIRAError) as caught:
            client.create_issue(
                project="TREND", issuetype={"name": "Task"}, summary="s", fixVersions=[ref]
            )
        assert caught.value.status_code == 400
        errors = errors_of(caught.value)["errors"]
        assert errors == {"fixVersions": f"Version name '{ref['name']}' is not valid"}


def test_human_create_records_who_created_it(team_jira: FakeJira) -> None:
    key = team_jira.human_create("TREND", "from the board", by="dana")
    fields = team_jira.issue_json(key)["fields"]
    assert fields["creator"]["displayName"] == fields["reporter"]["displayName"] == "dana"
    with pytest.raises(ValueError, match="no Jira user"):
        team_jira.human_create("TREND", "x", by="nobody")


# -- users ---------------------------------------------------------------------------------------
def test_added_users_can_be_assigned_and_unknown_ones_are_refused(team_jira: FakeJira) -> None:
    client = jira_client_for(team_jira)
    issue = client.create_issue(project="TREND", issuetype={"name": "Task"}, summary="s")
    client.assign_issue(issue.key, "dana")  # searches users by name, then PUTs the assignee
    fields: Any = client.issue(issue.key).fields
    assert fields.assignee.displayName == "dana"
    assignable = client.search_assignable_users_for_issues(query="dan", project="TREND")
    assert [u.displayName for u in assignable] == ["dana"]
    stranger = (
        {"accountId": "5b10a0000000000000000000"}
        if team_jira.flavour == "cloud"
        else {"name": "stranger"}
    )
    with pytest.raises(jira.JIRAError) as caught:
        issue.update(fields={"assignee": stranger})
    assert caught.value.status_code == 400
    assert set(errors_of(caught.value)["errors"]) == {"assignee"}
    with pytest.raises(jira.JIRAError):
        client.assign_issue(issue.key, "stranger")  # no such user to find
    client.assign_issue(issue.key, None)
    assert client.issue(issue.key).fields.assignee is None


def test_user_lookup(team_jira: FakeJira) -> None:
    client = jira_client_for(team_jira)
    ident = team_jira.account_id("dana") if team_jira.flavour == "cloud" else "dana"
    assert client.user(ident).displayName == "dana"
    with pytest.raises(jira.JIRAError) as caught:
        client.user("nobody")
    assert caught.value.status_code == 404


# -- custom fields -------------------------------------------------------------------------------
def test_custom_fields_are_listed_settable_and_searchable(team_jira: FakeJira) -> None:
    team = team_jira.add_custom_field("Team", "select", ["Red", "Blue"])
    score = team_jira.add_custom_field("Risk score", "number")
    target = team_jira.add_custom_field("Target date", "date")
    client = jira_client_for(team_jira)
    listed = {f["name"]: f for f in client.fields()}
    assert listed["Team"]["id"] == team
    assert listed["Team"]["schema"] == {
        "type": "option",
        "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
        "customId": int(team.split("_")[1]),
    }
    assert listed["Team"]["clauseNames"] == [f"cf[{team.split('_')[1]}]", "Team"]
    assert listed["Risk score"]["schema"]["type"] == "number"

    def story(**values: Any) -> str:
        base = {"project": "TREND", "issuetype": {"name": "Story"}, "summary": "s"}
        made = client.create_issue(fields={**base, **values})
        return str(made.key)

    red = story(**{team: {"value": "Red"}, score: 7.5, target: "2026-03-01"})
    blue = story(**{team: {"value": "Blue"}, score: 2})
    bare = story()
    read = client.issue(red).fields
    assert getattr(read, team).value == "Red" and getattr(read, score) == 7.5
    assert getattr(read, target) == "2026-03-01"
    client.issue(bare).update(fields={team: {"value": "Blue"}})
    assert getattr(client.issue(bare).fields, team).value == "Blue"

    def keys(jql: str) -> list[str]:
        return [i.key for i in client.search_issues(jql + " ORDER BY key ASC")]

    number = team.split("_")[1]
    assert keys(f"cf[{number}] = Red") == [red]
    assert keys('Team in (Red, "Blue")') == [red, blue, bare]
    assert keys('"Risk score" >= 5') == [red]
    assert keys('"risk score" < 5') == [blue]  # JQL names are case-blind
    assert keys('"Risk score" is EMPTY AND project = TREND') == [bare]
    assert keys('"Target date" < "2026-06-01"') == [red]
    with pytest.raises(jira.JIRAError) as caught:
        client.search_issues("Team = Green")
    assert caught.value.status_code == 400
    assert "Green" in errors_of(caught.value)["errorMessages"][0]
    with pytest.raises(jira.JIRAError):
        client.search_issues("Risk score > 1")  # an unquoted name with a space is bad JQL


def test_custom_field_values_are_checked_as_jira_checks_them(team_jira: FakeJira) -> None:
    team = team_jira.add_custom_field("Team", "select", ["Red"])
    score = team_jira.add_custom_field("Risk score", "number")
    client = jira_client_for(team_jira)
    with pytest.raises(jira.JIRAError) as caught:
        client.create_issue(
            fields={
                "project": "TREND",
                "issuetype": {"name": "Task"},
                "summary": "s",
                team: {"value": "Green"},
                score: "high",
            }
        )
    assert errors_of(caught.value)["errors"] == {
        team: "Option value 'Green' is not valid",
        score: "Operation value must be a number",
    }


def test_story_points_by_quoted_name_and_cf(fake_jira_dc: FakeJira) -> None:
    client = jira_client_for(fake_jira_dc)
    points = field_ids(client)["Story Points"]
    for value in (3, 8):
        client.create_issue(
            fields={
                "project": "TREND",
                "issuetype": {"name": "Story"},
                "summary": "s",
                points: value,
            }
        )
    assert len(client.search_issues('"Story Points" > 5')) == 1
    assert len(client.search_issues(f"cf[{points.split('_')[1]}] <= 5")) == 1


def test_defining_a_field_twice_or_of_an_unknown_type_fails(fake_jira_dc: FakeJira) -> None:
    with pytest.raises(ValueError, match="already exists"):
        fake_jira_dc.add_custom_field("story points", "number")
    with pytest.raises(ValueError, match="unknown field type"):
        fake_jira_dc.add_custom_field("Mood", "emoji")


def test_setup_survives_a_restart(tmp_path: Any) -> None:
    state = tmp_path / "jira.json"
    with FakeJira("cloud", state_file=state) as fake:
        fake.add_user("dana")
        team = fake.add_custom_field("Team", "select", ["Red"])
        fake.add_version("TREND", "1.0")
        client = jira_client_for(fake)
        key = client.create_issue(
            fields={
                "project": "TREND",
                "issuetype": {"name": "Task"},
                "summary": "s",
                "fixVersions": [{"name": "1.0"}],
                team: {"value": "Red"},
            }
        ).key
    with FakeJira("cloud", state_file=state) as fake:
        client = jira_client_for(fake)
        fields = client.issue(key).fields
        assert getattr(fields, team).value == "Red" and fields.fixVersions[0].name == "1.0"
        client.assign_issue(key, "dana")


def test_the_fields_every_issue_has_are_there(fake_jira: FakeJira) -> None:
    """What report scripts read off any issue: sub-tasks, links, votes, watchers, work log."""
    client = jira_client_for(fake_jira)
    story = client.create_issue(project="TREND", issuetype={"name": "Story"}, summary="story")
    sub = client.create_issue(
        project="TREND", issuetype={"name": "Sub-task"}, summary="sub", parent={"key": story.key}
    )
    fields: Any = client.issue(story.key).fields
    assert [(s.key, s.fields.summary) for s in fields.subtasks] == [(sub.key, "sub")]
    assert fields.issuelinks == [] and fields.attachment == [] and fields.worklog.worklogs == []
    assert fields.votes.votes == 0 and fields.watches.watchCount == 1
    assert fields.environment is None
    listed = {f["id"] for f in client.fields()}
    assert {"subtasks", "issuelinks", "votes", "watches", "creator", "fixVersions"} <= listed
    [found] = client.search_issues(f"key = {story.key}", fields="subtasks,votes")
    assert set(found.raw["fields"]) == {"subtasks", "votes"}


def test_current_user_and_ordering_by_a_custom_field(team_jira: FakeJira) -> None:
    team_jira.clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # midday: startOfDay is today
    score = team_jira.add_custom_field("Risk score", "number")
    client = jira_client_for(team_jira)
    me = (
        {"accountId": team_jira.account_id("bot")}
        if team_jira.flavour == "cloud"
        else {"name": "bot"}
    )
    keys = []
    for value in (5, None, 2):
        fields = {"project": "TREND", "issuetype": {"name": "Task"}, "summary": "s"}
        keys.append(client.create_issue(fields={**fields, score: value, "assignee": me}).key)
    team_jira.human_create("TREND", "not mine", by="dana")
    mine = client.search_issues('assignee = currentUser() ORDER BY "Risk score" ASC')
    assert [i.key for i in mine] == [keys[2], keys[0], keys[1]]  # empty last
    assert len(client.search_issues("reporter = currentUser()")) == 3
    assert len(client.search_issues("creator != currentUser()")) == 1
    assert len(client.search_issues("created <= now() AND created >= startOfDay()")) == 4
    with pytest.raises(jira.JIRAError) as caught:
        client.search_issues("assignee = whoever()")
    assert "Unable to find JQL function 'whoever()'" in errors_of(caught.value)["errorMessages"][0]


def test_expanded_names_schema_and_rendered_fields(team_jira: FakeJira) -> None:
    """Export scripts label custom fields with `expand=names` and show `renderedFields`."""
    score = team_jira.add_custom_field("Risk score", "number")
    notes = team_jira.add_custom_field("Notes", "textarea")
    client = jira_client_for(team_jira)
    fields = {"project": "TREND", "issuetype": {"name": "Task"}, "summary": "s"}
    made = client.create_issue(
        fields={
            **fields,
            "description": "a < b\n\nsecond",
            score: 3,
            notes: "x",
            "duedate": "2026-02-01",
        }
    )
    issue: Any = client.issue(made.key, expand="names,schema,renderedFields")
    assert issue.raw["names"][score] == "Risk score" and issue.raw["names"]["summary"] == "Summary"
    assert issue.raw["schema"][score]["type"] == "number"
    rendered = issue.renderedFields
    assert rendered.description == "<p>a &lt; b</p><p>second</p>"
    assert getattr(rendered, notes) == "<p>x</p>" and rendered.duedate == "01/Feb/26"
    assert re.fullmatch(r"\d\d/\w{3}/\d\d \d{1,2}:\d\d [AP]M", rendered.created)
    [hit] = client.search_issues(f"key = {made.key}", fields="description", expand="renderedFields")
    assert hit.raw["renderedFields"] == {"description": "<p>a &lt; b</p><p>second</p>"}


def test_a_restart_that_defines_other_fields_first_is_refused(tmp_path: Any) -> None:
    state = tmp_path / "jira.json"
    with FakeJira("cloud", state_file=state) as fake:
        fake.add_custom_field("Team", "text")
    again = FakeJira("cloud", state_file=state)
    again.add_custom_field("Other", "number")  # takes the id the file gave to Team
    with pytest.raises(ValueError, match="define the fields in the saved order"):
        again.start()
    again.stop()


def test_editmeta_lists_what_can_be_edited(team_jira: FakeJira) -> None:
    team = team_jira.add_custom_field("Team", "select", ["Red"])
    client = jira_client_for(team_jira)
    issue = client.create_issue(project="TREND", issuetype={"name": "Task"}, summary="s")
    fields = client.editmeta(issue.key)["fields"]
    assert {"summary", "assignee", "reporter", "fixVersions", team} <= set(fields)
    assert "project" not in fields
    assert [v["name"] for v in fields["fixVersions"]["allowedValues"]] == ["1.0", "1.1"]
    assert [v["value"] for v in fields[team]["allowedValues"]] == ["Red"]
