"""The fake's JSON against real GitHub responses (tests/testing/real_examples/github/).

For the parts the fake implements, every key the real answer has must be there, with the
same JSON type (null matches anything) and the same nesting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tracker_bridge.testing.fake_github import FakeGitHub

EXAMPLES = Path(__file__).parent / "real_examples" / "github"
REPO = "acme/trending-now"
# Keys of the real payloads the fake leaves out on purpose (nothing reads them).
NOT_IMPLEMENTED = {
    "error_422": {"message"},  # the per-error message of a `custom` code
}


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())["body"]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_shape(
    real: Any, fake: Any, where: str = "$", skip: frozenset[str] = frozenset()
) -> None:
    if real is None or fake is None:
        return
    assert _kind(real) == _kind(fake), f"{where}: real {_kind(real)}, fake {_kind(fake)}"
    if isinstance(real, dict):
        missing = set(real) - set(fake) - skip
        assert not missing, f"{where}: fake lacks {sorted(missing)}"
        for key in set(real) & set(fake):
            assert_shape(real[key], fake[key], f"{where}.{key}", skip)
    elif isinstance(real, list) and real and fake:
        assert_shape(real[0], fake[0], f"{where}[0]", skip)


@pytest.fixture
def world(fake_github: FakeGitHub) -> dict[str, Any]:
    """One of everything: a typed, labelled, assigned, milestoned, closed issue with a parent."""
    http = httpx.Client(headers={"Authorization": f"token {fake_github.token}"})
    api = f"{fake_github.url}/repos/{REPO}"
    stone = http.post(f"{api}/milestones", json={"title": "v1", "due_on": "2026-05-01T12:00:00Z"})
    parent = http.post(f"{api}/issues", json={"title": "epic"}).json()
    child = http.post(
        f"{api}/issues",
        json={
            "title": "story",
            "labels": ["bug"],
            "assignees": ["alice"],
            "milestone": stone.json()["number"],
            "type": "Bug",
        },
    ).json()
    added = http.post(
        f"{api}/issues/{parent['number']}/sub_issues", json={"sub_issue_id": child["id"]}
    )
    http.patch(f"{api}/issues/{child['number']}", json={"state": "closed"})
    comment = http.post(f"{api}/issues/{child['number']}/comments", json={"body": "hi"})
    answers = {
        "issue": http.get(f"{api}/issues/{child['number']}").json(),
        "list": http.get(f"{api}/issues", params={"state": "all"}).json(),
        "label": http.get(f"{api}/labels/bug").json(),
        "milestone": stone.json(),
        "comment": comment.json(),
        "repository": http.get(api).json(),
        "sub_issue_added": added.json(),
        "sub_issues": http.get(f"{api}/issues/{parent['number']}/sub_issues").json(),
        "error_422": http.post(f"{api}/issues", json={}).json(),
        "error_401": httpx.get(f"{fake_github.url}/user").json(),
        "user": http.get(f"{fake_github.url}/users/alice").json(),
        "organization": http.get(f"{fake_github.url}/orgs/acme").json(),
    }
    http.close()
    return answers


@pytest.mark.parametrize(
    ("example", "answer"),
    [
        ("issue.json", "issue"),
        ("issue_with_parent.json", "issue"),
        ("label.json", "label"),
        ("milestone.json", "milestone"),
        ("comment.json", "comment"),
        ("sub_issue_added.json", "sub_issue_added"),
        ("sub_issues_list.json", "sub_issues"),
        ("error_401.json", "error_401"),
        ("error_422.json", "error_422"),
        ("user.json", "user"),
        ("organization.json", "organization"),
    ],
)
def test_rest_shapes(world: dict[str, Any], example: str, answer: str) -> None:
    real = _example(example)
    skip = frozenset(NOT_IMPLEMENTED.get(answer, set()))
    fake = world[answer]
    if answer == "error_422":
        assert_shape(real["errors"][0], fake["errors"][0], "$.errors[0]", skip)
        real, fake = {"message": real["message"]}, {"message": fake["message"]}
    if answer == "sub_issue_added":  # the real one also embeds the repository
        assert_shape(real.pop("repository"), fake.pop("repository"), "$.repository")
    assert_shape(real, fake, skip=skip)


def test_repository_shape(world: dict[str, Any]) -> None:
    assert_shape(_example("repository.json"), world["repository"])


def test_repositories_have_every_required_key(world: dict[str, Any]) -> None:
    """GitHub's own description of a repository: clients generated from it reject less."""
    required = json.loads((EXAMPLES / "repository_required.json").read_text())["required"]
    embedded = [world["repository"], world["sub_issue_added"]["repository"]]
    embedded += [child["repository"] for child in world["sub_issues"]]
    for repository in embedded:
        assert sorted(set(required) - set(repository)) == []


def test_pull_request_in_issue_list(world: dict[str, Any]) -> None:
    pulls = [i for i in world["list"] if "pull_request" in i]
    assert len(pulls) == 2 and all(p["node_id"].startswith("PR_") for p in pulls)
    assert_shape(_example("pull_request_in_issue_list.json"), pulls[0])


def test_graphql_real_query_runs_with_real_shape(fake_github: FakeGitHub, graphql: Any) -> None:
    """A real client's query (recorded against GitHub) validates here and answers alike."""
    recorded = json.loads((EXAMPLES / "graphql_project_items.json").read_text())
    issue = fake_github.human_create_issue(REPO, "on the board", labels=["bug"])
    fake_github.human_set_project_status(REPO, issue["number"], "In Progress")
    fake_github.human_set_project_field(REPO, issue["number"], "Points", 3)
    answer = graphql(recorded["query"], org="acme", number=1)
    assert "errors" not in answer, answer
    real_project = recorded["body"]["data"]["organization"]["projectV2"]
    fake_project = answer["data"]["organization"]["projectV2"]
    real_fields = {f["dataType"]: f for f in real_project["fields"]["nodes"]}
    fake_fields = {f["dataType"]: f for f in fake_project["fields"]["nodes"]}
    for data_type in ("TITLE", "SINGLE_SELECT", "NUMBER", "DATE", "ITERATION"):
        assert_shape(real_fields[data_type], fake_fields[data_type], f"$.fields[{data_type}]")
    real_item, fake_item = real_project["items"]["nodes"][0], fake_project["items"]["nodes"][0]
    assert_shape(
        {k: v for k, v in real_item.items() if k != "fieldValues"},
        {k: v for k, v in fake_item.items() if k != "fieldValues"},
    )
    real_values = {v["__typename"]: v for v in real_item["fieldValues"]["nodes"]}
    fake_values = {v["__typename"]: v for v in fake_item["fieldValues"]["nodes"]}
    for typename in (
        "ProjectV2ItemFieldTextValue",
        "ProjectV2ItemFieldNumberValue",
        "ProjectV2ItemFieldSingleSelectValue",
    ):
        assert_shape(real_values[typename], fake_values[typename], typename)


def test_graphql_not_found_matches_real(graphql: Any) -> None:
    recorded = json.loads((EXAMPLES / "graphql_project_not_found.json").read_text())
    answer = graphql(recorded["query"], **recorded["variables"] | {"owner": "acme"})
    assert answer["data"] == recorded["body"]["data"]
    real_error, fake_error = recorded["body"]["errors"][0], answer["errors"][0]
    assert set(fake_error) == set(real_error)
    assert (fake_error["type"], fake_error["path"], fake_error["message"]) == (
        real_error["type"],
        real_error["path"],
        real_error["message"],
    )
