"""The words of a plan against its formulas: the warnings W901-W904 (engine.wording).

Every file ``tests/data/warnings/<name>.yaml`` loads, with the warnings listed in ``EXPECTED``
(code, place and the text the carets cover) and its rendering pinned by
``tests/golden/warnings/<name>.txt``. The shipped plan has the warnings of ``SHIPPED`` (none: a
correction of the plan that adds one changes this test on purpose).
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from cli import main
from engine.diagnostics import Diagnostic
from engine.loader import load_plan, loads_plan
from engine.newyear import new_year
from engine.wording import move_years, say_target, thresholds
from tests.plan.test_invalid_plans import covered as covered_text

ROOT = Path(__file__).resolve().parents[2]
WARNINGS = ROOT / "tests" / "data" / "warnings"
PLANS = sorted(p.stem for p in WARNINGS.glob("*.yaml"))

#: plan -> every warning as (code, line, col, the text the carets cover)
EXPECTED: dict[str, list[tuple[str, int, int, str]]] = {
    "w901_number": [("W901", 15, 50, "85%")],
    "w902_comparator": [
        ("W902", 18, 20, "Trên 99%"),
        ("W902", 25, 45, "không quá 1%"),  # in a quoted scalar, after escaped quotes
    ],
    "w903_year": [
        ("W903", 10, 27, "Quý I/2023"),    # a period ending in 2024
        ("W903", 12, 59, "năm 2023"),      # a fact label
        ("W903", 13, 64, "năm 2022"),      # a label that is not the year its id holds
        ("W903", 19, 41, "năm 2023"),      # the name; "so với năm 2022" is right
    ],
    "w904_date": [
        ("W904", 10, 73, "31/02/2023"),
        ("W904", 16, 70, "10/01/2023"),
    ],
}

#: The warnings of plans/2023.yaml, as (code, line, col, text covered): the name of every
#: indicator agrees with its target, and every year and date with the plan.
SHIPPED: list[tuple[str, int, int, str]] = []

def covered(diagnostic: Diagnostic) -> str:
    """The text of the source line the carets of ``diagnostic`` stand under."""
    return covered_text(diagnostic.render())


def found(plan: engine.Plan) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.location[1], d.location[2], covered(d)) for d in plan.warnings]


def test_every_plan_of_the_corpus_has_expectations() -> None:
    assert sorted(EXPECTED) == PLANS


@pytest.mark.parametrize("name", PLANS)
def test_warning_plan(name: str, monkeypatch: pytest.MonkeyPatch, golden: object) -> None:
    monkeypatch.chdir(WARNINGS)
    plan = load_plan(f"{name}.yaml")
    assert found(plan) == EXPECTED[name]
    for d in plan.warnings:
        assert d.severity == "warning" and d.location[0] == f"{name}.yaml"
        assert d.help, f"{d.header()} says nothing about what to do"
    golden(f"warnings/{name}.txt", "\n".join(d.render() for d in plan.warnings) + "\n")  # type: ignore[operator]


def test_the_corpus_covers_every_warning_code() -> None:
    from engine import wording

    documented = set(re.findall(r"``(W9\d\d)``", wording.__doc__ or ""))
    assert documented == {"W901", "W902", "W903", "W904"}
    assert documented == {code for cases in EXPECTED.values() for code, *_ in cases}


def test_every_warning_code_is_explained_in_the_docs() -> None:
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    section = page.split("## Wording (W9xx)", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^### (W9\d\d):", section, re.M)) == {"W901", "W902", "W903",
                                                                   "W904"}


def test_the_shipped_plan_has_only_the_listed_warnings() -> None:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    assert found(plan) == SHIPPED


def test_a_plan_given_as_text_warns_too_and_a_corrected_name_does_not() -> None:
    text = (WARNINGS / "w901_number.yaml").read_text(encoding="utf-8")
    warned = loads_plan(text, "w901.yaml")
    fixed = loads_plan(text.replace("từ 85%", "từ 87%"), "w901.yaml")
    assert len(warned.warnings) == 1 and fixed.warnings == ()
    assert warned.warnings[0].file is None and warned.warnings[0].location[0] == "w901.yaml"


# -- reading the words ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "op", "value"), [
    ("Chỉ số SIPAS đạt tối thiểu từ 85% trở lên", ">=", Fraction(85, 100)),
    ("TRÊN 99% hồ sơ", ">", Fraction(99, 100)),          # words in any case
    ("Tỷ lệ đạt 99,5 %", ">=", Fraction(995, 1000)),     # a decimal comma, a space before %
    ("Tỷ lệ đạt 99.5%", ">=", Fraction(995, 1000)),
    ("80% số cơ sở nhà, đất", ">=", Fraction(80, 100)),  # a bare number: reached or more
    ("không ít hơn 3%", ">=", Fraction(3, 100)),         # the longest words win
    ("ít hơn 3%", "<", Fraction(3, 100)),
    ("Không Vượt Quá 10%", "<=", Fraction(10, 100)),
    ("tối đa 5 ngày", "<=", Fraction(5)),                # a number with words, no %
    ("tối thiểu 1.000 hồ sơ", ">=", Fraction(1000)),     # dots between thousands
    ("từ 2 trở lên", ">=", Fraction(2)),
    ("Hoàn thành 100% kế hoạch", ">=", Fraction(1)),
])
def test_thresholds_are_read_the_vietnamese_way(text: str, op: str, value: Fraction) -> None:
    [said] = thresholds(unicodedata.normalize("NFC", text))
    assert (said.op, said.values) == (op, (value,))


@pytest.mark.parametrize("text", [
    "Nghị định 107/2020, 108/2020, 120/2020", "Thông tư số 343/2016/TT-BTC",
    "4 cấp chính quyền", "06 lĩnh vực cải cách", "trên địa bàn 30 xã",
    "bằng phương thức điện tử", "trước ngày 15 của tháng cuối kỳ báo cáo",
])
def test_numbers_that_are_no_threshold_are_not_read_as_one(text: str) -> None:
    assert thresholds(text) == []


def test_a_range_is_one_threshold() -> None:
    [said] = thresholds("tăng khoảng 8-10% so với năm 2022")
    assert (said.op, said.values) == ("range", (Fraction(8, 100), Fraction(10, 100)))
    [said] = thresholds("từ 8% đến 10%")
    assert said.op == "range"


def test_a_name_typed_with_separate_tone_marks_is_read_and_located(tmp_path: Path) -> None:
    # NFD, as some keyboards write Vietnamese: the carets still cover the number.
    text = (WARNINGS / "w901_number.yaml").read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", "Chỉ số SIPAS đạt tối thiểu từ 85% trở lên")
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("Chỉ số SIPAS đạt tối thiểu từ 85% trở lên", nfd),
                    encoding="utf-8")
    [d] = load_plan(path).warnings
    assert d.code == "W901" and covered(d) == "85%"
    # the name starts at column 20; columns count code points as the file has them
    assert d.location[1:3] == (15, 20 + len(unicodedata.normalize("NFD", "Chỉ số SIPAS đạt "
                                                                         "tối thiểu từ ")))


def test_a_range_target_and_a_threshold_on_the_left_are_read() -> None:
    text = (WARNINGS / "w901_number.yaml").read_text(encoding="utf-8")
    ok = text.replace("Chỉ số SIPAS đạt tối thiểu từ 85% trở lên", "Tăng khoảng 8-10%")
    assert loads_plan(ok.replace("value >= 87%", "value >= 8% and value <= 10%")).warnings == ()
    assert loads_plan(ok.replace("value >= 87%", "8% <= value")).warnings == ()
    [d] = loads_plan(ok.replace("value >= 87%", "value >= 10%")).warnings
    assert d.code == "W902" and "khoảng 8-10%" in d.message


def test_a_name_inherited_from_the_parent_says_where_to_override_it(tmp_path: Path) -> None:
    shutil.copy(WARNINGS / "w901_number.yaml", tmp_path / "parent.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("cchc: 1\nextends: parent.yaml\nid: child\nyear: 2023\n", encoding="utf-8")
    [d] = load_plan(child).warnings
    assert d.location[0].endswith("parent.yaml") and d.location[1:3] == (15, 50)
    assert d.help and d.help.endswith(f"inherited from {d.location[0]}: override it in "
                                      f"{engine.load_plan(child).path}")


# -- the property: canonical words never warn, another number always does --------------------

_OPS = (">", ">=", "<", "<=", "==")
_PLAN = """\
cchc: 1
id: prop
year: 2023
title: {{vi: Kế hoạch}}
agencies:
  snv: {{name: {{vi: Sở Nội vụ}}, kind: department}}
