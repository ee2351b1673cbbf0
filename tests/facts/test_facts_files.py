"""Loading fact files (YAML, JSON, CSV) and every E6xx check, against a small hand-built plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

import pytest

import engine
from engine.diagnostics import Diagnostic, FactsError
from engine.facts import Facts, load_facts
from engine.model import Plan

Writer = Callable[[str, str], Path]
Fails = Callable[..., list[Diagnostic]]

GOOD_YAML = """\
plan: test-plan
period: q1
agencies:
  stp:
    received: 40
    on_time: 38
  snv:
    received: 120       # a comment
    on_time:            # left blank: not reported
    satisfaction: 95%
    plan_issued: false  # reported as not done
    issued_on: 09/01/2023
    rating: Khá
"""


def test_yaml_file_loads_into_facts(plan: Plan, write: Writer) -> None:
    facts = load_facts(plan, write("snv.yaml", GOOD_YAML))
    assert isinstance(facts, Facts)
    assert (facts.plan, facts.period) == ("test-plan", "q1")
    assert facts.values == {
        "snv": {"received": 120, "satisfaction": Fraction(19, 20), "plan_issued": False,
                "issued_on": dt.date(2023, 1, 9), "rating": "Khá"},
        "stp": {"received": 40, "on_time": 38},
    }
    # registry order, then catalogue order, whatever the order in the file
    assert list(facts.values) == ["snv", "stp"]
    assert list(facts.for_agency("snv")) == ["received", "satisfaction", "plan_issued",
                                             "issued_on", "rating"]
    assert facts.reported_agencies == ("snv", "stp")
    assert facts.count == 7
    assert next(iter(facts.items())) == ("snv", "received", 120)
    assert facts.files == (str(write("snv.yaml", GOOD_YAML)),)


def test_not_reported_differs_from_reported_as_not_done(plan: Plan, write: Writer) -> None:
    facts = load_facts(plan, write("snv.yaml", GOOD_YAML))
    assert facts.get("snv", "plan_issued") is False
    assert facts.is_reported("snv", "plan_issued")
    assert facts.get("snv", "on_time") is None          # blank
    assert not facts.is_reported("snv", "on_time")
    assert "on_time" not in facts.for_agency("snv")
    assert facts.for_agency("h_a") == {}                 # reported nothing at all
    assert ("h_a", "received") in facts.missing(plan)
    assert ("snv", "on_time") in facts.missing(plan)
    assert ("snv", "plan_issued") not in facts.missing(plan)
    assert ("snv", "score") not in facts.missing(plan)   # not a q1 fact


def test_facts_are_immutable(plan: Plan, write: Writer) -> None:
    facts = load_facts(plan, write("snv.yaml", GOOD_YAML))
    with pytest.raises(AttributeError):
        facts.period = "year"  # type: ignore[misc]
    with pytest.raises(TypeError):
        facts.values["snv"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        facts.values["snv"]["received"] = 1  # type: ignore[index]
    assert isinstance(facts.values, MappingProxyType)


def test_origins_point_at_the_value(plan: Plan, write: Writer) -> None:
    path = write("snv.yaml", GOOD_YAML)
    facts = load_facts(plan, path)
    span = facts.origin("snv", "satisfaction")
    assert span is not None and span.text == "95%"
    assert facts.where("snv", "satisfaction") == f"{path}:10:19"
    assert facts.where("snv", "on_time") is None


def test_library_exports(plan: Plan, write: Writer) -> None:
    assert engine.load_facts is load_facts and engine.Facts is Facts
    assert "load_facts" in engine.__all__ and "Facts" in engine.__all__


def test_period_argument_fills_in_and_must_agree(plan: Plan, write: Writer, fails: Fails) -> None:
    text = GOOD_YAML.replace("period: q1\n", "")
    assert load_facts(plan, write("a.yaml", text), period="q1").period == "q1"
    assert load_facts(plan, write("b.yaml", GOOD_YAML), period="q1").period == "q1"
    [d] = fails(plan, write("c.yaml", GOOD_YAML), period="year")
    assert d.code == "E622"
    assert d.message == "this file is for period 'q1', but the period given is 'year'"
    assert d.location[1:3] == (2, 9)
    [d] = fails(plan, write("d.yaml", text))
    assert d.code == "E621"
    [d] = fails(plan, write("e.yaml", GOOD_YAML), period="q2")
    assert (d.code, d.header()) == ("E620", "--period: error[E620]: unknown period 'q2'")


def test_json_reads_with_lines_and_columns(plan: Plan, write: Writer, fails: Fails) -> None:
    text = ('{\n\t"plan": "test-plan",\n\t"period": "q1",\n\t"agencies": {\n'
            '\t\t"snv": {"received": 1200, "satisfaction": "95.5%", "score": null,\n'
            '\t\t        "on_time": 1.5e3, "plan_issued": true, "issued_on": "2023-01-09"}\n'
            '\t}\n}\n')
    diagnostics = fails(plan, write("f.json", text))
    assert [(d.code, d.location[1:3]) for d in diagnostics] == [("E633", (5, 54)),
                                                                ("E640", (6, 22))]
    fixed = text.replace("1.5e3", "1500").replace('"score": null,', "")
    facts = load_facts(plan, write("g.json", fixed))
    assert facts.for_agency("snv") == {"received": 1200, "on_time": 1500,
                                       "satisfaction": Fraction(191, 200),
                                       "plan_issued": True, "issued_on": dt.date(2023, 1, 9)}


def test_json_decimal_numbers_are_exact(plan: Plan, write: Writer) -> None:
    text = '{"plan": "test-plan", "period": "year", "agencies": {"snv": {"score": 0.1}}}'
    facts = load_facts(plan, write("h.json", text))
    assert facts.get("snv", "score") == Fraction(1, 10)


# --- CSV ----------------------------------------------------------------------------------


def test_csv_long_form(plan: Plan, write: Writer) -> None:
    text = ("agency,fact,value,label,note\n"
            "snv,received,120,Số hồ sơ tiếp nhận,\n"
            "snv,on_time,,Số hồ sơ đúng hạn,not yet counted\n"
            ",,,Các chỉ tiêu khác,\n"
            "snv,rating,Trung bình,,\n"
            "snv,satisfaction,\"87,5%\"\n")
    with pytest.raises(FactsError) as info:
        load_facts(plan, write("a.csv", text), period="q1")
    [d] = info.value.diagnostics
    assert d.code == "E642"
    assert d.location[1:3] == (6, 19)
    assert d.notes == ("CSV row 6, column 3 (value)",)
    assert "\n".join(d.render().splitlines()[1:4]) == (
        "  |\n"
        '6 | snv,satisfaction,"87,5%"\n'
        "  |                   ^^^^^")
    facts = load_facts(plan, write("a.csv", text.replace('"87,5%"', "87.5%")), period="q1")
    assert facts.for_agency("snv") == {"received": 120, "satisfaction": Fraction(7, 8),
                                       "rating": "Trung bình"}


def test_csv_bom_crlf_semicolons_and_period_column(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = "\ufeffPeriod;Agency;Fact;Value\r\nq1;snv;received;1200\r\nq1;stp;on_time;\r\n"
    path.write_bytes(text.encode("utf-8"))
    facts = load_facts(plan, path)
    assert facts.period == "q1"
    assert facts.values == {"snv": {"received": 1200}}


def test_csv_quoted_cells_across_lines(plan: Plan, write: Writer, fails: Fails) -> None:
    text = ('agency,fact,value,note\n'
            'snv,received,12,"a note, with a comma\nand a second line"\n'
            'snv,on_time,-1,\n')
    [d] = fails(plan, write("q.csv", text), "q1")
    assert (d.code, d.location[1:3]) == ("E643", (4, 13))
    assert d.notes == ("CSV row 4, column 3 (value)",)


def test_csv_without_period_needs_the_argument(plan: Plan, write: Writer, fails: Fails) -> None:
    path = write("p.csv", "agency,fact,value\nsnv,received,1\n")
    [d] = fails(plan, path)
    assert d.code == "E621"
    assert d.help == "add a 'period' column or give the period (--period)"
    assert load_facts(plan, path, period="year").period == "year"


def test_csv_header_problems(plan: Plan, write: Writer, fails: Fails) -> None:
    diagnostics = fails(plan, write("h.csv", "agency,fakt,vaule,agency\n"), "q1")
    assert [(d.code, d.message, d.help) for d in diagnostics] == [
        ("E614", "the header has no 'fact' column", diagnostics[0].help),
        ("E614", "the header has no 'value' column", diagnostics[1].help),
        ("E614", "unknown column 'fakt'", "did you mean 'fact'?"),
        ("E614", "unknown column 'vaule'", "did you mean 'value'?"),
        ("E614", "column 'agency' appears twice", "keep one of the two"),
    ]
    [d] = fails(plan, write("empty.csv", ""), "q1")
    assert (d.code, d.message) == ("E614", "the CSV file has no header row")


def test_csv_row_problems(plan: Plan, write: Writer, fails: Fails) -> None:
    text = ("agency,fact,value\n"
            "snv,received,1,extra\n"
            "snv,on_time,2,,\n"      # trailing empty cells are fine
            ",received,3\n"
            "snv,,4\n"
            'snv,rating,"Khá\n')
    diagnostics = fails(plan, write("r.csv", text), "q1")
    assert [(d.code, d.location[1], d.message) for d in diagnostics] == [
        ("E615", 2, "this row has 4 cells but the header has 3"),
        ("E615", 4, "this row has no agency"),
        ("E615", 5, "this row has no fact"),
        ("E615", 6, "a quoted cell of this row is never closed"),
    ]


def test_csv_period_rows_must_agree(plan: Plan, write: Writer, fails: Fails) -> None:
    text = "period,agency,fact,value\nq1,snv,received,1\nyear,snv,on_time,2\n,snv,rating,Tốt\n"
    [d] = fails(plan, write("p.csv", text))
    assert d.code == "E622" and d.location[1] == 3
    assert d.notes == ("CSV row 3, column 1 (period)",)


# --- several files ------------------------------------------------------------------------


def test_directory_means_every_fact_file_in_it(plan: Plan, write: Writer) -> None:
    write("in/b.csv", "period,agency,fact,value\nq1,stp,received,7\n")
    write("in/a.yml", "plan: test-plan\nperiod: q1\nagencies:\n  snv: {received: 5}\n")
    write("in/c.json", '{"plan": "test-plan", "period": "q1", "agencies": {"h_a": {}}}')
    write("in/README.md", "not a fact file")
    write("in/sub/d.yaml", "this: is not read")
    path = write("in/a.yml", "plan: test-plan\nperiod: q1\nagencies:\n  snv: {received: 5}\n")
    facts = load_facts(plan, path.parent)
    assert facts.values == {"snv": {"received": 5}, "stp": {"received": 7}}
    assert [Path(f).name for f in facts.files] == ["a.yml", "b.csv", "c.json"]
    # a file named twice is read once
    assert load_facts(plan, [path.parent, path]) == facts


def test_the_same_fact_twice_names_both_places(plan: Plan, write: Writer, fails: Fails) -> None:
    a = write("a.yaml", "plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received: 5\n")
    b = write("b.csv", "period,agency,fact,value\nq1,snv,received,6\nq1,snv,received,7\n"
                       "q1,snv,on_time,\n")
    diagnostics = fails(plan, [b, a])
    assert [(d.code, d.location[0], d.location[1]) for d in diagnostics] == [
        ("E634", str(b), 2), ("E634", str(b), 3)]
    assert diagnostics[0].message == (
        f"'received' of 'snv' is reported twice: here and at {a}:5:15")
    assert diagnostics[0].notes[0] == f"first reported at {a}:5:15: 5"


def test_a_blank_never_conflicts_with_a_value(plan: Plan, write: Writer) -> None:
    a = write("a.yaml", "plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received:\n")
    b = write("b.csv", "agency,fact,value\nsnv,received,6\n")
    assert load_facts(plan, [a, b], period="q1").values == {"snv": {"received": 6}}


def test_files_must_agree_on_the_period(plan: Plan, write: Writer, fails: Fails) -> None:
    a = write("a.yaml", "plan: test-plan\nperiod: q1\nagencies: {}\n")
    b = write("b.yaml", "plan: test-plan\nperiod: year\nagencies: {}\n")
    for order in ([a, b], [b, a]):
        [d] = fails(plan, order)
        assert d.code == "E622" and d.location[0] == str(b)
        assert d.message == f"the files disagree on the period: 'year' here, 'q1' at {a}:2:9"


# --- reading files ------------------------------------------------------------------------


def test_unreadable_paths(plan: Plan, tmp_path: Path, write: Writer, fails: Fails) -> None:
    (tmp_path / "empty").mkdir()
    sheet = write("facts.numbers", "")
    diagnostics = fails(plan, [tmp_path / "nope.yaml", tmp_path / "empty", sheet], "q1")
    assert [(d.code, d.help) for d in diagnostics] == [
        ("E600", "fact files end in .yaml, .yml, .json, .csv, .xlsx, .xls or .ods"),
        ("E600", "save the sheet as an Excel Workbook (.xlsx)"),
        ("E600", "check the path"),
    ]
    [d] = fails(plan, [], "q1")
    assert (d.code, d.message) == ("E600", "no fact files given")


def test_not_utf8_points_at_the_byte(plan: Plan, tmp_path: Path, fails: Fails) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes(b"agency,fact,value\nsnv,rating,T\xf4t\n")
    [d] = fails(plan, path, "q1")
    assert d.code == "E606"
    assert d.message == "the file is not UTF-8 text (byte 0xF4)"
    assert d.location[1:3] == (2, 13)


def test_yaml_reader_problems(plan: Plan, write: Writer, fails: Fails) -> None:
    [d] = fails(plan, write("s.yaml", "plan: test-plan\nagencies:\n  snv: [\n"))
    assert d.code == "E601"
    text = "plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received: 1\n    received: 2\n"
    [d] = fails(plan, write("d.yaml", text))
    assert (d.code, d.message) == ("E602", "duplicate key 'received'")
    text = "plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received: !!python/none 1\n"
    assert [d.code for d in fails(plan, write("t.yaml", text))] == ["E604"]
    [d] = fails(plan, write("empty.yaml", "# nothing\n"))
    assert (d.code, d.message) == ("E601", "the file is empty")


def test_structure_problems(plan: Plan, write: Writer, fails: Fails) -> None:
    [d] = fails(plan, write("l.yaml", "- snv\n"), "q1")
    assert d.code == "E610"
    text = "plan: test-plan\nperiod: q1\nagency:\n  snv: {}\n"
    diagnostics = fails(plan, write("k.yaml", text))
    assert [(d.code, d.message, d.help) for d in diagnostics] == [
        ("E612", "missing key 'agencies'", "add 'agencies:' at the top level"),
        ("E611", "unknown key 'agency'", "did you mean 'agencies'?"),
    ]
    text = ("plan:\nperiod: q1\nagencies:\n  snv: [1, 2]\n  stp:\n    received: [1]\n"
            "    on_time: {a: 1}\n")
    diagnostics = fails(plan, write("m.yaml", text))
    assert [(d.code, d.location[1]) for d in diagnostics] == [
        ("E612", 1), ("E610", 4), ("E610", 6), ("E610", 7)]
    diagnostics = fails(plan, write("n.yaml", "period: q1\nagencies: [snv]\n"))
    assert [d.code for d in diagnostics] == ["E612", "E610"]
    diagnostics = fails(plan, write("o.yaml", "plan: test-plan\nperiod: q1\nagencies: [snv]\n"))
    assert [d.code for d in diagnostics] == ["E610"]


def test_empty_agencies_and_blank_agencies_are_valid(plan: Plan, write: Writer) -> None:
    for body in ("agencies:\n", "agencies: {}\n", "agencies:\n  snv:\n  stp: {}\n"):
        facts = load_facts(plan, write("e.yaml", "plan: test-plan\nperiod: q1\n" + body))
        assert facts.values == {} and facts.reported_agencies == ()


def test_wrong_plan(plan: Plan, write: Writer, fails: Fails) -> None:
    [d] = fails(plan, write("w.yaml", "plan: son-la-cchc-2023\nperiod: q1\nagencies: {}\n"))
    assert d.code == "E613"
    assert d.message == "this file is for plan 'son-la-cchc-2023', not 'test-plan'"


# --- the catalogue ------------------------------------------------------------------------


def test_catalogue_checks(plan: Plan, write: Writer, fails: Fails) -> None:
    text = """\
