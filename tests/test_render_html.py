"""engine.report_html: the report as one self-contained HTML page (``engine.render_html``).

The structure of the small report of ``tests/data/report`` is pinned, in both languages, by the
outlines ``tests/golden/html/small-q1-{vi,en}.txt`` (headings, ids, classes, table shapes:
see tests/html_outline.py); what the page looks like in a browser is tested in tests/browser.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

import engine
from engine.report import Report
from engine.report_html import (
    STATUS_WORDS,
    WORDS,
    agency_name,
    build_page,
    format_number_local,
    render_html,
    show_value,
    target_words,
)
from engine.values import Value
from tests.conftest import Golden
from tests.html_outline import outline

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "report"
AS_OF = dt.date(2023, 3, 14)


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(DATA / "plan.yaml")


@pytest.fixture(scope="module")
def report(plan: engine.Plan) -> Report:
    return engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1",
                           as_of=AS_OF)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_structure_golden(golden: Golden, report: Report, lang: str) -> None:
    golden(f"html/small-q1-{lang}.txt", outline(render_html(report, lang)))


def test_the_library_function_is_exported(report: Report) -> None:
    assert engine.render_html is render_html
    assert "render_html" in engine.__all__
    assert engine.render_html(report) == render_html(report, "vi")


def test_the_page_is_the_same_every_time(report: Report) -> None:
    assert render_html(report, "en") == render_html(report, "en")


def test_words_exist_in_both_languages() -> None:
    assert set(WORDS["vi"]) == set(WORDS["en"])
    assert set(STATUS_WORDS["vi"]) == set(STATUS_WORDS["en"]) == set(engine.report.STATUSES)


def test_an_unknown_language_is_refused(report: Report) -> None:
    with pytest.raises(engine.ArgumentError) as info:
        render_html(report, "fr")
    [d] = info.value.diagnostics
    assert (d.header(), d.help) == ("render_html(lang=): error[E805]: unknown language 'fr'",
                                    "the languages are vi (Vietnamese) and en (English)")
    with pytest.raises(engine.ArgumentError) as info:
        render_html(report, "VI")
    assert info.value.diagnostics[0].help == \
        "did you mean 'vi'?; the languages are vi (Vietnamese) and en (English)"


# -- the page is one file that needs nothing else ---------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "id":
                self.ids.append(value or "")
            elif name == "href":
                self.hrefs.append(value or "")
            elif name in ("src", "srcset", "action", "poster", "data"):
                self.sources.append(value or "")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_is_self_contained_and_its_links_land(report: Report, lang: str) -> None:
    html = render_html(report, lang)
    links = _Links()
    links.feed(html)
    assert not links.sources
    assert not links.tags & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert len(links.ids) == len(set(links.ids))
    assert all(h.startswith("#") and h[1:] in links.ids for h in links.hrefs)
    assert "@import" not in html and "url(" not in html
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in html
    assert f'<html lang="{lang}">' in html


def test_print_stylesheet_a4_page_breaks_and_repeated_headers(report: Report) -> None:
    html = render_html(report)
    style = html[html.index("<style>"):html.index("</style>")]
    printing = style[style.index("@media print"):]
    assert re.search(r"@page \{ size: A4;", printing)
    assert "section.area, section#matrix, section#missing { break-before: page; }" in printing
    assert "thead { display: table-header-group; }" in printing
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media screen and (max-width: 40rem)" in style


# -- what the page says -----------------------------------------------------------------------


def test_numbers_are_written_the_vietnamese_way(report: Report) -> None:
    vi, en = render_html(report, "vi"), render_html(report, "en")
    assert ">99,5%<" in vi and ">99.5%<" in en  # procedures.on_time: 995 of 1000
    assert ">1.000<" in vi and ">1,000<" in en  # sum(received)
    assert "15/12/2022 – 13/03/2023 (hạn báo cáo 14/03/2023)" in vi
    assert "2022-12-15 – 2023-03-13 (report due 2023-03-14)" in en


@pytest.mark.parametrize(("value", "lang", "places", "shown"), [
    (1234, "vi", 2, "1.234"), (1234, "en", 2, "1,234"), (Fraction(1, 3), "vi", 2, "0,33"),
    (Fraction(-1234567, 100), "vi", 2, "-12.345,67"), (Fraction(-1234567, 100), "en", 2,
                                                        "-12,345.67"),
    (0, "vi", 2, "0"), (999, "vi", 2, "999"), (1000, "vi", 2, "1.000"),
    (Fraction(9972, 100), "vi", 2, "99,72"), (Fraction(2, 3), "vi", 0, "1"),
    (10**12, "en", None, "1,000,000,000,000"),
])
def test_format_number_local(value: int | Fraction, lang: str, places: int | None,
                             shown: str) -> None:
    assert format_number_local(value, lang, places=places) == shown


@pytest.mark.parametrize(("value", "unit", "vi", "en"), [
    (Fraction(9972, 10000), "percent", "99,72%", "99.72%"),
    (Fraction(-3, 100), "rate", "-3%", "-3%"),
    (True, "bool", "Có", "Yes"), (False, "bool", "Không", "No"),
    (dt.date(2023, 1, 10), "date", "10/01/2023", "2023-01-10"),
    ("B", "category", "B", "B"), (12345, "count", "12.345", "12,345"),
    (engine.Unknown.of(), "percent", "—", "—"),
])
def test_show_value(value: Value, unit: str, vi: str, en: str) -> None:
    assert (show_value(value, unit, "vi"), show_value(value, unit, "en")) == (vi, en)


TARGETS = """cchc: 1
id: targets
year: 2023
title: {vi: Mục tiêu}
agencies:
  snv: {name: {vi: Sở Nội vụ}, kind: department}