facts:
  rate: {{type: share, label: {{vi: Tỷ lệ}}, reported_by: snv}}
  days: {{type: number, label: {{vi: Số ngày}}, reported_by: snv}}
areas:
  a:
    name: {{vi: Lĩnh vực}}
    indicators:
      x:
        name: {{vi: "{name}"}}
        unit: {unit}
        owner: snv
        scope: snv
        value: {value}
        target: value {op} {threshold}
"""


def _plan(op: str, threshold: Fraction, percent: bool, name: str) -> engine.Plan:
    from engine.wording import formula_number

    return loads_plan(_PLAN.format(
        name=name, op=op, threshold=formula_number(threshold, percent),
        unit="percent" if percent else "days", value="rate" if percent else "days"),
        "prop.yaml")


_thresholds = st.builds(Fraction, st.integers(1, 10_000), st.sampled_from([1, 10, 100]))


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(_OPS), t=_thresholds, other=_thresholds, percent=st.booleans(),
       before=st.sampled_from(["Tỷ lệ hồ sơ", "Số ngày giải quyết", ""]),
       after=st.sampled_from(["được giải quyết đúng hạn", "so với quy định", ""]))
def test_canonical_words_agree_and_another_number_warns(
        op: str, t: Fraction, other: Fraction, percent: bool, before: str, after: str) -> None:
    if percent:
        t, other = t / 100, other / 100  # 0.01% to 100%
    name = f"{before} {say_target(op, t, percent=percent)} {after}".strip()
    assert _plan(op, t, percent, name).warnings == ()
    if other != t:
        wrong = f"{before} {say_target(op, other, percent=percent)} {after}".strip()
        [d] = _plan(op, t, percent, wrong).warnings
        assert d.code == "W901"


@settings(max_examples=40, deadline=None)
@given(said=st.sampled_from(_OPS), meant=st.sampled_from(_OPS), t=_thresholds)
def test_other_comparator_words_warn_once(said: str, meant: str, t: Fraction) -> None:
    t = t / 100
    name = f"Tỷ lệ {say_target(said, t, percent=True)} hồ sơ"
    same = said == meant or (t == 1 and {said, meant} <= {">=", "=="})
    warnings = _plan(meant, t, True, name).warnings
    assert [d.code for d in warnings] == ([] if same else ["W902"])


# -- the command line ----------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_prints_warnings_like_errors_and_exits_0(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate", "--lang", "en", "tests/data/warnings/w902_comparator.yaml")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "tests/data/warnings/w902_comparator.yaml:18:20: warning[W902]: the name of "
        "'procedures.on_time' says 'Trên 99%' (more than 99%), but its target `value >= 99%` "
        "means 99% or more\n")
    assert result.stdout == (
        "tests/data/warnings/w902_comparator.yaml: valid plan 'w902' (2023): 1 area, "
        "2 indicators, 1 agency, 0 periods, 3 facts (2 warnings)\n")


def test_validate_strict_makes_warnings_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate", "--lang", "en", "tests/data/warnings/w901_number.yaml", "--strict")
    assert result.exit_code == 2 and result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("tests/data/warnings/w901_number.yaml:15:50: error[W901]: ")
    assert "= note: a warning, made an error by --strict" in result.stderr
    clean = run("validate", "--lang", "en", "plans/2023.yaml", "--strict")
    assert clean.exit_code == 0 and clean.stderr == ""


def test_validate_json_lists_warnings_with_their_severity(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate", "tests/data/warnings/w904_date.yaml", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["valid"] is True
    assert [(d["code"], d["severity"], d["line"], d["col"]) for d in data["diagnostics"]] == [
        ("W904", "warning", 10, 73), ("W904", "warning", 16, 70)]
    strict = run("validate", "tests/data/warnings/w904_date.yaml", "--format", "json",
                 "--strict")
    assert strict.exit_code == 2
    data = json.loads(strict.stdout)
    assert {d["severity"] for d in data["diagnostics"]} == {"error"}


def test_other_commands_do_not_print_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("indicators", "tests/data/warnings/w901_number.yaml")
    assert result.exit_code == 0 and result.stderr == ""


# -- new-year ------------------------------------------------------------------------------


def test_new_year_writes_a_plan_without_wording_warnings(tmp_path: Path) -> None:
    for name in ("2023.yaml", "agencies-2023-communes.yaml"):
        shutil.copy(ROOT / "plans" / name, tmp_path / name)
    plan = load_plan(tmp_path / "2023.yaml")
    (tmp_path / "2024.yaml").write_text(new_year(plan, "2023.yaml", 2024), encoding="utf-8")
    plan_2024 = load_plan(tmp_path / "2024.yaml")
    assert plan_2024.year == 2024 and plan_2024.warnings == ()
    name = plan_2024.indicators["implementation.agency_plans_issued"].name.vi
    assert name.endswith("Kế hoạch CCHC năm 2024 chậm nhất là ngày 10/01/2024")
    assert plan_2024.facts["papi_score"].label.vi == "Điểm Chỉ số PAPI năm 2024"
    assert plan_2024.facts["papi_score_2022"].label.vi == "Điểm Chỉ số PAPI năm 2022"
    # and the year after, from the child plan
    (tmp_path / "2025.yaml").write_text(new_year(plan_2024, "2024.yaml", 2025), "utf-8")
    assert load_plan(tmp_path / "2025.yaml").warnings == ()


def test_new_year_marks_the_years_it_does_not_move(tmp_path: Path) -> None:
    text = new_year(load_plan(ROOT / "plans" / "2023.yaml"), "2023.yaml", 2024)
    lines = text.splitlines()
    at = lines.index("      domestic_revenue_growth:")
    assert lines[at + 2] == ("        # QUYẾT ĐỊNH (decide): the name keeps 'năm 2022': check the "
                             "year (a year compared with, or a date the formulas do not have)")
    assert "so với đánh giá ước thực hiện năm 2022" in lines[at + 3]


def test_move_years_keeps_the_form_of_a_date_and_leaves_what_it_cannot_tell() -> None:
    import datetime as dt

    days = {dt.date(2023, 1, 10): dt.date(2024, 1, 10), dt.date(2023, 2, 28):
            dt.date(2024, 2, 29)}
    moved = move_years("ngày 10 tháng 1 năm 2023, 28/02/2023, 2023-01-10, 31/12/2023", 2023,
                       2024, dates=days)
    assert moved.text == "ngày 10 tháng 1 năm 2024, 29/02/2024, 2024-01-10, 31/12/2023"
    assert moved.left == ("'31/12/2023'",)
    assert move_years("Q1 2023 report, 10/01/2023", 2023, 2024, dates=days,
                      english=True).text == "Q1 2024 report, 10/01/2024"


def test_new_year_moves_area_names_and_marks_what_it_leaves(tmp_path: Path) -> None:
    parent = tmp_path / "2023.yaml"
    parent.write_text((WARNINGS / "w901_number.yaml").read_text(encoding="utf-8").replace(
        "value >= 87%", "value >= 85%").replace(
        "facts:", "periods:\n  year: {name: {vi: Báo cáo năm 2023}, from: 2022-12-15, until: "
        "2023-12-13, due: 2023-12-14}\nfacts:").replace(
        "name: {vi: Mục đích}", "name: {vi: Mục đích năm 2023}").replace(
        "label: {vi: Chỉ số SIPAS của tỉnh}",
        "label: {vi: Chỉ số SIPAS của tỉnh năm 2023 so với năm 2022}"), encoding="utf-8")
    plan = load_plan(parent)
    assert plan.warnings == ()
    text = new_year(plan, "2023.yaml", 2024)
    assert "  overall:\n    name: {vi: Mục đích năm 2024}   # year moved\n" in text
    assert ("  # sipas_index: QUYẾT ĐỊNH (decide): the label keeps 'năm 2022': check the year "
            "(a year compared with, or a date the formulas do not have)\n") in text
    (tmp_path / "2024.yaml").write_text(text, encoding="utf-8")
    child = load_plan(tmp_path / "2024.yaml")
    assert child.warnings == ()
    assert child.areas["overall"].name.vi == "Mục đích năm 2024"
    assert child.facts["sipas_index"].label.vi == ("Chỉ số SIPAS của tỉnh năm 2024 so với "
                                                   "năm 2022")