plan: test-plan
period: q1
agencies:
  svn:
    received: 1
  Sở Tư pháp:
    received: 2
  tinh:
    received: 3
  snv:
    recieved: 4
    score: 5
    rating: Tot
  h_a:
    rating: Tốt
"""
    diagnostics = fails(plan, write("c.yaml", text))
    assert [(d.code, d.location[1], d.message, d.help) for d in diagnostics] == [
        ("E630", 4, "unknown agency 'svn'", "did you mean 'snv'?"),
        ("E630", 6, "unknown agency 'Sở Tư pháp'", "write the agency id 'stp' (Sở Tư pháp)"),
        ("E632", 9, "'tinh' does not report 'received'",
         "'received' is reported by the agencies of 'receiving' (4 agencies)"),
        ("E631", 11, "unknown fact 'recieved'", "did you mean 'received'?"),
        ("E633", 12, "'score' is not reported in period 'q1'", "'score' is reported in: year"),
        ("E649", 13, "'Tot' is not an allowed value of 'rating' (Tốt, Khá, Trung bình, Yếu)",
         "did you mean 'Tốt'?"),
        ("E632", 15, "'h_a' does not report 'rating'",
         "'rating' is reported by the agencies of 'departments' (2 agencies)"),
    ]


def test_single_reporter_is_named(plan: Plan, write: Writer, fails: Fails) -> None:
    text = "plan: test-plan\nperiod: q1\nagencies:\n  stp:\n    satisfaction: 90%\n"
    [d] = fails(plan, write("s.yaml", text))
    assert d.help == "'satisfaction' is reported only by 'snv' (Sở Nội vụ)"


def test_ids_compared_after_nfc(plan: Plan, write: Writer) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Khá")
    text = f"plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    rating: {nfd}\n"
    assert load_facts(plan, write("n.yaml", text)).get("snv", "rating") == "Khá"


def test_every_problem_is_reported(plan: Plan, write: Writer, fails: Fails) -> None:
    text = """\
