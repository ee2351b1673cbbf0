"""engine.render: reports as text (table, Markdown, CSV, JSON, explanations).

The report rendered here is the small one of ``tests/data/report`` (a plan of four indicators
over five agencies, with its q1 facts); its renderings are pinned whole by the goldens
``tests/golden/evaluate/small-q1-*``, short enough to review. The 2023 examples are pinned by
``tests/cli/test_evaluate_cli.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import unicodedata
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.escape import visible
from engine.model import Label
from engine.render import (
    MIN_WIDTH,
    STATUS_WORDS,
    display_value,
    fit,
    render_csv,
    render_explain,
    render_json,
    render_markdown,
    render_table,
    width,
)
from engine.report import Report
from engine.values import Reason, Unknown

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "report"
AS_OF = dt.date(2023, 3, 14)
#: the statuses of the small report's indicators, in plan order
STATUSES = {"procedures.on_time": "met", "procedures.apologies": "not_applicable",
            "procedures.feedback": "unknown", "implementation.plans": "not_applicable"}


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(DATA / "plan.yaml")


@pytest.fixture(scope="module")
def facts(plan: engine.Plan) -> engine.Facts:
    return engine.load_facts(plan, [DATA / "q1.yaml"])


@pytest.fixture(scope="module")
def report(plan: engine.Plan, facts: engine.Facts) -> Report:
    return engine.evaluate(plan, facts, period="q1", as_of=AS_OF)


@pytest.fixture(scope="module")
def narrowed(plan: engine.Plan, facts: engine.Facts) -> Report:
    return engine.evaluate(plan, facts, period="q1", as_of=AS_OF, agency="huyen_a")


# -- the small report, whole --------------------------------------------------------------------

def test_small_report_has_one_indicator_of_each_kind(report: Report) -> None:
    assert {r.id: r.status for r in report.results} == STATUSES


@pytest.mark.parametrize("fmt,lang", [("table", "vi"), ("table", "en"), ("markdown", "vi"),
                                      ("csv", "vi"), ("json", "vi")])
def test_small_report_golden(golden: object, report: Report, fmt: str, lang: str) -> None:
    if fmt == "table":
        out = render_table(report, lang)
    elif fmt == "markdown":
        out = render_markdown(report, lang)
    else:
        out = render_csv(report) if fmt == "csv" else render_json(report)
    ext = {"table": "txt", "markdown": "md", "csv": "csv", "json": "json"}[fmt]
    golden(f"evaluate/small-q1-{fmt}-{lang}.{ext}", out)  # type: ignore[operator]


def test_json_is_the_report_dict_and_follows_the_schema(report: Report) -> None:
    import jsonschema

    data = json.loads(render_json(report))
    assert data == report.to_dict()
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


# -- display_value and width --------------------------------------------------------------------

@pytest.mark.parametrize("value,unit,shown", [
    (Fraction(199, 200), "percent", "99.5%"),
    (Fraction(1, 3), "percent", "33.33%"),
    (Fraction(1, 800), "percent", "0.13%"),        # 0.125% rounds half away from zero
    (Fraction(-1, 800), "percent", "-0.13%"),
    (1, "percent", "100%"),
    (0, "percent", "0%"),
    (Fraction(1, 3), "count", "0.3333"),           # a fraction that is not a percentage
    (Fraction(2, 3), "ratio", "0.6667"),
    (Fraction(5, 2), "count", "2.5"),
    (612, "count", "612"),
    (True, "percent", "true"),                     # a boolean is never a share
    (False, "bool", "false"),
    ("B", "category", "B"),                        # text as is, not quoted
    (dt.date(2023, 1, 9), "date", "2023-01-09"),
])
def test_display_value(value: object, unit: str, shown: str) -> None:
    assert display_value(value, unit) == shown  # type: ignore[arg-type]


@pytest.mark.parametrize("unit", ["percent", "count", "bool"])
def test_unknown_value_shows_as_a_question_mark(unit: str) -> None:
    assert display_value(Unknown(frozenset({Reason("missing", "x", "snv")})), unit) == "?"
    assert display_value(Unknown(frozenset()), unit) == "?"


def test_width_counts_cells_not_code_points() -> None:
    assert width("Tổng") == 4
    assert width(unicodedata.normalize("NFD", "Tổng")) == 4  # "ô" + two combining marks
    assert width("x\u0301") == 1                             # a mark with nothing to compose
    assert width("") == 0


VIETNAMESE = st.text(alphabet="aăâeêioôơuưyđ AĐ-:%0123456789" "\u0300\u0301\u0303\u0309\u0323",
                     max_size=60)


@given(VIETNAMESE)
def test_width_does_not_depend_on_normalisation(text: str) -> None:
    assert width(unicodedata.normalize("NFD", text)) == width(unicodedata.normalize("NFC", text))


@given(VIETNAMESE, st.integers(min_value=1, max_value=40))
def test_fit_fills_exactly_its_cells(text: str, size: int) -> None:
    """The law the table's alignment rests on: a cell is ``size`` columns, cut or padded."""
    cell = fit(text, size)
    assert width(cell) == size
    if width(text) <= size:
        assert cell.rstrip(" ") == text.rstrip(" ")
    else:
        assert cell.rstrip(" ").endswith("…")


