"""Regenerate docs/report-screenshot.png, the picture of the HTML report in the README:

    python -m tests.browser.screenshot

Run it when the report's look changes, and commit the picture with the change. The test suite
never writes it (and compares nothing against it).
"""

from __future__ import annotations

from tests.browser.chromium import ROOT, write_screenshot

if __name__ == "__main__":
    print(write_screenshot().relative_to(ROOT))