plan: test-plan
period: q1
agencies:
  snv:
    received: 1.200
    on_time: 1,5
    satisfaction: 95
    plan_issued: yes
    issued_on: 01/13/2023
    rating: Tot
"""
    codes = [d.code for d in fails(plan, write("all.yaml", text))]
    assert codes == ["E641", "E642", "E645", "E646", "E648", "E649"]


def test_quoted_values_by_type_and_empty_quotes_blank(plan: Plan, write: Writer) -> None:
    text = ('plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received: "1200"\n'
            "    on_time: ''\n    plan_issued: \"có\"\n")
    facts = load_facts(plan, write("q.yaml", text))
    assert facts.for_agency("snv") == {"received": 1200, "plan_issued": True}


def test_alias_bombs_and_non_text_keys(plan: Plan, write: Writer, fails: Fails) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    [d] = fails(plan, write("bomb.yaml", bomb), "q1")
    assert d.code == "E603"
    text = "plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    [received]: 1\n"
    [d] = fails(plan, write("k.yaml", text))
    assert d.code == "E605" and d.message.startswith("a key must be a plain text")


def test_semicolon_csv_with_decimal_commas_is_refused_cell_by_cell(
        plan: Plan, write: Writer, fails: Fails) -> None:
    text = "agency;fact;value\nsnv;satisfaction;95,5%\nsnv;received;1.200\nsnv;on_time;1150\n"
    diagnostics = fails(plan, write("vn.csv", text), "q1")
    assert [(d.code, d.location[1:3], d.help) for d in diagnostics] == [
        ("E642", (2, 18), "write 95.5% (the decimal separator is a dot)"),
        ("E641", (3, 14), "write 1200 if the dot separates thousands, or 1.2 if it is a decimal "
                          "point (no thousands separators; the decimal separator is a dot)"),
    ]


def test_not_utf8_after_a_byte_order_mark(plan: Plan, tmp_path: Path, fails: Fails) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfagency,fact,value\r\nsnv,rating,T\xf4t\r\n")
    [d] = fails(plan, path, "q1")
    assert (d.code, d.message) == ("E606", "the file is not UTF-8 text (byte 0xF4)")
    assert d.location[1:3] == (2, 13)


def test_an_unknown_agency_with_nothing_under_it_is_still_unknown(
        plan: Plan, write: Writer, fails: Fails) -> None:
    text = "plan: test-plan\nperiod: q1\nagencies:\n  svn:\n  stpp: {}\n  snv: {}\n"
    diagnostics = fails(plan, write("u.yaml", text))
    assert [(d.code, d.location[1], d.help) for d in diagnostics] == [
        ("E630", 4, "did you mean 'snv'?"), ("E630", 5, "did you mean 'stp'?")]
