"""`import` of an existing project: requests and seconds for N issues (target: a few requests
per 100 issues).

    python benchmarks/import_scale.py [N]

A Jira project and a GitHub repository each get N issues (a tenth of them epics, the rest
their children, most in one of six sprints or milestones), written straight into the fakes'
state. Then `import` reads each as the command does (sprints, issues, the second read that
names parents) with a fresh adapter; the adapter's own request count is printed.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from tracker_bridge.adapters.github import factory as github_factory
from tracker_bridge.adapters.jira import factory as jira_factory
from tracker_bridge.cli.import_cmds import read_project
from tracker_bridge.roadmap.export import roadmap_text
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.tracker import Adapter

REPO = "acme/trending-now"
SPRINTS = 6


def measure(name: str, adapter: Adapter, n: int, today: date) -> None:
    before, started = adapter.requests_sent, time.perf_counter()
    cadence, issues = read_project(adapter, today)
    roadmap_text("bench", issues, today=today, source=name, cadence=cadence)
    seconds = time.perf_counter() - started
    cost = adapter.requests_sent - before
    per_100 = cost * 100 / max(n, 1)
    print(
        f"{name}: {len(issues)} issues, {len(cadence.sprints)} sprints, {cost} requests "
        f"({per_100:.1f} per 100 issues), {seconds:.1f} s"
    )
    adapter.close()


def jira(n: int, today: date) -> None:
    with FakeJira("cloud", projects=("TREND",)) as fake:
        monday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        monday -= timedelta(days=monday.weekday() + 14 * (SPRINTS - 2))
        sprints = [
            fake.human_create_sprint(
                "TREND", f"Sprint {k + 1}", monday + timedelta(days=14 * k),
                monday + timedelta(days=14 * k + 13), started=k < SPRINTS - 1,
            )
            for k in range(SPRINTS)
        ]  # fmt: skip
        epics = [fake.human_create("TREND", f"Epic {k}", "Epic") for k in range(max(n // 10, 1))]
        keys: dict[int, list[str]] = {sprint: [] for sprint in sprints}
        for k in range(n - len(epics)):
            parent = {"key": epics[k % len(epics)]}
            key = fake.human_create("TREND", f"Story {k}", "Story", parent=parent)
            keys[sprints[k % SPRINTS]].append(key)
        for sprint, chosen in keys.items():
            fake.human_move_to_sprint(sprint, chosen)
        settings: dict[str, Any] = {
            "url": fake.url, "username": fake.email, "token": SecretStr(fake.api_token),
            "options": {},
        }  # fmt: skip
        measure("jira:TREND", jira_factory.open("jira:TREND", settings=settings), n, today)


def github(n: int, today: date) -> None:
    with FakeGitHub(owner="acme", repos=("trending-now",)) as gh:
        with gh.lock:
            repo = gh.state.repos[REPO]
        stones = [
            _milestone(gh, f"Sprint {k + 1}", datetime.now(UTC) + timedelta(days=14 * (k - 4)))
            for k in range(SPRINTS)
        ]
        epics = [
            gh.human_create_issue(REPO, f"Epic {k}", labels=["type:epic"])
            for k in range(max(n // 10, 1))
        ]
        for k in range(n - len(epics)):
            child = gh.human_create_issue(
                REPO, f"Story {k}", labels=["type:story", "points:3"], milestone=stones[k % SPRINTS]
            )
            with gh.lock:  # as POST .../sub_issues does, without 900 requests to set up
                parent = repo.issues[epics[k % len(epics)]["number"]]
                parent.sub_issue_ids.append(int(child["id"]))
                repo.issues[child["number"]].parent_id = parent.id
        settings = {"url": gh.url, "username": None, "token": SecretStr(gh.token),
                    "options": {"writes_per_minute": 6000}}  # fmt: skip
        adapter = github_factory.open(f"github:{REPO}", settings=settings)
        gh.stats.reset()
        measure(f"github:{REPO}", adapter, n, today)
        print(f"  GitHub saw: {gh.stats.snapshot()['by_route']}")


def _milestone(gh: FakeGitHub, title: str, due: datetime) -> int:
    reply = httpx.post(
        f"{gh.url}/repos/{REPO}/milestones",
        json={"title": title, "due_on": due.strftime("%Y-%m-%dT12:00:00Z")},
        headers={"Authorization": f"token {gh.token}"},
    )
    reply.raise_for_status()
    return int(reply.json()["number"])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    today = datetime.now(UTC).date()
    jira(n, today)
    github(n, today)


if __name__ == "__main__":
    main()
