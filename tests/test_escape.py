"""CSV written by cchc cannot be taken for formulas by a spreadsheet (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.escape import csv_cell
from engine.render import render_csv
from engine.template import template

DATA = Path(__file__).resolve().parent / "data" / "report"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_a_cell_never_starts_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = csv_cell(text)
    if cell.startswith(DANGEROUS):
        float(cell)  # only a plain number may start with + or -
    assert cell in (text, "'" + text)


def test_numbers_stay_numbers() -> None:
    assert [csv_cell(x) for x in ("-12", "+3.5", "-1e3", "0.99")] == ["-12", "+3.5", "-1e3",
                                                                          "0.99"]
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@SUM(A1)") == "'@SUM(A1)"


def _hostile_plan() -> engine.Plan:
    text = (DATA / "plan.yaml").read_text("utf-8")
    text = text.replace("name: {vi: Trên 99% hồ sơ đúng hạn",
                        "name: {vi: '=HYPERLINK(\"http://evil\";\"x\")'")
    text = text.replace("label: {vi: Số hồ sơ tiếp nhận}", "label: {vi: '@SUM(1+1)'}")
    return engine.loads_plan(text, "hostile.yaml")


def test_report_and_template_csv_neutralise_formula_cells() -> None:
    plan = _hostile_plan()
    facts = engine.load_facts(plan, [DATA / "q1.yaml"])
    report = engine.evaluate(plan, facts, period="q1")
    for text in (render_csv(report), template(plan, "q1", "snv", "csv")):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not any(c.startswith(("=", "@")) for c in cells), cells
        assert any(c.startswith("'=HYPERLINK") or c == "'@SUM(1+1)" for c in cells)


def test_a_line_break_in_the_title_or_a_period_name_adds_no_heading() -> None:
    from engine.render import render_markdown

    text = (DATA / "plan.yaml").read_text("utf-8")
    text = text.replace("title: {vi: Kế hoạch CCHC nhỏ năm 2023,",
                        'title: {vi: "Kế hoạch\\n# Đã đạt hết",')
    text = text.replace("q1: {name: {vi: Quý I,", 'q1: {name: {vi: "Quý I\\n## Giả",')
    plan = engine.loads_plan(text, "hostile.yaml")
    report = engine.evaluate(plan, engine.load_facts(plan, [DATA / "q1.yaml"]), period="q1")
    lines = render_markdown(report, "vi").splitlines()
    assert lines[0] == "# Kế hoạch # Đã đạt hết"
    assert not any(line.startswith(("# Đã", "## Giả")) for line in lines)
