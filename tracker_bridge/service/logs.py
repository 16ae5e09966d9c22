"""Log set-up for `serve`: human lines by default, or one JSON object per line for log
collectors (`--log-format json`): time, level, logger, event, and the project, target and
counts a line is about when it names them (`extra=`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["human", "json"]
CONTEXT_FIELDS = ("project", "target", "item", "counts")
"""`extra=` keys copied into JSON lines."""
HUMAN_FORMAT = "%(asctime)s %(levelname)s %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:  # --debug or an unexpected error: the traceback stays on the line
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class _AlembicChatter(logging.Filter):
    """Alembic says which dialect it uses on every start; only real upgrades are news."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not message.startswith(("Context impl ", "Will assume "))


@contextmanager
def logging_for_serve(log_format: LogFormat, level: int = logging.INFO) -> Iterator[None]:
    """Log to stderr in `log_format` while the block runs (the handler goes again after it,
    so a command run in-process leaves no handler on a stream that may close)."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(HUMAN_FORMAT))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    migration = logging.getLogger("alembic.runtime.migration")
    chatter = _AlembicChatter()
    migration.addFilter(chatter)
    try:
        yield
    finally:
        migration.removeFilter(chatter)
        root.removeHandler(handler)
        root.setLevel(previous_level)
