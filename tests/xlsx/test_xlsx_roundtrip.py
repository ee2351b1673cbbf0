"""Excel fact sheets round trip: templates written, filled the way Excel stores what an officer
types, read back; the evaluation is exactly the one of the YAML facts, boundaries included."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.model import Plan
from engine.xlsx_template import FIRST_FACT_ROW, VALUE_COLUMN, template_workbook, template_workbooks
from engine.xlsxsrc import excel_decimal
from tests.xlsx.books import fill, save_formula_value

ROOT = Path(__file__).resolve().parents[2]


def as_excel_stores(value: object, words: bool) -> object:
    """A fact's value as Excel stores it once typed: a number as a binary float (a share as its
    fraction, 99% as 0.99), a date as a date, yes/no as the list's word or as TRUE/FALSE."""
    if isinstance(value, bool):
        return ("Có" if value else "Không") if words else value
    if isinstance(value, Fraction):
        return float(value)
    return value


def _report(plan: Plan, facts: engine.Facts, period: str) -> dict[str, Any]:
    data = engine.evaluate(plan, facts, period=period).to_dict()
    data.pop("files", None)  # where the facts came from, if a report ever says it
    return data


def test_every_q1_template_filled_with_the_examples_evaluates_like_the_yaml(
        plan2023: Plan, tmp_path: Path) -> None:
    yaml_facts = engine.load_facts(plan2023, ROOT / "examples" / "2023" / "q1")
    books = template_workbooks(plan2023, "q1")
    assert len(books) == 242 and set(books) == {
        a for a in plan2023.agencies
        if any("q1" in f.periods and a in f.reporters for f in plan2023.facts.values())}
    for i, (agency, book) in enumerate(books.items()):
        values = {f: as_excel_stores(v, words=i % 2 == 0)
                  for f, v in yaml_facts.for_agency(agency).items()}
        (tmp_path / f"{agency}.xlsx").write_bytes(fill(book, values))
    xlsx_facts = engine.load_facts(plan2023, tmp_path)
    assert xlsx_facts == yaml_facts
    assert xlsx_facts.files == tuple(str(tmp_path / f"{a}.xlsx") for a in sorted(books))
    assert _report(plan2023, xlsx_facts, "q1") == _report(plan2023, yaml_facts, "q1")
    row = FIRST_FACT_ROW + [f for f in plan2023.facts.values()
                            if "q1" in f.periods and "snv" in f.reporters
                            ].index(plan2023.facts["training_plan_courses"])
    assert xlsx_facts.where("snv", "training_plan_courses") == \
        f"{tmp_path / 'snv.xlsx'}:Số liệu!D{row}"


def test_prefilled_templates_are_read_back_as_written(plan2023: Plan, tmp_path: Path) -> None:
    yaml_facts = engine.load_facts(plan2023, ROOT / "examples" / "2023" / "q1")
    for agency in ("snv", "tt_phvhc", "mai_son_chieng_ban", "sgddt"):
        book = template_workbook(plan2023, "q1", agency, values=yaml_facts.for_agency(agency))
        (tmp_path / f"{agency}.xlsx").write_bytes(book)
    facts = engine.load_facts(plan2023, tmp_path)
    for agency in ("snv", "tt_phvhc", "mai_son_chieng_ban", "sgddt"):
        assert facts.for_agency(agency) == yaml_facts.for_agency(agency)


# --- boundaries ---------------------------------------------------------------------------------

BOUNDARY_PLAN = """\
cchc: 1
id: boundary
year: 2023
title: {vi: Ranh giới}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
periods:
  q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}
facts:
  high: {type: share, unit: percent, label: {vi: Tỷ lệ cao}, reported_by: snv}
  low: {type: share, unit: percent, label: {vi: Tỷ lệ thấp}, reported_by: snv}
  tenths: {type: number, unit: point, label: {vi: Điểm}, reported_by: snv}
areas:
  a:
    name: {vi: Ranh giới}
    lead: snv
    indicators:
      high:
        name: {vi: Từ 99% trở lên}
        unit: percent
        owner: snv
        scope: snv
        value: high
        target: value >= 99%
      low:
        name: {vi: Không quá 30%}
        unit: percent
        owner: snv
        scope: snv
        value: low
        target: value <= 30%
      tenths:
        name: {vi: "Đạt 0,3 điểm"}
        unit: number
        owner: snv
        scope: snv
        value: tenths
        target: value >= 0.3
"""


@pytest.fixture(scope="module")
def boundary() -> Plan:
    return engine.loads_plan(BOUNDARY_PLAN, "boundary.yaml")