periods:
  q1: {name: {vi: Quý I}, from: 2023-01-01, until: 2023-03-31, due: 2023-04-10}
facts:
  n: {type: number, label: {vi: Số lượng, en: Count}, reported_by: snv}
  n_2022: {type: number, label: {vi: Số lượng năm 2022, en: Count in 2022}, reported_by: snv}
  part: {type: share, label: {vi: Tỷ lệ}, reported_by: snv}
  done: {type: bool, label: {vi: Đã xong}, reported_by: snv}
  grade: {type: category, values: [A, B, C], label: {vi: Hạng}, reported_by: snv}
areas:
  a:
    name: {vi: A}
    indicators:
      above: {name: {vi: Trên 99%}, unit: percent, owner: snv, scope: snv, value: part,
              target: value > 99%}
      at_least: {name: {vi: Từ 85% trở lên}, unit: percent, owner: snv, scope: snv,
                 value: part, target: value >= 85%}
      all: {name: {vi: 100%}, unit: percent, owner: snv, scope: snv, value: part,
            target: value == 100%}
      between: {name: {vi: Từ 8% đến 10%}, unit: rate, owner: snv, scope: snv, value: part,
                target: value >= 8% and value <= 10%}
      at_most: {name: {vi: Không quá 1.500}, unit: count, owner: snv, scope: snv, value: n,
                target: value <= 1500}
      left: {name: {vi: Tối thiểu 85%}, unit: percent, owner: snv, scope: snv, value: part,
             target: 85% <= value}
      improved: {name: {vi: Tăng}, unit: score, owner: snv, scope: snv, value: n,
                 target: value > n_2022}
      both: {name: {vi: Giảm}, unit: count, owner: snv, scope: snv, value: n,
             target: value < n_2022 and n > 0}
      done: {name: {vi: Xong}, unit: bool, owner: snv, scope: snv, value: done, target: value}
      grade: {name: {vi: Nhóm A hoặc B}, unit: category, owner: snv, scope: snv, value: grade,
              target: 'value in ["A", "B"]'}
      formula: {name: {vi: Khác}, unit: count, owner: snv, scope: snv, value: n,
                target: value * 2 > n_2022 + 1}
