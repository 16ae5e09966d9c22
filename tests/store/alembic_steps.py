"""Alembic run by hand on a test store: to take it back to an older revision (a team's store
before an upgrade), or up to one, as `Store.open` would on its own."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine


def alembic_config() -> Config:
    """The project's migration scripts, as the store's engine finds them."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("tracker_bridge.store") / "migrations"))
    return cfg


def migrate_to(url: str, revision: str, *, up: bool = False) -> None:
    """Downgrade (or with `up`, upgrade) the store at `url` to `revision`."""
    engine = create_engine(url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.upgrade if up else command.downgrade)(cfg, revision)
    finally:
        engine.dispose()