def test_boundary_values_as_excel_stores_them_decide_as_in_yaml(boundary: Plan,
                                                                tmp_path: Path) -> None:
    yaml_path = tmp_path / "snv.yaml"
    yaml_path.write_text("plan: boundary\nperiod: q1\nagencies:\n  snv:\n    high: 99%\n"
                         "    low: 30%\n    tenths: 0.3\n", encoding="utf-8")
    book = fill(template_workbook(boundary, "q1", "snv"),
                {"high": 0.99, "low": 0.3, "tenths": "=0.1+0.2"})
    # the cached value Excel saves for =0.1+0.2 is the float 0.30000000000000004
    book = save_formula_value(book, "0.1+0.2", "0.30000000000000004")
    xlsx_path = tmp_path / "xlsx" / "snv.xlsx"
    xlsx_path.parent.mkdir()
    xlsx_path.write_bytes(book)
    from_yaml = engine.load_facts(boundary, yaml_path)
    from_xlsx = engine.load_facts(boundary, xlsx_path)
    assert from_xlsx == from_yaml
    assert from_xlsx.for_agency("snv") == {"high": Fraction(99, 100), "low": Fraction(3, 10),
                                           "tenths": Fraction(3, 10)}
    statuses = {r.id: r.status for r in engine.evaluate(boundary, from_xlsx, period="q1").results}
    assert statuses == {"a.high": "met", "a.low": "met", "a.tenths": "met"}
    assert _report(boundary, from_xlsx, "q1") == _report(boundary, from_yaml, "q1")


# --- numbers: what a cell shows is what is read -------------------------------------------------

def test_a_float_reads_back_as_the_decimal_excel_shows() -> None:
    assert excel_decimal(0.995) == Decimal("0.995")
    assert excel_decimal(0.1 + 0.2) == Decimal("0.3")
    assert excel_decimal(0.99499999999999999556) == Decimal("0.995")
    assert excel_decimal(1 / 3) == Decimal("0.333333333333333")  # 15 digits, as Excel shows
    assert excel_decimal(123456789012345678.0) == Decimal("123456789012346000")
    assert excel_decimal(float("nan")) is None and excel_decimal(float("inf")) is None


decimals = st.builds(
    lambda digits, exponent, negative: Decimal(f"{'-' if negative else ''}{digits}E{exponent}"),
    st.integers(1, 10**15 - 1), st.integers(-30, 10), st.booleans())


@given(decimals)
def test_a_decimal_of_at_most_15_digits_survives_a_float(d: Decimal) -> None:
    assert excel_decimal(float(d)) == d


@pytest.fixture(scope="module")
def year_book(plan: Plan) -> bytes:
    return template_workbook(plan, "year", "snv")


@settings(max_examples=20, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.builds(lambda digits, exponent, negative: Decimal(
    f"{'-' if negative else ''}{digits}E{exponent}"),
    st.integers(0, 10**15 - 1), st.integers(-15, 8), st.booleans()))
def test_a_number_written_to_a_cell_as_a_float_reads_back_exactly(
        plan: Plan, year_book: bytes, d: Decimal) -> None:
    # 'score' is a number of the year; written by openpyxl as a binary float, as Excel does
    wb = openpyxl.load_workbook(io.BytesIO(year_book))
    ws = wb.worksheets[0]
    row = next(r for r in range(FIRST_FACT_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "score")
    ws.cell(row, VALUE_COLUMN).value = float(d)
    out = io.BytesIO()
    wb.save(out)
    from engine.diagnostics import Collector
    from engine.fact_files import FactFile, read_xlsx
    from engine.xlsxsrc import read_sheet

    collector = Collector()
    sheet = read_sheet("snv.xlsx", out.getvalue(), collector)
    assert sheet is not None and not collector.diagnostics
    f = FactFile("snv.xlsx", sheet.source)
    read_xlsx(f, sheet, collector)
    [entry] = [e for e in f.entries if e.fact == "score"]
    assert entry.value is not None and Fraction(Decimal(str(entry.value))) == Fraction(d)
    facts = engine.facts.facts_from_data(plan, {"snv": {"score": entry.value}}, period="year")
    assert facts.get("snv", "score") == Fraction(d)


def test_dates_and_shares_in_their_cells(plan: Plan, tmp_path: Path) -> None:
    book = fill(template_workbook(plan, "q1", "snv"),
                {"satisfaction": 0.935, "issued_on": dt.date(2023, 1, 9),
                 "plan_issued": "Có", "rating": "Trung bình", "received": 1200})
    path = tmp_path / "snv.xlsx"
    path.write_bytes(book)
    facts = engine.load_facts(plan, path)
    assert facts.for_agency("snv") == {
        "received": 1200, "satisfaction": Fraction(187, 200), "plan_issued": True,
        "issued_on": dt.date(2023, 1, 9), "rating": "Trung bình"}
