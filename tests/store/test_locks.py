"""One worker per project: two Store instances on one database contend for the lock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tracker_bridge.errors import UserError
from tracker_bridge.store import LockBusy, Store


def test_second_worker_is_refused_until_the_first_releases(store_url: str) -> None:
    with Store.open(store_url) as first, Store.open(store_url) as second:
        with first.project_lock("trending-now", owner="worker-1"):
            with pytest.raises(LockBusy) as busy, second.project_lock("trending-now", "worker-2"):
                pass
            assert busy.value.project == "trending-now"
            assert busy.value.holder == "worker-1"
            assert "worker-1" in str(busy.value)
            assert isinstance(busy.value, UserError)  # the CLI prints it as one line
            # Other projects are independent.
            with second.project_lock("fraud-model", owner="worker-2"):
                pass
        with second.project_lock("trending-now", owner="worker-2"):
            pass


def test_lock_released_when_the_block_raises(store_url: str) -> None:
    with Store.open(store_url) as first, Store.open(store_url) as second:
        with pytest.raises(RuntimeError), first.project_lock("p", owner="w1"):
            raise RuntimeError("sync crashed")
        with second.project_lock("p", owner="w2"):
            pass


def test_same_store_cannot_take_a_held_lock_twice(store: Store) -> None:
    with (
        store.project_lock("p", owner="w1"),
        pytest.raises(LockBusy),
        store.project_lock("p", owner="w1"),
    ):
        pass


def test_expired_sqlite_lock_is_taken_over(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/state.sqlite"
    with Store.open(url) as first, Store.open(url) as second:
        held = first.project_lock("p", owner="crashed", ttl=timedelta(seconds=-1))
        lock = held.__enter__()  # a worker that died without releasing
        with second.project_lock("p", owner="w2") as taken:
            assert taken.owner == "w2"
            lock.refresh()  # the stale holder's token no longer matches: no effect
            with pytest.raises(LockBusy) as busy, first.project_lock("p", owner="w3"):
                pass
            assert busy.value.holder == "w2"
        held.__exit__(None, None, None)  # releasing a lock taken over deletes nothing


def test_workers_opening_a_fresh_database_at_once(store_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def open_and_write(n: int) -> int:
        with Store.open(store_url) as store:
            return store.start_run("p", f"worker-{n}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        run_ids = list(pool.map(open_and_write, range(4)))
    assert len(set(run_ids)) == 4