"""


@pytest.mark.parametrize(("indicator", "vi", "en"), [
    ("above", "trên 99%", "above 99%"),
    ("at_least", "từ 85% trở lên", "at least 85%"),
    ("all", "đạt 100%", "100%"),
    ("between", "từ 8% đến 10%", "from 8% to 10%"),
    ("at_most", "không quá 1.500", "at most 1,500"),
    ("left", "từ 85% trở lên", "at least 85%"),
    ("improved", "trên Số lượng năm 2022", "above Count in 2022"),
    ("both", "dưới Số lượng năm 2022 và Số lượng trên 0", "below Count in 2022 and Count above 0"),
    ("done", "Có", "Yes"),
    ("grade", "một trong: A, B", "one of: A, B"),
    ("formula", None, None),  # shown as written
])
def test_targets_in_words(indicator: str, vi: str | None, en: str | None) -> None:
    plan = engine.loads_plan(TARGETS, "targets.yaml")
    ind = plan.indicators[f"a.{indicator}"]
    assert (target_words(plan, ind, "vi"), target_words(plan, ind, "en")) == (vi, en)


def test_a_target_that_has_no_words_is_shown_as_its_formula() -> None:
    plan = engine.loads_plan(TARGETS, "targets.yaml")
    html = render_html(engine.evaluate(plan, {"snv": {"n": 3, "n_2022": 4}}, period="q1"))
    assert '<td class="target" data-label="Mục tiêu"><code>value * 2 &gt; n_2022 + 1</code>' \
        in html


def test_a_commune_is_named_with_its_district(plan: engine.Plan) -> None:
    assert agency_name(plan, "xa_a1", "vi") == "Xã A1 (Huyện A)"
    assert agency_name(plan, "xa_a1", "en") == "Commune A1 (District A)"
    assert agency_name(plan, "huyen_a", "vi") == "Huyện A"
    assert agency_name(plan, "nowhere", "vi") == "nowhere"


def test_a_commune_whose_name_says_its_district_is_not_named_twice() -> None:
    plan = engine.loads_plan("""cchc: 1
id: names
year: 2023
title: {vi: Tên}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  tp: {name: {vi: Thành phố Sơn La, en: Sơn La City}, kind: district, parent: tinh}
  le: {name: {vi: Phường Chiềng Lề, en: Chiềng Lề Ward (Sơn La city)}, kind: commune,
       parent: tp}
periods:
  q1: {name: {vi: Quý I}, from: 2023-01-01, until: 2023-03-31, due: 2023-04-10}
