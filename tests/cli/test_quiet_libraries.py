"""An upgraded client library voids every quiet stamp: the replay re-sends requests that
jira and PyGithub composed, over requests/urllib3 and httpx; another version of any of them
may compose or send them differently, so the full sync runs with it first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.quiet.stamp import CLIENT_LIBRARIES, code_digest, library_versions

INSTALLED = {
    "jira": "3.10.5",
    "PyGithub": "2.10.0",
    "requests": "2.34.2",
    "httpx": "0.28.1",
    "httpcore": "1.0.9",
    "urllib3": "2.8.0",
}


def site_packages(folder: Path, versions: dict[str, str], *others: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, version in versions.items():
        (folder / f"{name}-{version}.dist-info").mkdir()
    for other in others:
        (folder / other).mkdir()
    return str(folder)


def test_the_versions_come_from_the_dist_info_names(tmp_path: Path) -> None:
    path = site_packages(tmp_path / "site", INSTALLED, "requests_toolbelt-1.0.0.dist-info",
                         "requests", "jira")
    assert library_versions([path]) == {
        "jira": "3.10.5", "pygithub": "2.10.0", "requests": "2.34.2", "httpx": "0.28.1",
        "httpcore": "1.0.9", "urllib3": "2.8.0",
    }


def test_the_first_on_the_path_wins_as_for_import(tmp_path: Path) -> None:
    user = site_packages(tmp_path / "user", {"urllib3": "2.9.0"})
    system = site_packages(tmp_path / "site", INSTALLED)
    assert library_versions([str(tmp_path / "missing"), user, system])["urllib3"] == "2.9.0"
    assert library_versions([system, user])["urllib3"] == "2.8.0"


@pytest.mark.parametrize("library", sorted(INSTALLED))
def test_an_upgrade_of_any_client_library_changes_the_code_digest(
    tmp_path: Path, library: str
) -> None:
    before = site_packages(tmp_path / "before", INSTALLED)
    after = site_packages(tmp_path / "after", {**INSTALLED, library: "99.0.0"})
    assert code_digest([before]) != code_digest([after])


def test_a_library_removed_or_added_changes_it_and_another_package_does_not(
    tmp_path: Path,
) -> None:
    full = site_packages(tmp_path / "full", INSTALLED)
    without = site_packages(tmp_path / "without",
                            {k: v for k, v in INSTALLED.items() if k != "httpx"})
    other = site_packages(tmp_path / "other", INSTALLED, "rich-14.0.0.dist-info")
    assert code_digest([full]) != code_digest([without])
    assert code_digest([full]) == code_digest([other])


def test_this_environment_has_every_client_library() -> None:
    """Otherwise an upgrade of the missing one would go unnoticed."""
    found = library_versions()
    assert set(found) == set(CLIENT_LIBRARIES)
    assert all(found.values()), found
