"""A pull with nothing changed on a 5,000-issue repository costs <= 2 requests (statuses shown).

Seeds the fake directly (no HTTP), runs a full pull to get a cursor, then pulls twice with a
fresh adapter (as the next nightly run would) and twice with the same one. The first quiet pull
re-reads the few issues inside the overlap window (one 200, filtered out through the cursor's
`seen` list: the last change came too close before the full read for a probe to answer); every
later quiet pull is one probe (a 200 of one issue: the newest update and the count, see
adapters/github/reading.py) instead of the listing's 304.

`--projects` runs the same in Projects v2 mode with every issue on the board, once per
`project.scan` setting, to show the trade-off documented in adapters/github/adapter.py.

    python benchmarks/github_quiet_pull.py [--issues 5000] [--projects]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from tracker_bridge.adapters.github import factory
from tracker_bridge.adapters.github.body import marker
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


def run(issues: int, mapping: Path | None, label: str) -> None:
    print(f"== {label}")
    with FakeGitHub(seed=5) as gh:
        for n in range(issues):
            gh.clock.advance(1)  # issues made over time, as in a real repository
            made = gh.human_create_issue(REPO, f"Issue {n}", body=f"Work.\n\n{marker(f'q.{n}')}",
                                         labels=["type:task", "stage:in-progress"])
            if mapping is not None:
                gh.human_set_project_status(REPO, made["number"], "In Progress")
        settings = {"url": gh.url, "username": None, "token": SecretStr(gh.token),
                    "options": {"writes_per_minute": 6000}}
        first = factory.open(f"github:{REPO}", settings=settings, mapping_path=mapping)
        started = time.monotonic()
        full = first.pull(None)
        print(f"full pull                  {len(full.items)} issues, {first.requests_sent} "
              f"requests, {time.monotonic() - started:.1f} s")
        gh.clock.advance(3600)
        fresh = factory.open(f"github:{REPO}", settings=settings, mapping_path=mapping)
        for name, adapter in (("quiet pull, new adapter", fresh), ("quiet pull, same adapter",
                                                                   first)):
            cursor = full.cursor
            for attempt in (1, 2):
                gh.stats.reset()
                before = adapter.requests_sent
                result = adapter.pull(cursor)
                cursor = result.cursor
                statuses = {str(k): v for k, v in gh.stats.by_status.items()}
                print(f"{name} #{attempt}  {len(result.items)} items, "
                      f"{adapter.requests_sent - before} requests, statuses {statuses}")
            adapter.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=5000)
    parser.add_argument("--projects", action="store_true")
    args = parser.parse_args()
    run(args.issues, None, f"labels mode, {args.issues} issues")
    if args.projects:
        with tempfile.TemporaryDirectory() as folder:
            for scan in ("every_pull", "when_issues_changed"):
                path = Path(folder) / f"{scan}.yaml"
                path.write_text(f"mode: projects\nproject:\n  number: 1\n  scan: {scan}\n")
                run(args.issues, path, f"projects mode, scan: {scan}, {args.issues} issues")


if __name__ == "__main__":
    main()
