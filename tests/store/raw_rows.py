"""Items written the way an old version or a hand edit wrote them: rows without card
columns (`kind` NULL), which every read must take in full."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import create_engine

from tracker_bridge.model import WorkItem
from tracker_bridge.store import schema as s


def insert_raw(url: str, project: str, items: list[WorkItem], updated_at: datetime) -> None:
    """These items' JSON alone, around `Store.save_items`: no card column set."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(s.items.insert(), [
                {"project": project, "item_id": item.id, "updated_at": updated_at,
                 "data": json.loads(item.model_dump_json())} for item in items])
    finally:
        engine.dispose()
