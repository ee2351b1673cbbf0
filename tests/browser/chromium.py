"""Headless Chromium for the browser tests and for the screenshot in docs/.

The browser is the system's (Debian's ``chromium`` package, which ``.ci/run`` installs when it
is missing), driven by Playwright with ``executable_path``: Playwright downloads no browser of
its own. ``CCHC_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "engine" / "templates" / "report.css"
#: The report the browser test and the screenshot show: the shipped 2023 example, first quarter.
PLAN = ROOT / "plans" / "2023.yaml"
FACTS = ROOT / "examples" / "2023" / "q1"
AS_OF = dt.date(2023, 3, 14)
SCREENSHOT = ROOT / "docs" / "report-screenshot.png"
#: CSS pixels per millimetre (96 per inch).
PX_PER_MM = 96 / 25.4
A4_WIDTH_MM = 210


def chromium() -> str | None:
    """The Chromium binary to drive, or None when there is none on this machine."""
    named = os.environ.get("CCHC_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def q1_report() -> engine.Report:
    plan = engine.load_plan(PLAN)
    return engine.evaluate(plan, engine.load_facts(plan, [FACTS]), period="q1", as_of=AS_OF)


def printable_width_px() -> float:
    """The width of an A4 page less the left and right margins of the report's ``@page`` rule,
    in CSS pixels: what a printed line has."""
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"@page\s*\{[^}]*\}", css)
    assert rule is not None, "report.css has no @page rule"
    assert re.search(r"size:\s*A4\b", rule.group(0)), "the @page rule does not say A4"
    margin = re.search(r"margin:\s*([^;]+);", rule.group(0))
    assert margin is not None, "the @page rule has no margin"
    values = [float(v.removesuffix("mm")) for v in margin.group(1).split()]
    # CSS order: top right bottom left; right defaults to top, left to right
    right = values[1] if len(values) > 1 else values[0]
    left = values[3] if len(values) > 3 else right
    return (A4_WIDTH_MM - left - right) * PX_PER_MM


def write_screenshot(path: Path = SCREENSHOT) -> Path:
    """Render the q1 report in Vietnamese and save the first screen of it as a PNG: the picture
    the README shows. Run deliberately (``python -m tests.browser.screenshot``), never by the
    test suite."""
    from playwright.sync_api import sync_playwright

    binary = chromium()
    if binary is None:
        raise SystemExit("no Chromium found: apt-get install chromium (or set CCHC_CHROMIUM)")
    with tempfile.TemporaryDirectory() as folder:
        page_file = Path(folder) / "report.html"
        page_file.write_text(engine.render_html(q1_report(), "vi"), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=binary)
            page = browser.new_page(viewport={"width": 960, "height": 1180})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(path))
            browser.close()
    return path
