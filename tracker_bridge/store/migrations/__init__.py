"""Alembic migrations for the state store, shipped inside the package.

`tracker_bridge.store.engine.migrate` runs them programmatically (no alembic.ini needed).
To write a new revision during development:

    alembic -c tracker_bridge/store/migrations/alembic.ini revision -m "what changed"
"""
