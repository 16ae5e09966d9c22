"""The pure parts: signatures and payload -> candidate targets."""

from __future__ import annotations

import hashlib
import hmac

from tracker_bridge.webhooks import candidates, sign, verify
from tracker_bridge.webhooks.routing import jira_project_key

from .conftest import TARGETS, github_payload, jira_payload

BODY = b'{"action":"opened"}'


def test_sign_is_hmac_sha256_hex_over_the_raw_body() -> None:
    expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY) == f"sha256={expected}"


def test_verify_accepts_only_the_exact_body_secret_and_method() -> None:
    good = sign("s3cret", BODY)
    assert verify("s3cret", BODY, good)
    assert verify(b"s3cret", BODY, good.upper().replace("SHA256=", "sha256="))
    assert not verify("other", BODY, good)
    assert not verify("s3cret", BODY + b" ", good)
    assert not verify("s3cret", BODY, None)
    assert not verify("s3cret", BODY, "")
    assert not verify("s3cret", BODY, good.split("=", 1)[1])  # no method prefix
    sha1 = hmac.new(b"s3cret", BODY, hashlib.sha1).hexdigest()
    assert not verify("s3cret", BODY, f"sha1={sha1}")


def test_github_routes_by_repository_full_name_case_insensitively() -> None:
    found = candidates("github", github_payload("Acme/Trending-Now"), TARGETS)
    assert [t.tracker for t in found] == ["github:acme/trending-now"]
    assert candidates("github", github_payload("acme/elsewhere"), TARGETS) == []
    # Organization-level events (projects_v2_item) name no repository: the owner's targets.
    org_event = {"action": "edited", "organization": {"login": "acme"}}
    assert {t.tracker for t in candidates("github", org_event, TARGETS)} == {
        "github:acme/trending-now",
        "github:acme/no-secret",
    }


def test_jira_routes_by_project_key_board_or_sprint() -> None:
    assert [t.tracker for t in candidates("jira", jira_payload(), TARGETS)] == ["jira:TREND"]
    assert candidates("jira", jira_payload("OTHER"), TARGETS) == []
    sprint_event = {"webhookEvent": "sprint_started", "sprint": {"id": 3, "originBoardId": 7}}
    assert [t.tracker for t in candidates("jira", sprint_event, TARGETS)] == ["jira:TREND"]
    board_event = {"webhookEvent": "board_updated", "board": {"id": 9, "location": {}}}
    assert candidates("jira", board_event, TARGETS) == []
    assert jira_project_key({"issue": {"key": "TREND-12"}}) == "TREND"
    assert jira_project_key({"board": {"location": {"projectKey": "ML"}}}) == "ML"
    assert candidates("jira", ["not", "an", "object"], TARGETS) == []
