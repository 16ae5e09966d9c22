"""The quiet-night fast path: prove "nothing changed since the last quiet full sync" with the
standard library and the HTTP transports only, or step aside for the full sync.

A full `sync --yes` whose run was completely quiet stores a *stamp* (`stamp.py`): digests of
its inputs, the dates it stays valid for, and the conversation it had with each tracker
(`conversation.py`). The next `sync --yes` replays that conversation (`replay.py`); the same
answers mean the same world, so nothing is to do. Nothing here imports SQLAlchemy, pydantic
or the rest of tracker_bridge: that is the point.
"""

from __future__ import annotations
