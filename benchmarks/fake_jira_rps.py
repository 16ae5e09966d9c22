"""Requests per second the fake Jira serves over keep-alive HTTP with `requests`.

A mix like an adapter's sync: creates (POST), edits (PUT), reads (GET issue), searches
(GET /search/jql) and transitions (GET + POST). Prints figures; it is not a timed test.

    python benchmarks/fake_jira_rps.py [--seconds 3] [--flavour cloud|datacenter] [--threads 1]
"""

from __future__ import annotations

import argparse
import itertools
import threading
import time
from collections import Counter
from typing import Any

import requests

from tracker_bridge.testing.fake_jira import FakeJira


def session_for(fake: FakeJira) -> requests.Session:
    session = requests.Session()
    kwargs = fake.client_kwargs()
    if "basic_auth" in kwargs:
        session.auth = kwargs["basic_auth"]
    else:
        session.headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
    return session


def worker(fake: FakeJira, deadline: float, counts: Counter[str], lock: threading.Lock) -> None:
    session = session_for(fake)
    base = f"{fake.url}/rest/api/2"
    search = "search/jql" if fake.flavour == "cloud" else "search"
    story = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}, "summary": "bench"}
    mine: Counter[str] = Counter()
    keys: list[str] = []
    for n in itertools.count():
        if time.perf_counter() >= deadline:
            break
        step = n % 6
        answer: Any
        if step == 0 or not keys:
            answer = session.post(f"{base}/issue", json={"fields": story})
            keys.append(answer.json()["key"])
            label = "POST issue"
        elif step == 1:
            answer = session.put(f"{base}/issue/{keys[-1]}", json={"fields": {"summary": f"v{n}"}})
            label = "PUT issue"
        elif step == 2:
            answer = session.get(f"{base}/issue/{keys[-1]}")
            label = "GET issue"
        elif step == 3:
            params = {"jql": f"key = {keys[-1]}", "fields": "summary,status,updated"}
            answer = session.get(f"{base}/{search}", params=params)
            label = "GET search"
        elif step == 4:
            answer = session.get(f"{base}/issue/{keys[-1]}/transitions")
            label = "GET transitions"
        else:
            listed = session.get(f"{base}/issue/{keys[-1]}/transitions").json()
            answer_id = listed["transitions"][0]["id"]
            answer = session.post(
                f"{base}/issue/{keys[-1]}/transitions", json={"transition": {"id": answer_id}}
            )
            mine["GET transitions"] += 1
            label = "POST transitions"
        if answer.status_code >= 400:
            raise RuntimeError(f"{label}: HTTP {answer.status_code} {answer.text[:200]}")
        mine[label] += 1
    with lock:
        counts.update(mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--flavour", choices=("cloud", "datacenter"), default="cloud")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    with FakeJira(args.flavour) as fake:
        counts: Counter[str] = Counter()
        lock = threading.Lock()
        began = time.perf_counter()
        deadline = began + args.seconds
        threads = [
            threading.Thread(target=worker, args=(fake, deadline, counts, lock))
            for _ in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        total = sum(counts.values())
        print(f"fake Jira ({args.flavour}), {args.threads} client thread(s), {elapsed:.2f} s")
        for label, count in sorted(counts.items()):
            print(f"  {label:<18} {count:>7}")
        print(f"  {'total':<18} {total:>7}   {total / elapsed:,.0f} req/s")
        print(f"  server counted {fake.stats.total} requests; issues: {fake.issue_count('TREND')}")


if __name__ == "__main__":
    main()