# -- table --------------------------------------------------------------------------------------

def _rows(table: str) -> list[str]:
    """The first line of each row (a row's name goes on under it indented by two more)."""
    return [line for line in table.splitlines()
            if line.startswith("  ") and not line.startswith("    ")]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("columns", [60, 80, 100, 120])
def test_table_rows_align_their_status_column(report: Report, lang: str, columns: int) -> None:
    rows = _rows(render_table(report, lang, width=columns))
    assert [row.split(":", 1)[0].strip() for row in rows] == [
        i.split(".", 1)[1] for i in STATUSES]
    starts = {width(row[: row.index(STATUS_WORDS[lang][status])])
              for row, status in zip(rows, STATUSES.values(), strict=True)}
    assert len(starts) == 1, rows


def test_table_says_why_in_its_notes(report: Report) -> None:
    rows = dict(zip(STATUSES, _rows(render_table(report, "en", width=200)), strict=True))
    assert rows["procedures.on_time"].endswith("1 below target: District A")  # names, not ids
    assert rows["procedures.apologies"].endswith(
        "the rule for missing facts applied to 1 fact from 1 agency")
    assert rows["procedures.feedback"].endswith("missing 2 facts from 1 agency")
    assert rows["implementation.plans"].endswith("plan_issued is not reported in this period")
    assert render_table(report, "en").endswith(
        "Summary: met 1, not met 0, pending 0, unknown 1, not applicable 2 (Total 4)\n")


def test_colour_only_adds_escape_codes(report: Report) -> None:
    coloured = render_table(report, "vi", colour=True)
    assert "\x1b[32mĐạt\x1b[0m" in coloured and "\x1b[35mThiếu số liệu\x1b[0m" in coloured
    assert re.sub(r"\x1b\[\d+m", "", coloured) == render_table(report, "vi")


def test_table_narrowed_to_an_agency_shows_its_own_results(narrowed: Report) -> None:
    table = render_table(narrowed, "vi", width=200)
    assert table.splitlines()[2] == "Cơ quan: Huyện A"  # by name; the id is for JSON and CSV
    rows = _rows(table)
    assert len(rows) == 3  # implementation.plans is not measured over huyen_a
    assert "98,33%" in rows[0] and "Không đạt" in rows[0]
    assert rows[0].endswith("gồm cả 1 đơn vị trực thuộc")
    assert rows[2].endswith("thiếu 2 số liệu của 1 cơ quan")
    # The summary counts the statuses the rows show, not those of the whole province.
    assert table.endswith("Tổng hợp: Đạt 0, Không đạt 1, Chưa đến hạn 0, Thiếu số liệu 1, "
                          "Không áp dụng 1 (Tổng 3)\n")


#: Names as a plan may hold them: Vietnamese with precomposed or combining tone marks, wide
#: East Asian characters, words longer than any column, runs of spaces, control characters.
NAMES = st.text(alphabet="aăâeêioôơuưyđ AĐ-:%0123456789" "\u0300\u0301\u0303\u0309\u0323"
                "中文ｗ\x1b\t\u202e", max_size=200)


@given(st.lists(NAMES, min_size=5, max_size=5),
       st.integers(min_value=MIN_WIDTH, max_value=250), st.sampled_from(["vi", "en"]),
       st.booleans())
def test_table_never_prints_a_line_wider_than_its_width(
        report: Report, names: list[str], columns: int, lang: str, narrow_title: bool) -> None:
    """Whatever the names (of the plan, its areas and indicators) and the width (from
    :data:`MIN_WIDTH` on), every line fits, and no name is cut: its words are shown whole or
    broken across lines."""
    plan = report.plan
    title, *indicator_names = names
    renamed = dataclasses.replace(report, plan=dataclasses.replace(
        plan, title=Label(title, title)) if narrow_title else plan, results=tuple(
        dataclasses.replace(r, indicator=dataclasses.replace(
            r.indicator, name=Label(n, n))) for r, n in zip(report.results, indicator_names,
                                                             strict=True)))
    table = render_table(renamed, lang, width=columns)
    assert max(width(line) for line in table.splitlines()) <= columns
    shown = Counter(re.sub(r"\s+", "", table))  # nothing cut: every letter of every name shown
    assert not Counter(re.sub(r"\s+", "", "".join(map(visible, indicator_names)))) - shown


