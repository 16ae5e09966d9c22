"""Projects v2 over GraphQL on the fake GitHub, posted with httpx as the adapter does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from github import Github

from tracker_bridge.testing.fake_github import STAGE_OPTIONS, FakeGitHub

REPO = "acme/trending-now"
GraphQL = Any

# The queries an adapter sends (see /work/shared/reference/tracker-apis.md, section 2.3).
PROJECT = (
    "query($org:String!,$n:Int!){ organization(login:$org){ projectV2(number:$n){ id title } } }"
)
FIELDS = """query($p:ID!){ node(id:$p){ ... on ProjectV2 { fields(first:50){ nodes{
  ... on ProjectV2FieldCommon { id name dataType }
  ... on ProjectV2SingleSelectField { id name options { id name } }
  ... on ProjectV2IterationField { id name configuration {
        duration startDay
        iterations { id title startDate duration }
        completedIterations { id title startDate duration } } } } } } } }"""
ITEMS = """query($p:ID!,$first:Int!,$after:String){ node(id:$p){ ... on ProjectV2 {
  items(first:$first, after:$after){
    pageInfo{ hasNextPage endCursor }
    nodes{ id type content{ ... on Issue{ id number title repository{ nameWithOwner } }
                            ... on DraftIssue{ title } }
      fieldValues(first:20){ nodes{
        __typename
        ... on ProjectV2ItemFieldSingleSelectValue{ name optionId
              field{ ... on ProjectV2FieldCommon{ id name } } }
        ... on ProjectV2ItemFieldIterationValue{ iterationId title startDate duration
              field{ ... on ProjectV2FieldCommon{ id } } }
        ... on ProjectV2ItemFieldNumberValue{ number field{ ... on ProjectV2FieldCommon{ id } } }
        ... on ProjectV2ItemFieldTextValue{ text field{ ... on ProjectV2FieldCommon{ id } } }
        ... on ProjectV2ItemFieldDateValue{ date field{ ... on ProjectV2FieldCommon{ id } } }
      } } } } } } }"""
ADD = """mutation($p:ID!,$c:ID!){
  addProjectV2ItemById(input:{projectId:$p, contentId:$c}){ item{ id } } }"""
UPDATE = """mutation($p:ID!,$i:ID!,$f:ID!,$v:ProjectV2FieldValue!){
  updateProjectV2ItemFieldValue(input:{projectId:$p,itemId:$i,fieldId:$f,value:$v}){
    projectV2Item{ id } } }"""
CLEAR = """mutation($p:ID!,$i:ID!,$f:ID!){
  clearProjectV2ItemFieldValue(input:{projectId:$p,itemId:$i,fieldId:$f}){
    projectV2Item{ id } } }"""
DELETE = """mutation($p:ID!,$i:ID!){
  deleteProjectV2Item(input:{projectId:$p,itemId:$i}){ deletedItemId } }"""


def _project_id(graphql: GraphQL) -> str:
    answer = graphql(PROJECT, org="acme", n=1)
    return str(answer["data"]["organization"]["projectV2"]["id"])


def _fields(graphql: GraphQL, project: str) -> dict[str, dict[str, Any]]:
    nodes = graphql(FIELDS, p=project)["data"]["node"]["fields"]["nodes"]
    return {node["name"]: node for node in nodes}


def test_project_fields(graphql: GraphQL) -> None:
    project = _project_id(graphql)
    assert project.startswith("PVT_")
    fields = _fields(graphql, project)
    status = fields["Status"]
    assert status["dataType"] == "SINGLE_SELECT"
    assert [o["name"] for o in status["options"]] == list(STAGE_OPTIONS)
    sprint = fields["Sprint"]["configuration"]
    assert sprint["duration"] == 14 and sprint["startDay"] == 1
    assert len(sprint["completedIterations"]) == 1 and sprint["iterations"]
    assert all(i["duration"] == 14 for i in sprint["iterations"])
    assert fields["Points"]["dataType"] == "NUMBER"
    assert fields["Sprint"]["id"].startswith("PVTIF_")
    assert fields["Status"]["id"].startswith("PVTSSF_")


def test_user_project_and_api_graphql_path(fake_github: FakeGitHub) -> None:
    query = "query($u:String!){ user(login:$u){ projectV2(number:1){ id title } } }"
    headers = {"Authorization": f"token {fake_github.token}"}
    for path in ("/graphql", "/api/graphql"):
        answer = httpx.post(
            f"{fake_github.url}{path}",
            json={"query": query, "variables": {"u": "bridge-bot"}},
            headers=headers,
        )
        assert answer.json()["data"]["user"]["projectV2"]["title"] == "Personal board"
        assert answer.headers["x-ratelimit-resource"] == "graphql"


def test_items_mutations_and_pagination(
    fake_github: FakeGitHub, github_client: Github, graphql: GraphQL
) -> None:
    repo = github_client.get_repo(REPO)
    issues = [repo.create_issue(f"story {n}") for n in range(5)]
    project = _project_id(graphql)
    fields = _fields(graphql, project)
    items = []
    for issue in issues:
        added = graphql(ADD, p=project, c=issue.node_id)["data"]["addProjectV2ItemById"]["item"]
        items.append(added["id"])
    again = graphql(ADD, p=project, c=issues[0].node_id)["data"]["addProjectV2ItemById"]["item"]
    assert again["id"] == items[0]  # adding twice returns the existing item
    in_review = next(o["id"] for o in fields["Status"]["options"] if o["name"] == "In Review")
    sprint = fields["Sprint"]["configuration"]["iterations"][0]
    values: list[tuple[str, dict[str, Any]]] = [
        ("Status", {"singleSelectOptionId": in_review}),
        ("Sprint", {"iterationId": sprint["id"]}),
        ("Points", {"number": 5}),
        ("Notes", {"text": "from Jira"}),
        ("Target date", {"date": "2026-07-01"}),
    ]
    for name, value in values:
        answer = graphql(UPDATE, p=project, i=items[0], f=fields[name]["id"], v=value)
        assert "errors" not in answer, answer
    view = fake_github.project()
    first = next(i for i in view["items"] if i["id"] == items[0])
    assert first["values"] == {
        "Status": "In Review",
        "Sprint": sprint["title"],
        "Points": 5.0,
        "Notes": "from Jira",
        "Target date": "2026-07-01",
    }
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = graphql(ITEMS, p=project, first=2, after=after)["data"]["node"]["items"]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [n["id"] for n in seen] == items
    top = seen[0]
    assert top["content"]["number"] == issues[0].number
    assert top["content"]["repository"]["nameWithOwner"] == REPO
    by_type = {v["__typename"]: v for v in top["fieldValues"]["nodes"] if v}
    assert by_type["ProjectV2ItemFieldSingleSelectValue"]["name"] == "In Review"
    assert by_type["ProjectV2ItemFieldIterationValue"]["iterationId"] == sprint["id"]
    assert by_type["ProjectV2ItemFieldNumberValue"]["number"] == 5.0
    cleared = graphql(CLEAR, p=project, i=items[0], f=fields["Status"]["id"])
    assert "errors" not in cleared
    assert (
        "Status"
        not in next(i for i in fake_github.project()["items"] if i["id"] == items[0])["values"]
    )
    deleted = graphql(DELETE, p=project, i=items[1])["data"]["deleteProjectV2Item"]
    assert deleted["deletedItemId"] == items[1]
    assert len(fake_github.project()["items"]) == 4


def test_items_reflect_issues_and_human_moves(
    fake_github: FakeGitHub, github_client: Github, graphql: GraphQL
) -> None:
    issue = github_client.get_repo(REPO).create_issue("watched")
    fake_github.human_set_project_status(REPO, issue.number, "In Staging")
    issue.edit(title="watched (renamed)")
    project = _project_id(graphql)
    node = graphql(ITEMS, p=project, first=10, after=None)["data"]["node"]["items"]["nodes"][0]
    assert node["content"]["title"] == "watched (renamed)"
    status = [v for v in node["fieldValues"]["nodes"] if v.get("optionId")]
    assert status[0]["name"] == "In Staging"


def test_errors_have_github_shape(fake_github: FakeGitHub, graphql: GraphQL) -> None:
    missing = graphql(PROJECT, org="nobody", n=1)
    assert missing["data"] == {"organization": None}
    assert missing["errors"][0]["type"] == "NOT_FOUND"
    assert missing["errors"][0]["path"] == ["organization"]
    unbounded = graphql(
        "query($p:ID!){ node(id:$p){ ... on ProjectV2 { items { totalCount } } } }",
        p=_project_id(graphql),
    )
    assert unbounded["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    too_many = graphql(ITEMS, p=_project_id(graphql), first=101, after=None)
    assert too_many["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    invalid = graphql('{ organization(login:"acme"){ nonsense } }')
    assert "data" not in invalid and "nonsense" in invalid["errors"][0]["message"]
    wrong_var = graphql(ADD, p=_project_id(graphql))  # $c missing: a variables error
    assert "errors" in wrong_var and "data" not in wrong_var
    bad_option = graphql(
        UPDATE, p=_project_id(graphql), i="PVTI_nope", f="PVTF_nope", v={"number": 1}
    )
    assert bad_option["errors"][0]["type"] == "NOT_FOUND"
    unauthorised = httpx.post(fake_github.graphql_url, json={"query": "{ viewer { login } }"})
    assert unauthorised.status_code == 401
    assert unauthorised.json()["message"] == "Bad credentials"


def test_rate_limit_field(graphql: GraphQL) -> None:
    first = graphql("{ rateLimit { limit cost remaining used resetAt } }")["data"]["rateLimit"]
    second = graphql("{ rateLimit { limit cost remaining used resetAt } }")["data"]["rateLimit"]
    assert first["limit"] == 5000 and first["cost"] == 1
    assert second["used"] == first["used"] + 1
    assert second["remaining"] == first["remaining"] - 1
    assert first["resetAt"].endswith("Z")


def test_pygithub_graphql_requester(fake_github: FakeGitHub, github_client: Github) -> None:
    """PyGithub's own GraphQL path (base_url without /api/v3 → POST /graphql) works too."""
    _, data = github_client.requester.graphql_query(PROJECT, {"org": "acme", "n": 1})
    assert data["data"]["organization"]["projectV2"]["title"] == "acme delivery"
    assert fake_github.stats.by_route["POST /graphql"] == 1


