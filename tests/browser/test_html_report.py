"""The HTML report of examples/2023/q1 in a real browser (headless Chromium, driven by
Playwright): what a person sees is there, it fits an A4 page and a phone, and opening it makes
no network request.

Chromium is Debian's package (``.ci/run`` installs it); the test is skipped only on a machine
that has none, and fails instead under CI (``CI`` set), where a skip would hide it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import engine
from engine.escape import visible
from engine.report_html import STATUS_WORDS, agency_name
from tests.browser.chromium import chromium, printable_width_px, q1_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Every element whose right edge is beyond ``width`` (outside a scrolling box), and how wide the
#: document is: nothing may stick out of the page.
OVERFLOW = """(width) => {
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.scroll') && !e.classList.contains('scroll')) continue;
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5)
      out.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}: `
               + (e.textContent || '').trim().slice(0, 60));
  }
  return {scrollWidth: document.documentElement.scrollWidth, overflowing: out};
}"""


def _binary() -> str:
    binary = chromium()
    if binary is None:
        reason = "no Chromium on this machine (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: the browser test must run in CI", pytrace=False)
        pytest.skip(reason)
    return binary


@pytest.fixture(scope="module")
def report() -> engine.Report:
    return q1_report()


@pytest.fixture(scope="module")
def page_file(report: engine.Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(engine.render_html(report, "vi"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = _binary()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=binary)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def opened(browser: Browser, page_file: Path) -> Iterator[tuple[Page, list[str]]]:
    """The report opened from its file, with every URL the page requested."""
    page = browser.new_page(viewport={"width": 1000, "height": 1300})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri(), wait_until="load")
    yield page, requests
    page.close()


def _text(raw: str) -> str:
    """A text of the plan as the page shows it: NFC, control characters written out."""
    return visible(unicodedata.normalize("NFC", raw))


def test_every_indicator_is_there_with_its_full_name(
        opened: tuple[Page, list[str]], report: engine.Report) -> None:
    page, _ = opened
    plan = report.plan
    rows = page.eval_on_selector_all(
        "tr.row[data-indicator]",
        "rows => rows.map(r => [r.dataset.indicator, r.dataset.status,"
        " r.querySelector('.full-name').textContent])")
    assert [r[0] for r in rows] == [i for a in plan.areas.values() for i in a.indicators]
    assert len(rows) == len(plan.indicators)
    statuses = {r.id: r.status for r in report.results}
    for iid, status, name in rows:
        assert status == statuses[iid]
        assert name == _text(plan.indicators[iid].name.vi)  # never cut


def test_status_counts_are_shown_and_add_up(
        opened: tuple[Page, list[str]], report: engine.Report) -> None:
    page, _ = opened
    shown = dict(page.eval_on_selector_all(
        "[data-count]", "cells => cells.map(c => [c.dataset.count, c.textContent.trim()])"))
    assert shown == {**{s: str(n) for s, n in report.summary.items()},
                     "total": str(len(report.plan.indicators))}
    chart = page.eval_on_selector_all("svg.chart text", "ts => ts.map(t => t.textContent)")
    for status, n in report.summary.items():
        assert str(n) in chart
        assert any(t.endswith(STATUS_WORDS["vi"][status]) for t in chart)


def test_agencies_are_named(opened: tuple[Page, list[str]], report: engine.Report) -> None:
    page, _ = opened
    plan = report.plan
    matrix = set(page.eval_on_selector_all(
        "#matrix td.agency", "cells => cells.map(c => c.textContent)"))
    for a in plan.agencies.values():
        if a.kind in ("department", "district"):
            assert _text(a.name.vi) in matrix, a.id
    missing = {m for r in report.results for m in r.coverage.missing_agencies}
    assert missing  # the example leaves some facts out
    listed = page.eval_on_selector_all("#missing tr.agency td.agency",
                                       "cells => cells.map(c => c.textContent)")
    assert sorted(listed) == sorted(agency_name(plan, a, "vi") for a in missing)
    below = {u.agency for r in report.results for u in r.agencies if u.status == "not_met"}
    assert "muong_la" in below
    body = page.inner_text("body")
    for agency in missing | below:  # names, not ids, in what people read
        assert agency not in body
        assert _text(plan.agencies[agency].name.vi) in body


def test_nothing_overflows_an_a4_page_when_printed(opened: tuple[Page, list[str]]) -> None:
    page, _ = opened
    width = printable_width_px()
    page.set_viewport_size({"width": int(width), "height": 1100})
    page.emulate_media(media="print")
    try:
        page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = true)")
        found: dict[str, Any] = page.evaluate(OVERFLOW, int(width))
    finally:
        _as_opened(page)
    assert found["overflowing"] == []
    assert found["scrollWidth"] <= int(width)


def test_nothing_overflows_a_phone(opened: tuple[Page, list[str]]) -> None:
    page, _ = opened
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = true)")
        found: dict[str, Any] = page.evaluate(OVERFLOW, 360)
    finally:
        _as_opened(page)
    assert found["overflowing"] == []
    assert found["scrollWidth"] <= 360


def _as_opened(page: Page) -> None:
    """The shared page back as it was opened: on a screen, every section closed."""
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1000, "height": 1300})
    page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = false)")


def test_screenshot_and_a4_pdf(opened: tuple[Page, list[str]], tmp_path: Path) -> None:
    page, _ = opened
    png = page.screenshot(path=str(tmp_path / "report.png"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) > 3  # a page per area, at least
    for w, h in boxes:  # A4 is 595 x 842 points
        assert abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1


def test_opening_the_page_requests_nothing_but_itself(
        opened: tuple[Page, list[str]], page_file: Path) -> None:
    page, requests = opened
    page.reload(wait_until="load")
    assert requests and set(requests) == {page_file.as_uri()}
    html = page_file.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