@pytest.mark.parametrize("lang,shown", [("vi", ["99,5%", "1.234", "1.234.567,5"]),
                                        ("en", ["99.5%", "1,234", "1,234,567.5"])])
def test_numbers_are_written_the_way_of_the_language(lang: str, shown: list[str]) -> None:
    assert [display_value(Fraction(995, 1000), "percent", lang),
            display_value(1234, "count", lang),
            display_value(Fraction(2469135, 2), "count", lang)] == shown
    # without a language (for tools), plainly
    assert display_value(1234, "count") == "1234"


def test_table_wraps_long_names_instead_of_cutting_them(report: Report) -> None:
    long = "Tỷ lệ hồ sơ giải quyết thủ tục hành chính đúng hạn và trước hạn của cấp xã"
    first = report.results[0]
    renamed = dataclasses.replace(report, results=(dataclasses.replace(
        first, indicator=dataclasses.replace(first.indicator, name=Label(long))),))
    table = render_table(renamed, "vi", width=60)
    assert "…" not in table
    assert table.splitlines()[4:10] == [
        "Cải cách thủ tục hành chính (procedures)",
        "  on_time: Tỷ lệ hồ sơ giải quyết    99,5%  value > 99%  Đạt",
        "    thủ tục hành chính đúng hạn và",
        "    trước hạn của cấp xã",
        "    → 1 chưa đạt: Huyện A",
        "",
    ]


# -- Markdown and CSV ---------------------------------------------------------------------------

def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_markdown_tables_are_well_formed(report: Report) -> None:
    lines = render_markdown(report, "en").splitlines()
    assert lines[0] == "# Small reform plan 2023"
    tables: list[list[str]] = []
    for i, line in enumerate(lines):
        if line.startswith("|"):
            if not lines[i - 1].startswith("|"):
                tables.append([])
            tables[-1].append(line)
    assert len(tables) == 3  # the summary and one per area
    for table in tables:
        assert len({len(_cells(row)) for row in table}) == 1, table
        assert set("".join(_cells(table[1]))) <= set("-:")
    summary = dict(_cells(row) for row in tables[0][2:])
    assert summary == {"met": "1", "not met": "0", "pending": "0", "unknown": "1",
                       "not applicable": "2", "**Total**": "**4**"}
    ids = [_cells(row)[0] for table in tables[1:] for row in table[2:]]
    assert ids == [f"`{i}`" for i in STATUSES]


def test_markdown_escapes_pipes_and_line_breaks_in_names(report: Report) -> None:
    from dataclasses import replace

    from engine.model import Label

    on_time = report.results[0]
    odd = replace(on_time, indicator=replace(on_time.indicator,
                                             name=Label("đúng hạn | trước hạn\nhoặc trễ")))
    text = render_markdown(replace(report, results=(odd,)), "vi")
    row = next(line for line in text.splitlines() if "procedures.on_time" in line)
    assert _cells(row)[:2] == ["`procedures.on_time`", "đúng hạn \\| trước hạn hoặc trễ"]
    assert len(_cells(row)) == 6


def test_csv_has_one_row_per_indicator(report: Report) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert rows[0] == ["id", "area", "status", "value", "target", "deadline", "missing",
                       "treated", "coverage_expected", "coverage_reported", "name_vi"]
    data = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert {d["id"]: d["status"] for d in data} == STATUSES
    on_time, apologies, feedback, plans = data
    assert on_time["value"] == "0.995"   # the exact value, not the percentage shown to people
    assert apologies["value"] == "" and apologies["treated"] == "1"
    assert feedback["missing"] == "2" and feedback["coverage_reported"] == "3"
    assert plans["coverage_expected"] == "0"


# -- explain ------------------------------------------------------------------------------------

