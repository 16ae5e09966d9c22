"""A stateful fake Jira (Cloud or Data Center) that the real `jira` library talks to over HTTP.

with FakeJira("cloud", projects=("TREND",)) as fake:
    client = jira.JIRA(**fake.client_kwargs())
"""

from __future__ import annotations

from .app import FakeJira, RateLimit
from .jql import JqlError
from .state import jira_time
from .workflow import MLOPS_WORKFLOW, Workflow

__all__ = ["MLOPS_WORKFLOW", "FakeJira", "JqlError", "RateLimit", "Workflow", "jira_time"]
