"""Requests per second the fake GitHub serves over loopback (target: at least 500 req/s).

    python benchmarks/fake_github_rps.py [--seconds 2] [--threads 8]

Prints one line per workload: sequential on one keep-alive connection, then the same spread
over several threads (each with its own connection), for REST reads, REST writes and GraphQL.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable

import httpx

from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"
ITEMS = """query($p:ID!){ node(id:$p){ ... on ProjectV2 { items(first:20){
  nodes{ id content{ ... on Issue{ number } }
    fieldValues(first:10){ nodes{ ... on ProjectV2ItemFieldSingleSelectValue{ name } } }
  } } } } }"""

Work = Callable[[httpx.Client], None]


def workloads(gh: FakeGitHub, project: str) -> dict[str, Work]:
    api = f"{gh.url}/repos/{REPO}"
    return {
        "GET issue": lambda c: c.get(f"{api}/issues/3").raise_for_status(),
        "GET issues page (30)": lambda c: c.get(
            f"{api}/issues", params={"state": "all"}
        ).raise_for_status(),
        "POST issue": lambda c: c.post(f"{api}/issues", json={"title": "bench"}).raise_for_status(),
        "PATCH issue": lambda c: c.patch(f"{api}/issues/4", json={"body": "x"}).raise_for_status(),
        "GraphQL items (20)": lambda c: c.post(
            gh.graphql_url, json={"query": ITEMS, "variables": {"p": project}}
        ).raise_for_status(),
    }


def run(gh: FakeGitHub, work: Work, seconds: float, threads: int) -> float:
    done = [0] * threads
    stop_at = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        with httpx.Client(headers={"Authorization": f"token {gh.token}"}) as client:
            while time.perf_counter() < stop_at:
                work(client)
                done[slot] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with FakeGitHub(primary_limit=10**9) as gh:
        for n in range(60):  # a realistic repository: pages, items on the board
            issue = gh.human_create_issue(REPO, f"seed {n}", labels=["bug"])
            if n < 20:
                gh.human_set_project_status(REPO, issue["number"], "In Progress")
        project = gh.project()["id"]
        print(f"fake GitHub at {gh.url} ({args.seconds:.0f} s per run)")
        for name, work in workloads(gh, project).items():
            single = run(gh, work, args.seconds, 1)
            many = run(gh, work, args.seconds, args.threads)
            print(
                f"{name:24s} {single:8.0f} req/s sequential  "
                f"{many:8.0f} req/s x{args.threads} threads"
            )
        print(f"total requests served: {gh.stats.total}")


if __name__ == "__main__":
    main()
