"""The HTML report cannot be turned against its reader (issue 15).

Names, labels, ids, formulas and category values come from plans and fact files written by
others. In the page, each is text: ``<script>`` is escaped, a quote cannot leave an attribute,
and a control or bidirectional character is written out (``\\x1b``, ``\\u202e``) as in every other
output for people. A Content-Security-Policy forbids every request in any case.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.escape import INVISIBLE_CATEGORIES, visible
from engine.report_html import render_html

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = "\"' onmouseover=alert(1) x=\""
CONTROLS = "\x1b[2J\x07\u202e\u200b\x9b"
HOSTILE = SCRIPT + ATTRIBUTE + CONTROLS


def _plan(name: str) -> str:
    """A valid plan whose every free text (title, period, agency, area, indicator, fact label,
    source) is ``name``, as a YAML double-quoted scalar."""
    q = '"' + name.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    return f"""cchc: 1
id: hostile-html
year: 2023
title: {{vi: {q}, en: {q}}}
decision: {{number: {q}, date: 2022-12-23, signer: {q}}}
agencies:
  tinh: {{name: {{vi: {q}}}, kind: province}}
  snv: {{name: {{vi: {q}}}, kind: department, parent: tinh}}
  huyen: {{name: {{vi: {q}}}, kind: district, parent: tinh}}
  xa: {{name: {{vi: {q}}}, kind: commune, parent: huyen}}
groups:
  all: {{agencies: [snv, huyen, xa]}}
periods:
  q1: {{name: {{vi: {q}}}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}}
facts:
  received: {{type: count, label: {{vi: {q}}}, reported_by: all}}
  on_time: {{type: count, label: {{vi: {q}}}, reported_by: all}}
  grade: {{type: category, values: [{q}, B], label: {{vi: {q}}}, reported_by: snv}}
areas:
  procedures:
    name: {{vi: {q}, en: {q}}}
    lead: snv
    indicators:
      on_time:
        name: {{vi: {q}, en: {q}}}
        unit: percent
        owner: snv
        scope: all
        value: sum(on_time) / sum(received)
        target: value > 99%
        source: {q}
      grade:
        name: {{vi: {q}}}
        unit: category
        owner: snv
        scope: snv
        value: grade
        target: value in ["B"]
"""


class _Elements(HTMLParser):
    """Every start tag and attribute of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def _page(name: str, lang: str = "vi") -> tuple[str, _Elements]:
    plan = engine.loads_plan(_plan(name), "hostile.yaml")
    facts: dict[str, dict[str, object]] = {
        "snv": {"received": 10, "on_time": 10, "grade": unicodedata.normalize("NFC", name)},
        "huyen": {"received": 10, "on_time": 9}}  # xa does not report: named in the page
    html = render_html(engine.evaluate(plan, facts, period="q1"), lang)
    parsed = _Elements()
    parsed.feed(html)
    parsed.close()
    return html, parsed


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_hostile_name_is_text_in_the_page(lang: str) -> None:
    html, page = _page(HOSTILE, lang)
    assert "script" not in page.tags
    assert not [a for a in page.attributes if a.startswith("on")]
    assert "<script" not in html and "onmouseover=alert" not in html.replace(
        "onmouseover=alert(1) x=&#34;", "")
    shown = visible(HOSTILE)
    text = "".join(page.texts)
    assert shown in text  # the name reads as written, its controls written out
    assert text.count(shown) >= 10  # title, decision, agencies, area, indicator, facts, ...
    assert "\\x1b[2J\\x07\\u202e\\u200b\\x9b" in text
    assert not [ch for ch in html if ch != "\n" and unicodedata.category(ch)
                in INVISIBLE_CATEGORIES]
    assert "default-src 'none'" in html


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)
       .filter(lambda t: t.strip() and unicodedata.normalize("NFC", t) == t))
def test_any_name_stays_text(name: str) -> None:
    try:
        html, page = _page(name)
    except (engine.PlanError, engine.FactsError):
        return  # a name refused as a category value (spaces around it, ...) makes no page
    assert set(page.tags) <= {
        "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "dl", "dt",
        "dd", "nav", "ol", "li", "a", "main", "section", "h2", "div", "figure", "svg", "text",
        "rect", "table", "thead", "tr", "th", "tbody", "td", "span", "tfoot", "h3", "details",
        "summary", "code", "ul", "line", "footer"}
    assert not [a for a in page.attributes if a.startswith("on")]
    assert visible(name) in "".join(page.texts)
    assert not [ch for ch in html if ch != "\n" and unicodedata.category(ch)
                in INVISIBLE_CATEGORIES]