def test_explain_shows_the_terms_of_a_ratio_and_where_facts_came_from(
        report: Report, facts: engine.Facts) -> None:
    text = render_explain(report.result("procedures.on_time"), "vi", where=facts.where)
    lines = text.splitlines()
    assert lines[:2] == ["procedures.on_time: Trên 99% hồ sơ đúng hạn", "  kết quả: Đạt"]
    # numbers the Vietnamese way: a dot between thousands, a decimal comma
    assert "    sum(on_time) = 995" in lines and "    sum(received) = 1.000" in lines
    assert "        = 0,995 (99,5%)" in lines
    assert "  đã báo cáo: 4/4 cơ quan" in lines
    place = next(line for line in lines if line.startswith("      on_time = 245"))
    assert place.endswith("q1.yaml:8:37)")  # huyen_a's line, the column of its value
    assert lines[-4:] == ["  theo đơn vị:", "    Sở Nội vụ: 100% -> Đạt",
                          "    Sở Tư pháp: 100% -> Đạt",
                          "    Huyện A (+1 đơn vị trực thuộc): 98,33% -> Không đạt"]
    english = render_explain(report.result("procedures.on_time"), "en").splitlines()
    assert "    sum(received) = 1,000" in english and "        = 0.995 (99.5%)" in english
    assert english[-4:] == ["  breakdown:", "    Home Affairs: 100% -> met",
                            "    Justice: 100% -> met",
                            "    District A (+1 below): 98.33% -> not met"]


def test_explain_names_agencies_and_communes_with_their_district(report: Report) -> None:
    """Names, never ids, in every line of explain: inputs, breakdown, coverage, rules, reasons."""
    lines = render_explain(report.result("procedures.feedback"), "vi").splitlines()
    assert "  lý do: Xã A1 (Huyện A) chưa báo cáo feedback" in lines
    assert "  đã báo cáo: 3/4 cơ quan; chưa báo cáo: Xã A1 (Huyện A)" in lines
    inputs = lines[lines.index("  số liệu đầu vào:") + 1 : lines.index("  theo đơn vị:")]
    assert [line.strip() for line in inputs if line.endswith(":")] == [
        "Sở Nội vụ:", "Sở Tư pháp:", "Huyện A:"]
    text = "\n".join(render_explain(report.result(i), lang) for i in report.plan.indicators
                     for lang in ("vi", "en"))
    for agency in ("snv", "stp", "huyen_a", "xa_a1"):
        assert re.search(rf"\b{agency}\b", text) is None, agency


def test_explain_for_an_agency_keeps_its_unit(report: Report) -> None:
    lines = render_explain(report.result("procedures.on_time"), "en",
                           agency="xa_a1").splitlines()
    assert lines[1:3] == ["  status: not met",
                          "  agency District A, with 1 agency below it: 98.33% -> not met"]
    assert "  coverage: 2 of 2 agencies reported" in lines
    inputs = lines[lines.index("  inputs:") + 1 : lines.index("  breakdown:")]
    assert [line.strip() for line in inputs if line.endswith(":")] == [
        "District A:", "Commune A1 (District A):"]
    assert lines[-1] == "    District A (+1 below): 98.33% -> not met"
    vi = render_explain(report.result("procedures.on_time"), "vi", agency="xa_a1").splitlines()
    assert vi[1:3] == ["  kết quả: Không đạt",
                       "  cơ quan Huyện A, gồm 1 đơn vị trực thuộc: 98,33% -> Không đạt"]


def test_explain_says_why_a_result_is_not_decided(report: Report) -> None:
    apologies = render_explain(report.result("procedures.apologies")).splitlines()
    assert "  điều kiện áp dụng: sum(coalesce(late, 0)) > 0 -> sai" in apologies
    assert "        = chưa biết" in apologies
    assert ("  chưa báo cáo, xử lý theo quy tắc của kế hoạch: late của Xã A1 (Huyện A) -> "
            "coalesce(late, 0)" in apologies)
    english = render_explain(report.result("procedures.apologies"), "en").splitlines()
    assert "  applicable: sum(coalesce(late, 0)) > 0 -> false" in english
    assert ("  not reported, decided by the plan's rule: late of Commune A1 (District A) -> "
            "coalesce(late, 0)" in english)
    feedback = render_explain(report.result("procedures.feedback"), "en").splitlines()
    assert "  because: feedback of Commune A1 (District A) was not reported" in feedback
    assert ("  coverage: 3 of 4 agencies reported; not reported: Commune A1 (District A)"
            in feedback)
    plans = render_explain(report.result("implementation.plans"), "en").splitlines()
    assert plans[-1] == "  because: plan_issued is not reported in this period"
    assert "  breakdown:" not in plans
    assert render_explain(report.result("implementation.plans")).splitlines()[-1] == \
        "  lý do: plan_issued không báo cáo trong kỳ này"
