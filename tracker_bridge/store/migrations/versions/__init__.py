"""Alembic revision scripts (applied in order by `tracker_bridge.store.engine.migrate`)."""
