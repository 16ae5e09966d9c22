"""The HTML report in a real browser at a phone's width: headless Chromium takes a
screenshot, and the charts must be there (not a blank page). Skipped without Chromium
(Debian: `apt-get install chromium`; `.ci/run` installs it when it can)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tracker_bridge.model import Stage
from tracker_bridge.reports.charts import STAGE_COLOURS
from tracker_bridge.reports.render_html import render_html

from .png import read_png
from .test_output import report

CHROMIUM = "/usr/bin/chromium"
BLUE = (31, 111, 235)  # the burndown's remaining line, #1f6feb


def _near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=True))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="no /usr/bin/chromium: HTML screenshot test skipped "
                           "(apt-get install -y chromium)")
def test_the_report_renders_at_390_px(tmp_path: Path) -> None:
    page = tmp_path / "sprint.html"
    page.write_text(render_html(report()), encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         # Half-size pixels: the page is laid out at 390 CSS px, the PNG is 4x smaller
         # (decoding it in pure Python is the slow part).
         "--force-device-scale-factor=0.5", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=390,4000",
         f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )
    assert shot.exists(), done.stderr[-2000:]
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (195, 2000)
    inked = sum(1 for p in pixels if p != (255, 255, 255))
    assert inked > len(pixels) * 0.03, f"only {inked} non-white pixels: a blank page?"
    assert sum(1 for p in pixels if _near(p, BLUE)) > 20  # the burndown line is drawn
    done_green = _rgb(STAGE_COLOURS[Stage.DONE])
    assert sum(1 for p in pixels if _near(p, done_green, 4)) > 500  # the CFD's done area
    # Nothing wider than the screen: the right-most column is page background.
    right = [pixels[row * width + width - 1] for row in range(height)]
    assert all(p == (255, 255, 255) for p in right)
