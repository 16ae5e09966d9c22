"""GraphQL `createIssue` on the fake GitHub: one mutation, every field GitHub takes on it."""

from __future__ import annotations

from typing import Any

from github import Github

from tests.testing.fixtures_github import GraphQL
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"
CREATE = """mutation($input: CreateIssueInput!){ createIssue(input: $input){ issue{
  id databaseId number url title body state
  labels(first: 10){ nodes{ name } } assignees(first: 5){ nodes{ login } }
  milestone{ number } parent{ number } issueType{ name } } } }"""
IDS = """query($o:String!,$r:String!){ repository(owner:$o, name:$r){ id }
  user(login:"alice"){ id } }"""


def _ids(graphql: GraphQL, github_client: Github) -> dict[str, Any]:
    data = graphql(IDS, o="acme", r="trending-now")["data"]
    repo = github_client.get_repo(REPO)
    milestone = repo.create_milestone("Sprint 1")
    epic = repo.create_issue("Epic")
    return {
        "repo": data["repository"]["id"],
        "alice": data["user"]["id"],
        "label": next(x for x in repo.get_labels() if x.name == "bug").raw_data["node_id"],
        "milestone": milestone.raw_data["node_id"],
        "epic": epic.raw_data["node_id"],
        "epic_number": epic.number,
    }


def test_create_issue_sets_everything_in_one_mutation(
    fake_github: FakeGitHub, graphql: GraphQL, github_client: Github
) -> None:
    ids = _ids(graphql, github_client)
    types = github_client.requester.requestJsonAndCheck("GET", f"/repos/{REPO}/issue-types")[1]
    bug_type = next(t["node_id"] for t in types if t["name"] == "Bug")
    answer = graphql(CREATE, input={
        "repositoryId": ids["repo"], "title": "Child", "body": "text", "labelIds": [ids["label"]],
        "assigneeIds": [ids["alice"]], "milestoneId": ids["milestone"],
        "parentIssueId": ids["epic"], "issueTypeId": bug_type,
    })
    issue = answer["data"]["createIssue"]["issue"]
    assert "errors" not in answer
    assert issue["labels"]["nodes"] == [{"name": "bug"}]
    assert issue["assignees"]["nodes"] == [{"login": "alice"}]
    assert issue["parent"] == {"number": ids["epic_number"]} and issue["issueType"]["name"] == "Bug"
    rest = github_client.get_repo(REPO).get_issue(issue["number"])
    assert rest.raw_data["parent_issue_url"].endswith(f"/issues/{ids['epic_number']}")
    assert rest.milestone.title == "Sprint 1" and rest.raw_data["id"] == issue["databaseId"]
    assert fake_github.stats.by_route.get("POST /graphql") == 2


def test_a_refused_create_creates_nothing(
    fake_github: FakeGitHub, graphql: GraphQL, github_client: Github
) -> None:
    ids = _ids(graphql, github_client)
    before = fake_github.issue_count(REPO)
    unknown = graphql(CREATE, input={"repositoryId": ids["repo"], "title": "X",
                                     "labelIds": ["LA_nope"], "parentIssueId": ids["epic"]})
    assert unknown["errors"][0]["type"] == "NOT_FOUND"
    epic = github_client.get_repo(REPO).get_issue(ids["epic_number"])
    for n in range(100):
        epic.add_sub_issue(github_client.get_repo(REPO).create_issue(f"c{n}").id)
    full = graphql(CREATE, input={"repositoryId": ids["repo"], "title": "101st",
                                  "parentIssueId": ids["epic"]})
    assert full["errors"][0]["type"] == "UNPROCESSABLE"
    assert "100 sub-issues" in full["errors"][0]["message"]
    assert fake_github.issue_count(REPO) == before + 100
