"""Fact templates (`engine.template`), tested directly: what a template lists, for whom, how its
keys are written, and that a filled template loads back with `load_facts`."""

from __future__ import annotations

import csv
import dataclasses
import io
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from engine.diagnostics import FactsError
from engine.facts import load_facts
from engine.i18n import use
from engine.loader import load_plan
from engine.model import Agency, FactDef, Label, Plan, frozen
from engine.template import CSV_TEMPLATE_COLUMNS, fact_hint, template, template_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(ROOT / "tests" / "data" / "plans" / "minimal.yaml")


def test_rows_list_each_reporting_agency_with_its_facts_of_the_period(plan: Plan) -> None:
    rows = template_rows(plan, "q1")
    assert [(a, [f.id for f in facts]) for a, facts in rows] == [
        ("snv", ["received", "on_time"]), ("stp", ["received", "on_time"]),
        ("huyen_a", ["received", "on_time"]), ("xa_a1", ["received", "on_time"])]
    # plan_issued is a year fact of the departments only
    assert [f.id for f in dict(template_rows(plan, "year"))["snv"]] == \
        ["received", "on_time", "plan_issued"]
    # an agency that reports nothing is listed only when asked for
    assert "tinh" not in dict(rows)
    assert template_rows(plan, "q1", "tinh") == [("tinh", [])]


def test_ids_are_compared_in_nfc_and_without_surrounding_spaces(plan: Plan) -> None:
    assert template_rows(plan, " q1 ", " snv") == template_rows(plan, "q1", "snv")


def test_an_unknown_period_or_agency_is_refused_in_the_order_of_the_options(plan: Plan) -> None:
    with pytest.raises(FactsError) as info:
        template(plan, "q2", "snvv")
    assert [(d.code, d.file) for d in info.value.diagnostics] == [
        ("E620", "--period"), ("E630", "--agency")]
    assert info.value.diagnostics[1].help == "did you mean 'snv'?"
    with pytest.raises(ValueError, match="unknown template format 'xlsx'"):
        template(plan, "q1", fmt="xlsx")  # type: ignore[arg-type]


def test_the_yaml_template_is_valid_yaml_with_every_value_empty(plan: Plan) -> None:
    text = template(plan, "year", "snv")
    data = yaml.safe_load(text)
    assert data == {"plan": "mini-2023", "period": "year",
                    "agencies": {"snv": {"received": None, "on_time": None,
                                         "plan_issued": None}}}
    assert "    plan_issued:  # " in text and "[true/false (có/không)]" in text


def test_the_csv_template_has_one_row_per_fact(plan: Plan) -> None:
    rows = list(csv.reader(io.StringIO(template(plan, "q1", "huyen_a", "csv"))))
    assert tuple(rows[0]) == CSV_TEMPLATE_COLUMNS
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:]] == [
        ("q1", "huyen_a", "received", ""), ("q1", "huyen_a", "on_time", "")]


def test_a_template_with_nothing_to_report_still_names_its_period(plan: Plan) -> None:
    rows = list(csv.reader(io.StringIO(template(plan, "q1", "tinh", "csv"))))
    assert len(rows) == 2 and rows[1][0] == "q1" and rows[1][1:3] == ["", ""]
    assert yaml.safe_load(template(plan, "q1", "tinh"))["agencies"] == {"tinh": {}}


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_a_filled_template_loads_back(plan: Plan, tmp_path: Path, fmt: str) -> None:
    text = template(plan, "q1", "snv", fmt)  # type: ignore[arg-type]
    if fmt == "yaml":
        text = text.replace("    received:", "    received: 12", 1)
    else:
        text = text.replace("snv,received,Số hồ sơ tiếp nhận,,", "snv,received,x,12,", 1)
    path = tmp_path / f"snv.{fmt}"
    path.write_text(text, encoding="utf-8")
    facts = load_facts(plan, path)
    assert (facts.period, facts.values) == ("q1", {"snv": {"received": 12}})