""", "names.yaml")
    assert agency_name(plan, "le", "vi") == "Phường Chiềng Lề (Thành phố Sơn La)"
    assert agency_name(plan, "le", "en") == "Chiềng Lề Ward (Sơn La city)"


def test_what_holds_each_indicator_back(report: Report) -> None:
    page = build_page(report, "vi")
    notes = {row.id: row.note for area in page.areas for row in area.rows}
    assert notes == {
        "procedures.on_time": "1 đơn vị chưa đạt: Huyện A",
        "procedures.apologies": "áp dụng quy tắc khi thiếu số liệu cho 1 số liệu của 1 cơ quan: "
                                "Xã A1 (Huyện A)",
        "procedures.feedback": "thiếu 2 số liệu của 1 cơ quan: Xã A1 (Huyện A)",
        "implementation.plans": "“Đã ban hành kế hoạch” không báo cáo trong kỳ này",
    }
    assert [row.id for row in page.attention] == ["procedures.feedback"]


def test_the_details_of_an_indicator(report: Report) -> None:
    page = build_page(report, "en")
    rows = {row.id: row for area in page.areas for row in area.rows}
    on_time = rows["procedures.on_time"].detail
    assert dict((t, d) for t, d, _ in on_time.definitions) == {
        "Formula": "sum(on_time) / sum(received)", "Target (formula)": "value > 99%",
        "Applies when": "sum(received) > 0 → true", "Owner": "Home Affairs",
        "Scope": "4 agencies (receiving)", "Source": "Section II.3.a of the plan",
        "Reported": "4 of 4 agencies"}
    assert [line.cells for line in on_time.terms] == [("sum(on_time)", "995"),
                                                      ("sum(received)", "1,000")]
    assert [(u.name, u.below, u.value, u.badge.status) for u in on_time.units] == [
        ("Home Affairs", "", "100%", "met"), ("Justice", "", "100%", "met"),
        ("District A", "with 1 agency below it", "98.33%", "not_met")]
    bars = [u.bar for u in on_time.units]
    assert all(b is not None and b.target is not None for b in bars)
    # the axis starts below the lowest value, so District A shows left of the target line
    assert bars[2] is not None and bars[2].end < (bars[2].target or 0) < 100
    assert on_time.chart_note == "Axis 97% – 100%; line: the target 99%"
    apologies = rows["procedures.apologies"].detail
    assert [line.cells for line in apologies.treated] == [
        ("Commune A1 (District A)", "Số hồ sơ trễ hạn", "coalesce(late, 0)")]
    assert apologies.not_reported == ("Commune A1 (District A)",)
    feedback = rows["procedures.feedback"].detail
    assert feedback.reasons == ("“Số phản ánh nhận được” of Commune A1 (District A) was not "
                                "reported", "“Số phản ánh đã xử lý” of Commune A1 (District A) "
                                "was not reported")


def test_the_header_and_the_list_of_agencies_that_have_not_reported(report: Report) -> None:
    page = build_page(report, "vi")
    assert dict(page.header) == {
        "Kỳ báo cáo": "Quý I", "Thời gian": "15/12/2022 – 13/03/2023 (hạn báo cáo 14/03/2023)",
        "Số liệu tính đến ngày": "14/03/2023", "Cơ quan đã báo cáo": "3/4 cơ quan",
        "Số chỉ tiêu": "4"}
    assert [(heading, [(m.name, m.facts, [r.id for r in m.indicators]) for m in missing])
            for heading, missing in page.missing] == [
        ("UBND xã, phường, thị trấn", [("Xã A1 (Huyện A)",
                                   "Số hồ sơ trễ hạn; Số phản ánh nhận được; Số phản ánh đã xử lý",
                                   ["procedures.apologies", "procedures.feedback"])])]


def test_the_matrix_has_departments_and_districts(report: Report) -> None:
    [table] = build_page(report, "vi").matrix
    assert [c.id for c in table.columns] == ["procedures.on_time", "procedures.apologies",
                                             "procedures.feedback"]
    assert [(g.heading, [name for name, _ in g.rows]) for g in table.groups] == [
        ("Sở, ban, ngành", ["Sở Nội vụ", "Sở Tư pháp"]), ("UBND huyện, thành phố", ["Huyện A"])]
    district = table.groups[1].rows[0][1]
    assert [c.badge.status if c.badge else None for c in district] == [
        "not_met", "not_applicable", "unknown"]


def test_a_report_narrowed_to_an_agency_shows_its_own_results(plan: engine.Plan) -> None:
    narrowed = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1",
                               as_of=AS_OF, agency="huyen_a")
    page = build_page(narrowed, "vi")
    assert ("Báo cáo riêng của", "Huyện A") in page.header
    rows = {row.id: row for area in page.areas for row in area.rows}
    assert (rows["procedures.on_time"].value, rows["procedures.on_time"].badge.status) == (
        "98,33%", "not_met")
    assert page.matrix == ()
    html = render_html(narrowed)
    assert "Báo cáo riêng của" in html and 'id="matrix"' not in html
    # the details are the agency's own too: its agencies' facts and coverage, not the province's
    detail = rows["procedures.apologies"].detail
    assert ("Đã báo cáo", "1/2 cơ quan", False) in detail.definitions
    assert detail.terms == ()
    assert [name for name, _ in detail.inputs] == ["Huyện A", "Xã A1 (Huyện A)"]
    assert detail.not_reported == ("Xã A1 (Huyện A)",)
    assert ("Cơ quan đã báo cáo", "1/2 cơ quan") in page.header
