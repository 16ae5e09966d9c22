"""Data Center takes Basic auth (login name + password) as well as personal access tokens."""

from __future__ import annotations

from typing import Any

import jira
import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira

OPTIONS: dict[str, str | bool | Any] = {"check_update": False}


def test_datacenter_takes_basic_auth_as_an_outside_tool_sends_it() -> None:
    with FakeJira("datacenter", password="s3cret") as fake:
        assert fake.basic_auth == ("bot", "s3cret")
        client = jira.JIRA(fake.url, basic_auth=("bot", "s3cret"), max_retries=0, options=OPTIONS)
        assert client.myself()["name"] == "bot"
        issue = client.create_issue(project="TREND", issuetype={"name": "Task"}, summary="x")
        assert client.issue(issue.key).fields.summary == "x"


def test_datacenter_still_takes_the_personal_access_token() -> None:
    with FakeJira("datacenter") as fake:
        client = jira.JIRA(fake.url, token_auth=fake.pat, max_retries=0, options=OPTIONS)
        assert client.myself()["name"] == "bot"


@pytest.mark.parametrize(
    "credentials",
    [("bot", "wrong"), ("nobody", "fake-password"), ("bot", "fake-personal-access-token")],
)
def test_datacenter_refuses_wrong_basic_credentials_as_jira_does(
    credentials: tuple[str, str],
) -> None:
    with FakeJira("datacenter") as fake:
        with pytest.raises(jira.JIRAError) as caught:  # the constructor's serverInfo call
            jira.JIRA(fake.url, basic_auth=credentials, max_retries=0, options=OPTIONS)
        assert caught.value.status_code == 401
        answer = requests.get(f"{fake.url}/rest/api/2/myself", auth=credentials, timeout=5)
        assert answer.status_code == 401
        assert answer.json() == {
            "errorMessages": [
                "You are not authenticated. Authentication required to perform this operation."
            ],
            "errors": {},
        }
        assert answer.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def test_cloud_takes_no_password_login() -> None:
    """Cloud retired passwords for the REST API: only e-mail + API token."""
    with FakeJira("cloud") as fake:
        answer = requests.get(
            f"{fake.url}/rest/api/2/myself", auth=("bot", "fake-password"), timeout=5
        )
        assert answer.status_code == 401


@pytest.mark.filterwarnings("ignore:Use OAuth or Token:DeprecationWarning")  # the library's own
def test_datacenter_cookie_session_as_the_library_logs_in() -> None:
    """`JIRA(auth=(user, password))`: a 401, then POST /rest/auth/1/session, then the cookie."""
    with FakeJira("datacenter") as fake:
        client = jira.JIRA(fake.url, auth=fake.basic_auth, max_retries=0, options=OPTIONS)
        assert client.myself()["name"] == "bot"
        assert client.project("TREND").key == "TREND"
        assert fake.stats.snapshot()["by_route"]["POST /rest/auth/1/session"] == 1
        with pytest.raises(jira.JIRAError) as caught:
            jira.JIRA(fake.url, auth=("bot", "wrong"), max_retries=0, options=OPTIONS).myself()
        assert caught.value.status_code == 401
        forged = requests.get(
            f"{fake.url}/rest/api/2/myself", cookies={"JSESSIONID": "F" * 32}, timeout=5
        )
        assert forged.status_code == 401


def test_cloud_has_no_password_sessions() -> None:
    with FakeJira("cloud") as fake:
        login = requests.post(
            f"{fake.url}/rest/auth/1/session",
            json={"username": "bot@example.com", "password": "fake-api-token"},
            timeout=5,
        )
        assert login.status_code == 401
