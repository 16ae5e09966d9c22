"""Opening a store that cannot be opened is a one-line UserError without the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.errors import UserError
from tracker_bridge.store import Store


def test_not_a_url() -> None:
    with pytest.raises(UserError, match="is not a database URL"):
        Store.open("state.sqlite")


def test_unreachable_postgres_hides_the_password() -> None:
    url = "postgresql+psycopg://tb:hunter2-secret@127.0.0.1:1/tb?connect_timeout=2"
    with pytest.raises(UserError) as error:
        Store.open(url)
    assert "cannot open the state store at postgresql+psycopg://tb:***@127.0.0.1:1/tb" in str(
        error.value
    )
    assert "hunter2" not in str(error.value)


def test_sqlite_parent_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "state.sqlite"
    with Store.open(f"sqlite:///{path}") as store:
        store.set_cursor("p", "jira:P", "c1")
    assert path.is_file()
