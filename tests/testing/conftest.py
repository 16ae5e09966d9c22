"""Fixtures for the fake trackers' tests (each fake keeps its own fixtures module)."""

# tests/testing has no __init__.py yet, so pytest puts this folder itself on sys.path;
# once it becomes a package, the dotted import is the one that works.
try:
    from tests.testing.fixtures_github import *  # noqa: F403
except ModuleNotFoundError:
    from fixtures_github import *  # type: ignore[import-not-found]  # noqa: F403
try:
    from tests.testing.fixtures_jira import *  # noqa: F403
except ModuleNotFoundError:
    from fixtures_jira import *  # type: ignore[import-not-found,no-redef]  # noqa: F403
