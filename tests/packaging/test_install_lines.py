"""The README's install lines, run as written: from a checkout, and from a wheel built in it.

Each line runs in bash in a copy of the checkout with a fresh venv first on PATH. The
venv borrows the running environment's dependencies through a `.pth` line written before
the install, so pip finds them installed and the test needs nothing from an index beyond
what building the package needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.slow


def install_lines() -> list[str]:
    """The `pip …` lines of the quick start's first code block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start with your own trackers", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the quick start has no bash block"
    lines = [line.split("  #", 1)[0].strip() for line in block[1].splitlines()]
    return [line for line in lines if line.startswith("pip ")]


def test_the_quick_start_installs_from_a_source_or_a_wheel_not_an_index() -> None:
    lines = install_lines()
    assert len(lines) == 2, lines
    assert lines[0] == 'pip install ".[postgres]"'
    assert "pip wheel" in lines[1] and ".whl)[postgres]" in lines[1]
    assert not any('"tracker-bridge[' in line for line in lines)  # not on any index


def _checkout(into: Path) -> Path:
    """A copy of the source tree as a clone has it (symlinks kept, no venv or build output)."""
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
        ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tracker-bridge",
    )
    return Path(shutil.copytree(ROOT, into, symlinks=True, ignore=ignore))


@pytest.mark.parametrize("which", [0, 1], ids=["checkout", "wheel"])
def test_each_install_line_works_as_written(tmp_path: Path, which: int) -> None:
    line = install_lines()[which]
    source = _checkout(tmp_path / "tracker-bridge")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(env_dir)
    installed = subprocess.run(
        ["bash", "-c", line], cwd=source, env=env, capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    script = env_dir / "bin" / "tracker-bridge"
    shown = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60,
                           cwd=tmp_path)
    assert shown.returncode == 0 and "plan" in shown.stdout, shown.stderr
    where = subprocess.run(
        [python, "-c", "import tracker_bridge, psycopg; print(tracker_bridge.__file__)"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(site))  # installed, not the checkout's copy
