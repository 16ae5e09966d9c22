"""`doctor` checks the mapping's delivery environments against the repository's: a team whose
CI deploys to `prod` and `stage` learns before the first night that the default mapping
(`production`, `staging`) would never move a card."""

from __future__ import annotations

from pathlib import Path

import github

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.server import FaultRule


def checks_of(gh: FakeGitHub, mapping: Path | None = None) -> dict[str, tuple[str, str]]:
    adapter = GitHubFakeTracker(gh, mapping).open_adapter()
    try:
        return {c.subject: (c.status, c.detail) for c in adapter.doctor()}
    finally:
        adapter.close()


def test_environments_named_otherwise_by_ci_are_warned_with_the_repository_names(
    tmp_path: Path,
) -> None:
    with FakeGitHub() as gh:
        gh.deploy(REPO, "stage")
        gh.deploy(REPO, "prod")  # GitHub makes each environment at its first deployment
        checks = checks_of(gh)
        status, detail = checks["environment 'production' -> done"]
        assert status == "warn" and "stage, prod" in detail
        assert checks["environment 'staging' -> in_staging"][0] == "warn"
        assert checks["environments not in the mapping"] == (
            "ok", "deployments to stage, prod move nothing")

        mapping = tmp_path / "github.yaml"
        mapping.write_text("delivery:\n  environments:\n    Prod: done\n    stage: in_staging\n")
        fixed = checks_of(gh, mapping)
        assert fixed["environment 'Prod' -> done"][0] == "ok"  # names compare without case
        assert fixed["environment 'stage' -> in_staging"][0] == "ok"
        assert "environments not in the mapping" not in fixed
        assert fixed["delivery release_published"][0] == "ok"  # done comes from `Prod`


def test_delivery_off_reads_no_environments(tmp_path: Path) -> None:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("delivery:\n  enabled: false\n")
    with FakeGitHub() as gh:
        checks = checks_of(gh, mapping)
        assert checks["delivery"][0] == "ok"
        assert gh.stats.by_route.get("GET /repos/{owner}/{repo}/environments", 0) == 0


def test_environments_the_token_cannot_read_are_a_warning_not_a_failure() -> None:
    with FakeGitHub() as gh:
        # GitHub answers 404 for what a token may not see.
        gh.faults.add(FaultRule("error", path="/environments$", status=404))
        status, detail = checks_of(gh)["delivery environments"]
        assert status == "warn" and "cannot be read" in detail


def test_pygithub_reads_the_fakes_environments_as_it_reads_githubs() -> None:
    """The shape: PyGithub's own lazy objects, paged, and a PUT that makes one."""
    with FakeGitHub() as gh:
        client = github.Github(auth=github.Auth.Token(gh.token), base_url=gh.url, per_page=2)
        repo = client.get_repo(REPO)
        for name in ("dev", "staging", "production"):
            repo.create_environment(name)
        gh.deploy(REPO, "Staging")  # the same environment: names compare without case
        environments = list(repo.get_environments())
        assert [e.name for e in environments] == ["dev", "staging", "production"]
        assert environments[0].created_at is not None and environments[0].url.endswith("/dev")
        assert repo.get_environments().totalCount == 3
        assert repo.get_environment("PRODUCTION").name == "production"
        repo.delete_environment("dev")
        assert [e.name for e in repo.get_environments()] == ["staging", "production"]
