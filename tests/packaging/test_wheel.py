"""The wheel: builds, installs into a fresh venv, imports, ships mappings, names nothing generic.

Dependencies are borrowed from the running environment through a `.pth` line (plain path
lines do not run the editable install's import hook), so the test needs no network beyond
what building the wheel itself needs.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

CHECK = r"""
import json, pathlib, sys
import tracker_bridge
from tracker_bridge.adapters.jira import factory as jira
from tracker_bridge.adapters.github import factory as github
from tracker_bridge.adapters.jira.mapping import load_mapping as jira_mapping
from tracker_bridge.adapters.github.mapping import load_mapping as github_mapping
from tracker_bridge.registry import available
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.demo import example_roadmap
from tracker_bridge.store import Store

site = pathlib.Path(sys.argv[1])
print(json.dumps({
    "package": tracker_bridge.__file__,
    "adapters": sorted(available()),
    "jira_mapping": str(jira.default_mapping()),
    "jira_stages": len(jira_mapping().stages),
    "github_mode": github_mapping().mode,
    "example_items": len(load_roadmap(example_roadmap()).roadmap.items),
    "migrated": Store.open("sqlite://") is not None,
    "top_level": sorted(p.name for p in site.iterdir()),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # setuptools builds in the source tree (build/, *.egg-info): two xdist workers building
    # at once race there, so the workers of one run take turns (their base temp is shared).
    with (tmp_path_factory.getbasetemp().parent / "wheel-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
             str(ROOT)],
            check=True,
            timeout=300,
        )
    return next(out.glob("tracker_bridge-*.whl"))


def test_wheel_ships_mappings_migrations_and_the_example(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "tracker_bridge/mappings/jira.yaml",
        "tracker_bridge/mappings/github.yaml",
        "tracker_bridge/examples/trending-now.yaml",
        "tracker_bridge/config/tracker-bridge.example.toml",
        "tracker_bridge/py.typed",
    ):
        assert required in names
    assert any(n.startswith("tracker_bridge/store/migrations/versions/") for n in names)
    top = {n.split("/", 1)[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"tracker_bridge"}


def test_wheel_installs_into_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        timeout=300,
    )
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run(
        [python, "-c", CHECK, str(site)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    import json

    facts = json.loads(result.stdout)
    assert facts["package"].startswith(str(site))
    assert facts["adapters"] == ["github", "jira"]
    assert facts["jira_mapping"].startswith(str(site))
    assert facts["jira_stages"] == 8
    assert facts["github_mode"] == "labels"
    assert facts["example_items"] > 30
    assert facts["migrated"]
    assert not {"adapters", "config", "mappings"} & set(facts["top_level"])
    cli = env_dir / "bin" / "tracker-bridge"
    shown = subprocess.run([cli, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "demo" in shown.stdout
