"""The chase list as text, Markdown, CSV, JSON and a workbook: goldens of the small plan (stable)
and of the 2023 plan's q1 examples, the width of the table, the workbook's cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.i18n import use
from engine.model import Label, Plan
from engine.render import width
from engine.render_status import (
    CSV_COLUMNS,
    render_status_csv,
    render_status_json,
    render_status_markdown,
    render_status_table,
    render_status_xlsx,
    summary_line,
)
from engine.status import ReportingStatus, reporting_status

from .conftest import AFTER_DUE, Q1


@pytest.fixture
def status_vi(plan: Plan) -> ReportingStatus:
    """The status drawn up in Vietnamese (``engine.i18n.use("vi")``, as the command line does
    by default): the diagnostics it lists are in Vietnamese too."""
    with use("vi"):
        return reporting_status(plan, Q1, period="q1", as_of=AFTER_DUE)


@pytest.mark.parametrize(("name", "lang", "columns"), [
    ("small-table-vi-80.txt", "vi", 80), ("small-table-en-120.txt", "en", 120),
    ("small-table-vi-60.txt", "vi", 60)])
def test_small_table(golden, status: ReportingStatus, status_vi: ReportingStatus,  # type: ignore[no-untyped-def]
                     name: str, lang: str, columns: int) -> None:
    golden(f"status/{name}", render_status_table(status_vi if lang == "vi" else status, lang,
                                                 columns))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_small_markdown(golden, status: ReportingStatus, status_vi: ReportingStatus,  # type: ignore[no-untyped-def]
                        lang: str) -> None:
    golden(f"status/small-markdown-{lang}.md",
           render_status_markdown(status_vi if lang == "vi" else status, lang))


def test_small_json_and_csv(golden, status_vi: ReportingStatus) -> None:  # type: ignore[no-untyped-def]
    golden("status/small.json", render_status_json(status_vi))
    golden("status/small-vi.csv", render_status_csv(status_vi, "vi"))


@pytest.fixture(scope="module")
def examples() -> ReportingStatus:
    plan = engine.load_plan("plans/2023.yaml")
    return reporting_status(plan, "examples/2023/q1", period="q1", as_of=dt.date(2023, 3, 20))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_examples_q1(golden, examples: ReportingStatus, lang: str) -> None:  # type: ignore[no-untyped-def]
    golden(f"status/q1-table-{lang}.txt", render_status_table(examples, lang, 100))
    golden(f"status/q1-markdown-{lang}.md", render_status_markdown(examples, lang))


def test_examples_q1_json(golden, examples: ReportingStatus) -> None:  # type: ignore[no-untyped-def]
    golden("status/q1.json", render_status_json(examples))
    assert examples.summary["total"] == len(examples.agencies) == 242


@settings(max_examples=40, deadline=None)
@given(st.integers(40, 220), st.sampled_from(["vi", "en"]))
def test_every_line_fits_the_terminal(columns: int, lang: str) -> None:
    plan = engine.load_plan("tests/data/status/plan.yaml")
    status = reporting_status(plan, Q1, period="q1", as_of=AFTER_DUE)
    text = render_status_table(status, lang, columns)
    assert text.endswith("\n")
    assert max(width(line) for line in text.splitlines()) <= max(columns, 60)
    if columns >= 70:  # a name is cut before its id
        for a in status.agencies:
            assert f" ({a.agency})" in text


def test_names_from_files_are_shown_safely(plan: Plan) -> None:
    hostile = "Sở\x1b[2J Nội vụ\u202e=cmd|' /C calc'!A0"
    agencies = dict(plan.agencies)
    agencies["snv"] = replace(agencies["snv"], name=Label(hostile))
    status = reporting_status(replace(plan, agencies=agencies), Q1, period="q1",
                              as_of=AFTER_DUE)
    table = render_status_table(status, "vi", 200)
    assert "\x1b" not in table and "\u202e" not in table
    assert "Sở\\x1b[2J Nội vụ\\u202e" in table
    markdown = render_status_markdown(status)
    assert "\x1b" not in markdown and "\\|" in markdown
    rows = list(csv.reader(io.StringIO(render_status_csv(status))))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][1] == "Sở\\x1b[2J Nội vụ\\u202e=cmd|' /C calc'!A0"
    assert "\\u202e" in render_status_json(status)
    assert json.loads(render_status_json(status))["agencies"][0]["name"]["vi"] == hostile


def test_the_workbook(status: ReportingStatus) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_status_xlsx(status, "vi")))
    assert book.sheetnames == ["Tình hình báo cáo", "Lỗi và cảnh báo"]
    sheet = book["Tình hình báo cáo"]
    assert sheet["A3"].value == summary_line(status, "vi")
    assert sheet.auto_filter.ref == "A5:J14"
    assert sheet.freeze_panes == "A6"
    assert [c.value for c in sheet[5]] == ["Nhóm", "Mã", "Cơ quan", "Tình trạng", "Quá hạn",
                                           "Có giá trị không hợp lệ", "Đã điền", "Phải báo cáo",
                                           "Còn thiếu", "Tệp"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    assert [r[1] for r in rows] == [a.agency for a in status.agencies]
    assert rows[6] == ["UBND xã, phường, thị trấn thuộc UBND huyện Mai Sơn (huyen_a)", "xa_a2",
                       "Thị trấn Hát Lót", "Thiếu một phần", "Có", "Có", 1, 3,
                       "Số hồ sơ giải quyết đúng hạn", "tests/data/status/q1/huyen-a.csv"]
    problems = book["Lỗi và cảnh báo"]
    assert [[c.value for c in row][:4] for row in problems.iter_rows(min_row=2)] == [
        ["xa_a2", "tests/data/status/q1/huyen-a.csv:9:16", "E641", "lỗi"],
        [None, "tests/data/status/q1/huyen-b.yaml:13:3", "E630", "lỗi"],
        [None, "tests/data/status/q1/~$huyen-b.xlsx", "W681", "cảnh báo"],
    ]


def test_a_name_that_looks_like_a_formula_stays_text(plan: Plan) -> None:
    agencies = dict(plan.agencies)
    agencies["snv"] = replace(agencies["snv"], name=Label('=HYPERLINK("http://x","y")'))
    status = reporting_status(replace(plan, agencies=agencies), Q1, period="q1",
                              as_of=AFTER_DUE)
    sheet = openpyxl.load_workbook(io.BytesIO(render_status_xlsx(status, "en"))).active
    assert sheet is not None
    cell = sheet["C6"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")
