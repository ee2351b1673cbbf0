"""engine.report_docx: the Word annex, opened with python-docx and read back.

The small plan of tests/docx/data is pinned whole by an outline (styles, page set-up, every
table cell) in tests/golden/docx/, in both languages; the 2023 plan and its q1 examples are
checked against the plan itself: one row per indicator, one group row per area, a breakdown
table per indicator broken down by unit, and the agencies that have not reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from fractions import Fraction
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.model import Decision
from engine.render import STATUS_WORDS
from engine.report import Report
from engine.report_docx import WORDS, number, render_docx, target_words

from .outline import cells, is_header_row, open_docx, outline

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def small() -> Report:
    plan = engine.load_plan(DATA / "plan.yaml")
    return engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")


@pytest.fixture(scope="module")
def plan_2023() -> engine.Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


@pytest.fixture(scope="module")
def q1(plan_2023: engine.Plan) -> Report:
    facts = engine.load_facts(plan_2023, [ROOT / "examples" / "2023" / "q1"])
    return engine.evaluate(plan_2023, facts, period="q1", as_of=dt.date(2023, 3, 14))


@pytest.fixture(scope="module")
def q1_doc(q1: Report) -> Document:
    return open_docx(render_docx(q1))


def rows(table: Table) -> list[list[str]]:
    """The body rows of ``table`` (after its header row), each cell once."""
    return [[text for text, _ in row] for header, row in cells(table) if not header]


def headings(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None
            and p.style.name == "Annex Heading"]


# -- the small plan, whole -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_small_annex_golden(golden: object, small: Report, lang: str) -> None:
    golden(f"docx/small-q1-{lang}.txt", outline(render_docx(small, lang)))  # type: ignore[operator]


def test_the_same_report_gives_the_same_bytes(small: Report) -> None:
    first = render_docx(small)
    assert first == render_docx(small)
    with zipfile.ZipFile(BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 3, 15, 0, 0, 0)}  # the as-of day
    props = open_docx(first).core_properties
    assert props.created == props.modified == dt.datetime(2023, 3, 15, tzinfo=dt.UTC)
    assert props.language == "vi-VN"


def test_page_font_and_styles_follow_the_administrative_convention(small: Report) -> None:
    """NĐ 30/2020: A4, margins 20/20/30/15 mm, Times New Roman 13, page number at the top
    from page 2; the font is set in the document defaults, so no theme font shows through."""
    doc = open_docx(render_docx(small))
    (section,) = doc.sections
    assert section.page_width is not None and section.page_height is not None
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # Word's A4
    assert not section.orientation
    assert [round((m or 0) / 36000) for m in (section.top_margin, section.bottom_margin,
                                              section.left_margin, section.right_margin)] \
        == [20, 20, 30, 15]  # millimetres
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
        "ascii": "Times New Roman", "hAnsi": "Times New Roman", "eastAsia": "Times New Roman",
        "cs": "Times New Roman"}
    assert defaults.find(f".//{qn('w:sz')}").get(qn("w:val")) == "26"
    assert section.different_first_page_header_footer
    assert [f.get(qn("w:instr")) for f in section.header._element.iter(qn("w:fldSimple"))] \
        == ["PAGE"]
    assert not section.first_page_header.paragraphs[0].text


def test_title_block_names_plan_decision_period_and_date(small: Report) -> None:
    doc = open_docx(render_docx(small))
    title = [p.text for p in doc.paragraphs[:5]]
    assert title == [
        "PHỤ LỤC", "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "Kế hoạch cải cách hành chính tỉnh Mẫu năm 2023",
        "(Kế hoạch ban hành kèm theo Quyết định số 99/QĐ-UBND ngày 20/12/2022 của Chủ tịch "
        "UBND tỉnh)",
        "Kỳ báo cáo: Báo cáo Quý I/2023 (từ ngày 15/12/2022 đến ngày 14/03/2023); số liệu tính "
        "đến ngày 15/03/2023"]


@pytest.mark.parametrize("decision,said", [
    (Decision("12/QĐ-UBND"), "(Kế hoạch ban hành kèm theo Quyết định số 12/QĐ-UBND)"),
    (Decision("12/QĐ-UBND", dt.date(2023, 1, 5)),
     "(Kế hoạch ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2023)"),
    (Decision("12/QĐ-UBND", signer="UBND tỉnh"),
     "(Kế hoạch ban hành kèm theo Quyết định số 12/QĐ-UBND của UBND tỉnh)"),
])
def test_the_decision_says_what_the_plan_gives(small: Report, decision: Decision,
                                               said: str) -> None:
    report = dataclasses.replace(small, plan=dataclasses.replace(small.plan, decision=decision))
    assert open_docx(render_docx(report)).paragraphs[3].text == said
    without = dataclasses.replace(small, plan=dataclasses.replace(small.plan, decision=None))
    assert open_docx(render_docx(without)).paragraphs[3].text.startswith("Kỳ báo cáo:")


def test_every_table_repeats_its_header_row_only(small: Report, q1_doc: Document) -> None:
    for doc in (open_docx(render_docx(small)), q1_doc):
        for table in doc.tables:
            flags = [is_header_row(tr) for tr in table._tbl.tr_lst]
            assert flags[0] and not any(flags[1:])
            first: Any = table._tbl.tr_lst[0].tc_lst[0]
            assert first.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "D9D9D9"
            rows_xml: list[Any] = table._tbl.tr_lst
            assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows_xml)
            assert table.style is not None and table.style.name == "Table Grid"  # borders


# -- the 2023 plan -------------------------------------------------------------------------------

def test_one_row_per_indicator_grouped_by_area(plan_2023: engine.Plan, q1: Report,
                                               q1_doc: Document) -> None:
    assert headings(q1_doc)[1] == "Biểu 2. Kết quả thực hiện các chỉ tiêu theo lĩnh vực"
    table = q1_doc.tables[1]
    body = cells(table)[1:]
    groups = [row for _, row in body if len(row) == 2]
    indicators = [[text for text, _ in row] for _, row in body if len(row) == 5]
    assert len(indicators) == len(plan_2023.indicators)  # however many the plan has
    areas = [a for a in plan_2023.areas.values() if a.indicators]
    assert [(text, span) for _, (text, span) in groups] == [(a.name.vi, 4) for a in areas]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    assert [row[0][0] for row in groups] == roman[:len(areas)]
    ordered = [iid for a in areas for iid in a.indicators]
    by_id = {r.id: r for r in q1.results}
    for n, (row, iid) in enumerate(zip(indicators, ordered, strict=True), 1):
        result = by_id[iid]
        assert row[0] == str(n)
        assert row[1] == result.indicator.name.vi  # the full name, never cut
        assert row[4] == STATUS_WORDS["vi"][result.status]


def test_values_and_targets_are_written_the_vietnamese_way(q1_doc: Document) -> None:
    table = {row[1]: row for row in rows(q1_doc.tables[1])}
    on_time = next(row for name, row in table.items() if name.startswith("Trên 99% hồ sơ"))
    assert on_time[2:] == ["trên 99%", "99,72%", "Đạt"]
    inspection = next(row for name, row in table.items() if "Kiểm tra trực tiếp" in name)
    assert inspection[2:] == ["trên 30% (thời hạn: 14/12/2023)", "10,87%", "Chưa đến hạn"]
    assert not any(re.search(r"\d\.\d\d%", cell) for row in table.values() for cell in row)


def test_summary_counts_each_status(q1: Report, q1_doc: Document) -> None:
    counts = {row[0]: row[1] for row in rows(q1_doc.tables[0])}
    assert counts == {**{STATUS_WORDS["vi"][s]: str(n) for s, n in q1.summary.items()},
                      "Tổng số": str(len(q1.results))}


def test_a_breakdown_table_per_indicator_broken_down_by_unit(q1: Report,
                                                             q1_doc: Document) -> None:
    plan = q1.plan
    broken_down = [r for r in q1.results if r.agencies]
    subheadings = [p.text for p in q1_doc.paragraphs
                   if p.style is not None and p.style.name == "Annex Subheading"]
    numbers = {r.id: n for n, r in enumerate(q1.results, 1)}
    assert subheadings == [f"{numbers[r.id]}. {r.indicator.name.vi}" for r in broken_down]
    tables = q1_doc.tables[2:2 + len(broken_down)]
    for result, table in zip(broken_down, tables, strict=True):
        body = rows(table)
        assert len(body) == len(result.agencies)
        for row, unit in zip(body, result.agencies, strict=True):
            name = plan.agencies[unit.agency].name.vi
            assert row[1].startswith(name)
            assert row[3] == STATUS_WORDS["vi"][unit.status]
    communes = dict(zip([r.id for r in broken_down], tables, strict=True))[
        "public_finance.budget_disclosure_communes"]
    first = rows(communes)[0]
    assert first[1] == "Phường Chiềng Lề (Thành phố Sơn La)"  # a commune with its district
    on_time = dict(zip([r.id for r in broken_down], tables, strict=True))["procedures.on_time"]
    mai_son = next(row for row in rows(on_time) if row[1].startswith("Huyện Mai Sơn"))
    assert mai_son[1] == "Huyện Mai Sơn (gồm cả 22 đơn vị trực thuộc)"


def test_agencies_that_have_not_reported_are_listed_by_name(q1: Report,
                                                            q1_doc: Document) -> None:
    missing = {a for r in q1.results for a in r.coverage.missing_agencies}
    assert missing  # the q1 examples leave some facts out
    table = q1_doc.tables[-1]
    assert [c for c, _ in cells(table)[0][1]] == ["STT", "Cơ quan, đơn vị",
                                                  "Số liệu chưa báo cáo", "Chỉ tiêu (STT)"]
    names = [row[1] for row in rows(table)]
    plan = q1.plan

    def named(agency: str) -> str:
        a = plan.agencies[agency]
        if a.kind != "commune" or a.parent is None:
            return a.name.vi
        return f"{a.name.vi} ({plan.agencies[a.parent].name.vi})"

    assert sorted(names) == sorted(named(a) for a in missing)
    numbers = {r.id: str(n) for n, r in enumerate(q1.results, 1)}
    for row in rows(table):
        agency = next(a for a in missing if row[1].startswith(plan.agencies[a].name.vi))
        needing = sorted((numbers[r.id] for r in q1.results
                          if agency in r.coverage.missing_agencies), key=int)
        assert row[3] == ", ".join(needing)
        assert row[2]  # the facts, by their labels


def test_english_annex(q1: Report) -> None:
    doc = open_docx(render_docx(q1, "en"))
    assert doc.paragraphs[0].text == "ANNEX"
    body = rows(doc.tables[1])
    on_time = next(row for row in body if row[1].startswith("More than 99% of dossiers"))
    assert on_time[2:] == ["more than 99%", "99.72%", "Met"]


def test_a_report_narrowed_to_an_agency_shows_its_own_results(plan_2023: engine.Plan) -> None:
    facts = engine.load_facts(plan_2023, [ROOT / "examples" / "2023" / "q1"])
    report = engine.evaluate(plan_2023, facts, period="q1", agency="mai_son")
    doc = open_docx(render_docx(report))
    assert "Cơ quan, đơn vị: Huyện Mai Sơn" in [p.text for p in doc.paragraphs]
    assert headings(doc) == ["Biểu 1. Tổng hợp kết quả",
                             "Biểu 2. Kết quả thực hiện các chỉ tiêu theo lĩnh vực",
                             "Biểu 3. Cơ quan, đơn vị chưa báo cáo số liệu"]
    late = next(r for r in report.results if r.id == "procedures.late_apologies")
    own = late.agencies[0]
    row = next(row for row in rows(doc.tables[1]) if row[1] == late.indicator.name.vi)
    assert row[4] == STATUS_WORDS["vi"][own.status] == "Không đạt"


def test_an_unknown_language_is_refused(small: Report) -> None:
    with pytest.raises(engine.ArgumentError) as info:
        render_docx(small, "fr")
    assert [d.header() for d in info.value.diagnostics] == [
        "render_docx(lang=): error[E805]: unknown language 'fr'"]


def test_every_word_exists_in_both_languages() -> None:
    assert WORDS["vi"].keys() == WORDS["en"].keys()
    for lang in WORDS:
        for key, text in WORDS[lang].items():
            assert text == text.strip() and text, (lang, key)


# -- numbers and targets -------------------------------------------------------------------------

@pytest.mark.parametrize("value,vi,en", [
    (0, "0", "0"), (999, "999", "999"), (1000, "1.000", "1,000"), (-1234567, "-1.234.567",
                                                                    "-1,234,567"),
    (Fraction(9972, 100), "99,72", "99.72"), (Fraction(1, 3), "0,33", "0.33"),
    (Fraction(12345678, 1000), "12.345,68", "12,345.68"), (Fraction(-1, 200), "-0,01", "-0.01"),
    (Fraction(-1, 1000), "0", "0"), (10**20, "100.000.000.000.000.000.000",
                                     "100,000,000,000,000,000,000"),
])
def test_number(value: int | Fraction, vi: str, en: str) -> None:
    assert (number(value), number(value, "en")) == (vi, en)


@given(st.fractions(min_value=-10**12, max_value=10**12) | st.integers(-10**15, 10**15))
def test_a_vietnamese_number_reads_back(value: Fraction | int) -> None:
    text = number(value, "vi", places=2)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d{1,2})?", text)
    back = Fraction(text.replace(".", "").replace(",", "."))
    assert abs(back - value) <= Fraction(1, 200)


@pytest.mark.parametrize("target,vi,en", [
    ("value > 99%", "trên 99%", "more than 99%"),
    ("value >= 85.5%", "từ 85,5% trở lên", "at least 85.5%"),
    ("value == 100%", "100%", "100%"),
    ("value < 5", "dưới 5", "less than 5"),
    ("value <= 1200", "không quá 1.200", "at most 1,200"),
    ("value >= 8% and value <= 10%", "từ 8% đến 10%", "8% to 10%"),
    ("value > 1% and value < 9%", "value > 1% and value < 9%", "value > 1% and value < 9%"),
    ("value in [\"A\", \"B\"]", "một trong: A, B", "one of: A, B"),
    ("value > baseline_total\n", "value > baseline_total", "value > baseline_total"),
])
def test_target_in_words(target: str, vi: str, en: str) -> None:
    unit = "category" if "in [" in target else "percent"
    value = "'\"A\"'" if unit == "category" else "1"
    plan = engine.loads_plan(f"""
cchc: 1
id: t
year: 2023
title: {{vi: T}}
agencies:
  snv: {{name: {{vi: Sở Nội vụ}}, kind: department}}
periods:
  q1: {{name: {{vi: Q}}, from: 2023-01-01, until: 2023-03-31, due: 2023-04-01}}
facts:
  baseline_total: {{type: number, label: {{vi: Mốc}}, reported_by: snv}}
areas:
  a:
    name: {{vi: A}}
    indicators:
      i:
        name: {{vi: I}}
        unit: {unit}
        owner: snv
        scope: snv
        value: {value}
        target: |
          {target.strip()}
""")
    result = engine.evaluate(plan, {}, period="q1").result("a.i")
    assert (target_words(result), target_words(result, "en")) == (vi, en)