def test_ids_that_yaml_would_misread_are_quoted(plan: Plan, tmp_path: Path) -> None:
    odd = {"no": Agency("no", Label("Sở Không"), "department", "tinh"),
           "2024": Agency("2024", Label("Sở Số"), "department", "tinh")}
    fact = dataclasses.replace(plan.facts["received"], reporters=("no", "2024"))
    other = dataclasses.replace(plan, agencies=frozen({**plan.agencies, **odd}),
                                facts=frozen({"received": fact}))
    text = template(other, "q1")
    assert '  "no":  # Sở Không' in text and '  "2024":  # Sở Số' in text
    path = tmp_path / "odd.yaml"
    path.write_text(text.replace("received:", "received: 3"), encoding="utf-8")
    assert load_facts(other, path).values == {"no": {"received": 3}, "2024": {"received": 3}}


@pytest.mark.parametrize(("ftype", "values", "unit", "hint"), [
    ("count", (), "dossier", "count (dossier)"),
    ("number", (), None, "number"),
    ("share", (), "percent", "share: 95% or 0.95"),
    ("bool", (), None, "true/false (có/không)"),
    ("date", (), None, "date: 2023-01-09 or 09/01/2023"),
    ("category", ("A", "B"), None, "one of: A | B"),
])
def test_each_type_has_a_hint(ftype: str, values: tuple[str, ...], unit: str | None,
                              hint: str) -> None:
    fdef = FactDef("f", ftype, Label("f"), "snv", ("snv",), ("q1",), unit,  # type: ignore[arg-type]
                   values)
    assert fact_hint(fdef) == hint


def test_share_values_read_from_a_filled_template_are_exact(tmp_path: Path) -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    text = template(plan, "year", "snv").replace("    sipas_index:", "    sipas_index: 87.5%")
    path = tmp_path / "snv.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_facts(plan, path).get("snv", "sipas_index") == Fraction(7, 8)


def test_the_comments_are_in_one_language_with_names_and_local_dates(plan: Plan) -> None:
    """Vietnamese by default (dates day first, a commune with its district), English with
    --lang en; the keys stay ids, so the filled file loads the same either way."""
    with use("vi"):
        vi = template(plan, "q1", "xa_a1").splitlines()
    assert vi == [
        "# Mẫu báo cáo số liệu: Quý I",
        "# Kế hoạch CCHC thử nghiệm năm 2023",
        "# Kỳ báo cáo 'q1': số liệu từ 15/12/2022 đến 13/03/2023, hạn gửi 14/03/2023",
        "# Điền giá trị sau dấu hai chấm; để trống nếu không báo cáo.",
        "# Số: 1200 hoặc 1200.5 (dấu chấm thập phân, không phân cách hàng nghìn); tỷ lệ: 95% "
        "hoặc 0.95;",
        "# ngày: 09/01/2023 hoặc 2023-01-09; có/không (true/false).",
        "plan: mini-2023", "period: q1", "agencies:",
        "  xa_a1:  # Xã A1 (Huyện A)",
        "    received:  # Số hồ sơ tiếp nhận [số nguyên ≥ 0 (dossier)]",
        "    on_time:   # Số hồ sơ đúng hạn [số nguyên ≥ 0 (dossier)]"]
    with use("en"):
        en = template(plan, "q1", "xa_a1").splitlines()
    assert en[:3] == ["# Fact template: Quý I", "# Test plan 2023",
                      "# Period 'q1': data from 2022-12-15 to 2023-03-13, due 2023-03-14"]
    assert en[-3:] == ["  xa_a1:  # Xã A1 (Huyện A)",  # no English name: Vietnamese
                       "    received:  # Số hồ sơ tiếp nhận [count (dossier)]",
                       "    on_time:   # Số hồ sơ đúng hạn [count (dossier)]"]
    assert yaml.safe_load("\n".join(vi)) == yaml.safe_load("\n".join(en))
