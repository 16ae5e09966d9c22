"""A pull with nothing changed on a 5,000-issue project: how many requests it costs (target <= 2).

    python benchmarks/jira_quiet_pull.py [cloud|datacenter] [N]

The issues are written straight into the fake's state (quick), an hour passes, one full pull
sets the cursor, the fake's clock moves on ten minutes, and a *fresh* adapter (empty caches, as in a
nightly run) pulls from that cursor. The adapter's own count is printed with the server's.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from pydantic import SecretStr

from tracker_bridge.adapters.jira import factory
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.state import Flavour


def main() -> None:
    flavour: Flavour = "datacenter" if sys.argv[1:2] == ["datacenter"] else "cloud"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with FakeJira(flavour, projects=("TREND",)) as fake:
        with fake.lock:
            for i in range(n):
                fake.data.create(
                    {
                        "project": {"key": "TREND"},
                        "issuetype": {"name": ("Story", "Task", "Bug")[i % 3]},
                        "summary": f"Issue {i}",
                        "labels": [f"tb-id:item-{i}", "track-engineering"],
                    }
                )
        fake.clock.advance(3600)  # the issues last changed an hour before the last pull
        cloud = flavour == "cloud"
        settings: dict[str, Any] = {
            "url": fake.url,
            "username": fake.email if cloud else None,
            "token": SecretStr(fake.api_token if cloud else fake.pat),
            "options": {},
        }
        first = factory.open("jira:TREND", settings=settings)
        started = time.perf_counter()
        full = first.pull(None)
        full_seconds = time.perf_counter() - started
        print(
            f"full pull: {len(full.items)} issues, {first.requests_sent} requests "
            f"(incl. serverInfo: a first pull has no cursor to tell the deployment), "
            f"{full_seconds:.1f}s"
        )
        first.close()

        fake.clock.advance(600)
        nightly = factory.open("jira:TREND", settings=settings)
        before, server_before = nightly.requests_sent, fake.stats.total
        started = time.perf_counter()
        quiet = nightly.pull(full.cursor)
        seconds = time.perf_counter() - started
        cost = nightly.requests_sent - before
        print(
            f"quiet pull on {n} issues ({flavour}): {len(quiet.items)} items, "
            f"{cost} requests (server saw {fake.stats.total - server_before}), {seconds:.2f}s"
        )
        print(f"target <= 2: {'ok' if cost <= 2 else 'MISSED'}")
        print(f"opening the adapter cost {before} request(s) before the pull")
        nightly.close()


if __name__ == "__main__":
    main()
