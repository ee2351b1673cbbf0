"""The report as an Excel workbook, from the library (``engine.render_xlsx.render_xlsx``), read
back with openpyxl as Excel would read it: sheets, one row per indicator of the plan, real
percentages, statuses in Vietnamese, the agency x indicator sheet an officer sorts and filters,
and names that try to become formulas or carry control characters."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import engine
from engine.model import AGENCY_KINDS, Plan
from engine.render import STATUS_WORDS
from engine.render_xlsx import (
    KIND_WORDS,
    MAX_CELL_CHARS,
    SHEET_NAMES,
    breakdown_agencies,
    breakdown_results,
    render_xlsx,
    target_words,
    text_value,
)
from engine.report import STATUSES, Report
from engine.values import Unknown

from .conftest import open_workbook

#: The columns of the indicators sheet (1-based), as the module writes them.
ID, AREA, NAME, UNIT, VALUE, TARGET, DEADLINE, STATUS, NOTE, BELOW, MISSING = range(1, 12)
REPORTED, EXPECTED = 12, 13


@pytest.fixture(scope="module")
def data(report: Report) -> bytes:
    return render_xlsx(report)


def sheet(data: bytes, name: str) -> Worksheet:
    ws = open_workbook(data)[name]
    assert isinstance(ws, Worksheet)
    return ws


def test_three_sheets_named_in_the_language(report: Report, data: bytes) -> None:
    assert open_workbook(data).sheetnames == ["Tổng hợp", "Chỉ tiêu", "Theo cơ quan"]
    assert open_workbook(render_xlsx(report, "en")).sheetnames == [
        "Summary", "Indicators", "By agency"]
    assert data[:4] == b"PK\x03\x04"


def test_the_same_report_gives_the_same_bytes(report: Report, data: bytes) -> None:
    assert render_xlsx(report) == data
    props = open_workbook(data).properties
    assert props.created == props.modified == dt.datetime(2023, 3, 14)


def test_one_row_per_indicator_with_its_full_name(plan: Plan, report: Report,
                                                  data: bytes) -> None:
    ws = sheet(data, "Chỉ tiêu")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(plan.indicators) == len(report.results)
    assert [row[ID - 1] for row in rows] == [r.id for r in report.results]
    for row, r in zip(rows, report.results, strict=True):
        assert row[NAME - 1] == r.indicator.name.vi  # never cut
        assert row[AREA - 1] == plan.areas[r.indicator.area].name.vi
        assert row[STATUS - 1] == STATUS_WORDS["vi"][r.status]
        assert row[MISSING - 1] == len(r.missing)
        assert (row[REPORTED - 1], row[EXPECTED - 1]) == (r.coverage.reported,
                                                          r.coverage.expected)
        assert row[DEADLINE - 1] == (dt.datetime.combine(r.deadline, dt.time())
                                     if r.deadline else None)
    assert ws.cell(1, NAME).value == "Chỉ tiêu" and ws.cell(1, STATUS).value == "Kết quả"


def test_shares_and_rates_are_numbers_formatted_as_percentages(report: Report,
                                                               data: bytes) -> None:
    ws = sheet(data, "Chỉ tiêu")
    checked = 0
    for row, r in enumerate(report.results, start=2):
        cell = ws.cell(row, VALUE)
        if isinstance(r.value, Unknown):
            assert cell.value is None
            continue
        if r.indicator.unit in ("percent", "rate") and not isinstance(r.value, bool):
            assert cell.data_type == "n" and cell.number_format == "0.00%", r.id
            assert isinstance(r.value, int | Fraction)
            assert cell.value == pytest.approx(float(r.value), rel=1e-15)
            checked += 1
    assert checked >= 10
    on_time = report.result("procedures.on_time")
    row = 2 + report.results.index(on_time)
    assert ws.cell(row, VALUE).value == pytest.approx(float(on_time.value))  # type: ignore[arg-type]
    assert ws.cell(row, TARGET).value == "> 99%"


def test_a_status_is_words_on_a_colour(report: Report, data: bytes) -> None:
    ws = sheet(data, "Chỉ tiêu")
    fills: dict[str, set[str]] = {}
    for row, r in enumerate(report.results, start=2):
        cell = ws.cell(row, STATUS)
        assert cell.value == STATUS_WORDS["vi"][r.status]
        fills.setdefault(r.status, set()).add(cell.fill.fgColor.rgb)
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({c for colours in fills.values() for c in colours}) == len(fills)


def test_headers_filter_freeze_and_print(data: bytes) -> None:
    ws = sheet(data, "Chỉ tiêu")
    assert ws.auto_filter.ref == f"A1:N{ws.max_row}"
    assert ws.freeze_panes == "D2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.cell(1, 1).font.bold and ws.cell(2, NAME).alignment.wrap_text
    assert ws.column_dimensions["C"].width >= 50


def test_summary_counts_each_status_in_vietnamese(report: Report, data: bytes) -> None:
    ws = sheet(data, "Tổng hợp")
    cells: dict[object, Any] = {ws.cell(r, 1).value: ws.cell(r, 2).value
                                for r in range(1, ws.max_row + 1)}
    assert ws.cell(1, 1).value == report.plan.title.vi
    for status in STATUSES:
        assert cells[STATUS_WORDS["vi"][status]] == report.summary[status]
    assert cells["Tổng"] == len(report.results)
    assert cells["Kỳ báo cáo"] == "Báo cáo Quý I/2023 (q1)"
    assert cells["Thời gian số liệu"] == "15/12/2022 – 13/03/2023"
    assert cells["Tính đến ngày"] == dt.datetime(2023, 3, 14)
    assert cells["Quyết định"].startswith("2697/QĐ-UBND ngày 23/12/2022")
    missing = {pair for r in report.results for pair in r.missing}
    assert cells["Số liệu còn thiếu"] == len(missing)
    incomplete = {a for r in report.results for a in r.coverage.missing_agencies}
    assert cells["Cơ quan còn thiếu số liệu"] == len(incomplete)
    assert cells["Cơ quan phải báo cáo"] == cells["Cơ quan đã báo cáo đủ số liệu"] + len(
        incomplete)


def test_the_agency_sheet_is_agencies_by_indicators_with_a_breakdown(
        plan: Plan, report: Report, data: bytes) -> None:
    ws = sheet(data, "Theo cơ quan")
    results = [r for r in report.results if r.agencies]
    units = {u.agency for r in results for u in r.agencies}
    agencies = [a for a in plan.agencies if a in units]
    assert results == breakdown_results(report) and agencies == breakdown_agencies(report)
    assert len(results) >= 10 and len(agencies) > 200
    # two header rows, then one row per agency; four columns of the agency, two per indicator
    assert ws.max_row == 2 + len(agencies)
    assert ws.max_column == 4 + 2 * len(results)
    assert [ws.cell(row, 1).value for row in range(3, ws.max_row + 1)] == agencies
    for i, r in enumerate(results):
        col = 5 + 2 * i
        assert str(ws.cell(1, col).value).split("\n")[:2] == [r.id, r.indicator.name.vi]
        assert (ws.cell(2, col).value, ws.cell(2, col + 1).value) == ("Giá trị", "Kết quả")
        for unit in r.agencies:
            row = 3 + agencies.index(unit.agency)
            assert ws.cell(row, col + 1).value == STATUS_WORDS["vi"][unit.status]
            value = ws.cell(row, col)
            if isinstance(unit.value, Unknown):
                assert value.value is None
            elif r.indicator.unit == "percent":
                assert value.number_format == "0.00%"
                assert value.value == pytest.approx(float(unit.value))  # type: ignore[arg-type]
        others = set(agencies) - {u.agency for u in r.agencies}
        assert all(ws.cell(3 + agencies.index(a), col + 1).value is None for a in others)
    assert ws.auto_filter.ref == f"A2:{get_column_letter(ws.max_column)}{ws.max_row}"
    assert ws.freeze_panes == "E3"


def test_each_agency_has_its_name_kind_and_district(plan: Plan, data: bytes) -> None:
    ws = sheet(data, "Theo cơ quan")
    rows = {row[0]: row[1:4] for row in ws.iter_rows(min_row=3, max_col=4, values_only=True)}
    commune = next(a for a in plan.agencies.values() if a.kind == "commune" and a.id in rows)
    assert commune.parent is not None
    assert rows[commune.id] == (commune.name.vi, "Cấp xã", plan.agencies[commune.parent].name.vi)
    department = next(a for a in plan.agencies.values() if a.kind == "department")
    assert rows[department.id] == (department.name.vi, "Sở, ban, ngành", None)
    assert set(KIND_WORDS["vi"]) == set(KIND_WORDS["en"]) == set(AGENCY_KINDS)


def test_english(report: Report) -> None:
    data = render_xlsx(report, "en")
    ws = sheet(data, "Indicators")
    assert ws.cell(1, STATUS).value == "Status"
    words = {ws.cell(row, STATUS).value for row in range(2, ws.max_row + 1)}
    assert words == {STATUS_WORDS["en"][r.status] for r in report.results}
    summary = sheet(data, "Summary")
    assert summary.cell(1, 1).value == report.plan.title.en
    dates = [c for c in summary["B"] if isinstance(c.value, dt.datetime)]
    assert dates and all(c.number_format == "yyyy-mm-dd" for c in dates)
    with pytest.raises(engine.ArgumentError) as info:
        render_xlsx(report, "fr")
    assert [d.header() for d in info.value.diagnostics] == [
        "render_xlsx(lang=): error[E805]: unknown language 'fr'"]


def test_narrowed_to_an_agency_rows_show_its_own_results(plan: Plan) -> None:
    facts = engine.load_facts(plan, ["examples/2023/q1"], period="q1")
    report = engine.evaluate(plan, facts, period="q1", agency="muong_la")
    data = render_xlsx(report)
    ws = sheet(data, "Chỉ tiêu")
    assert ws.max_row == 1 + len(report.results)
    for row, r in enumerate(report.results, start=2):
        own = r.agencies[0] if r.agencies else None
        status = own.status if own is not None else r.status
        assert ws.cell(row, STATUS).value == STATUS_WORDS["vi"][status]
    matrix = sheet(data, "Theo cơ quan")
    assert [matrix.cell(row, 1).value for row in range(3, matrix.max_row + 1)] == ["muong_la"]
    cells = {c.value for c in sheet(data, "Tổng hợp")["B"]}
    assert "Huyện Mường La (muong_la)" in cells


def test_values_of_every_type() -> None:
    plan = engine.load_plan("tests/data/plans/minimal.yaml")
    report = engine.evaluate(plan, {"snv": {"received": 10, "on_time": 10},
                                    "stp": {"plan_issued": True}}, period="year")
    ws = sheet(render_xlsx(report), "Chỉ tiêu")
    by_id = {ws.cell(row, ID).value: row for row in range(2, ws.max_row + 1)}
    plans = by_id["procedures.plans"]
    assert ws.cell(plans, VALUE).value is None  # snv did not say: unknown, an empty cell
    assert ws.cell(plans, TARGET).value == "Có"
    assert ws.cell(plans, DEADLINE).value == dt.datetime(2023, 1, 10)
    assert ws.cell(plans, DEADLINE).number_format == "dd/mm/yyyy"
    report = engine.evaluate(plan, {"snv": {"received": 10, "on_time": 10, "plan_issued": True},
                                    "stp": {"plan_issued": True}}, period="year")
    ws = sheet(render_xlsx(report), "Chỉ tiêu")
    assert ws.cell(by_id["procedures.plans"], VALUE).value == "Có"


def test_target_words() -> None:
    plan = engine.load_plan("plans/2023.yaml")
    report = engine.evaluate(plan, {}, period="q1")
    words = {r.id: target_words(r) for r in report.results}
    assert words["procedures.on_time"] == "> 99%"
    assert words["procedures.electronic_transfer"] == "≥ 80%"
    assert words["procedures.tracked_online"] == "= 100%"
    assert words["overall.papi_improved"] == "> papi_score_2022"
    assert words["overall.par_index_group"] == 'value in ["A", "B"]'
    several = next(r for r in report.results if "\n" in r.indicator.target.text.strip())
    assert "\n" not in target_words(several)
    assert target_words(report.result("implementation.agency_plans_issued"), "en") == "yes"


def test_names_that_start_like_formulas_stay_text(hostile: Report) -> None:
    data = render_xlsx(hostile)
    book = open_workbook(data)
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" for c in texts)
    starts = [c for c in texts if str(c.value).startswith(("=", "+", "-", "@"))]
    assert {c.value for c in starts} >= {"=cmd|' /C calc'!A0", "+SUM(1)", "@xa hai",
                                         '=HYPERLINK("http://x")', "-Xã đúng hạn"}
    assert all(c.quotePrefix for c in starts)  # Excel's apostrophe: stays text when edited
    # no cell holds a formula, in the XML itself
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml


def test_control_characters_are_written_out(hostile: Report) -> None:
    book = open_workbook(render_xlsx(hostile))
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "Kế hoạch\\x1b[2J CCHC 2023"
    matrix = book["Theo cơ quan"]
    names = [matrix.cell(row, 2).value for row in range(3, matrix.max_row + 1)]
    assert "Huyện\\x1b]0;pwned\\x07 A" in names
    indicators = book["Chỉ tiêu"]
    assert indicators.cell(2, NAME).value == "Hồ sơ đúng hạn\\u202e\\nhai dòng"
    # the header of the agency sheet keeps its own line breaks, not the name's
    assert matrix.cell(1, 5).value == ("procedures.on_time\nHồ sơ đúng hạn\\u202e\\nhai dòng\n"
                                       "(gồm cả đơn vị trực thuộc)")
    every = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not any(ch in text for text in every for ch in "\x1b\x07\u202e")


def test_a_text_longer_than_a_cell_is_cut_with_an_ellipsis() -> None:
    assert text_value("a" * (MAX_CELL_CHARS + 5)) == "a" * (MAX_CELL_CHARS - 1) + "…"
    assert text_value("a" * MAX_CELL_CHARS) == "a" * MAX_CELL_CHARS


def test_sheet_names_fit_excel() -> None:
    for names in SHEET_NAMES.values():
        assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names.values())