def test_same_seed_same_world() -> None:
    def ids(seed: int) -> tuple[object, ...]:
        with FakeGitHub(seed=seed) as gh:
            made = gh.human_create_issue(REPO, "x")
            view = gh.project()
            return made["id"], made["node_id"], view["id"], view["fields"]["Status"]["options"]

    assert ids(3) == ids(3)
    assert ids(3) != ids(4)


def test_fields_paginate(graphql: GraphQL) -> None:
    query = """query($p:ID!,$after:String){ node(id:$p){ ... on ProjectV2 {
      fields(first:2, after:$after){ totalCount pageInfo{ hasNextPage endCursor }
        nodes{ ... on ProjectV2FieldCommon { name } } } } } }"""
    project, names, after = _project_id(graphql), [], None
    while True:
        page = graphql(query, p=project, after=after)["data"]["node"]["fields"]
        names += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == ["Title", "Status", "Sprint", "Points", "Notes", "Target date"]
    assert page["totalCount"] == len(names)


def test_a_field_value_is_dated_when_it_was_set_not_when_the_item_changed(
    fake_github: FakeGitHub, github_client: Github, graphql: GraphQL
) -> None:
    """GitHub's field values carry their own `updatedAt`: a Status set Monday keeps its
    Monday time when Points are set on Tuesday (the item's `updatedAt` is Tuesday)."""
    issue = github_client.get_repo(REPO).create_issue("watched")
    fake_github.clock.freeze(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    fake_github.human_set_project_status(REPO, issue.number, "In Staging")
    fake_github.clock.freeze(datetime(2026, 11, 3, 14, 0, tzinfo=UTC))
    fake_github.human_set_project_field(REPO, issue.number, "Points", 5)
    query = ITEMS.replace("name optionId", "name optionId updatedAt").replace(
        "number field{", "number updatedAt field{")
    node = graphql(query, p=_project_id(graphql), first=10, after=None)["data"]["node"][
        "items"]["nodes"][0]
    times = {v["__typename"]: v["updatedAt"] for v in node["fieldValues"]["nodes"]
             if v and "updatedAt" in v}
    assert times == {
        "ProjectV2ItemFieldSingleSelectValue": "2026-11-02T09:00:00Z",
        "ProjectV2ItemFieldNumberValue": "2026-11-03T14:00:00Z",
    }
