"""Plan test cases: loading (with located errors), running, the shipped 2023 cases, and
`cchc test`."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import engine
from cli import main
from engine.cases import Case, CaseError, load_cases, run_case, run_cases, same_value
from engine.report import STATUSES

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "plans" / "tests" / "2023"
DATA = ROOT / "tests" / "data" / "cases"


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


@pytest.fixture(scope="module")
def shipped(plan: engine.Plan) -> tuple[Case, ...]:
    return load_cases(SHIPPED, plan)


def write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(err: pytest.ExceptionInfo[CaseError]) -> list[str]:
    return [d.code for d in err.value.diagnostics]


# -- the shipped cases -------------------------------------------------------------------------


def test_the_shipped_cases_pass(shipped: tuple[Case, ...]) -> None:
    assert len(shipped) >= 50
    results = run_cases(shipped)
    failed = [f"{r.case.where}: {r.case.name}" for r in results if not r.passed]
    assert failed == []
    # every case checks something, and the statuses checked are of every kind
    assert all(r.checks for r in results)
    assert {c.status for r in results for c in r.checks} == set(STATUSES)


def test_the_shipped_cases_cover_every_indicator_of_the_plan(plan: engine.Plan) -> None:
    # Read the case files as plain YAML, independently of the case loader.
    expected: set[str] = set()
    for path in sorted(SHIPPED.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            expected |= set(case["expect"])
    assert sorted(set(plan.indicators) - expected) == []
    assert sorted(expected - set(plan.indicators)) == []


def _finds(cases: tuple[Case, ...], indicator: str, status: str, value: object) -> list[Case]:
    return [c for c in cases for e in c.expect
            if e.indicator == indicator and e.status == status and e.value == value]


@pytest.mark.parametrize(("indicator", "status", "value"), [
    # "trên 99%": exactly 99% on time is not met
    ("procedures.on_time", "not_met", Fraction(99, 100)),
    # "từ 90% trở lên": exactly 90% disbursement is met
    ("public_finance.investment_disbursement", "met", Fraction(9, 10)),
    # "trên 30%": exactly 30% inspection coverage is not met
    ("direction.inspection_coverage", "not_met", Fraction(3, 10)),
    ("direction.inspection_coverage", "met", Fraction(13, 40)),
    # "trên 80%" with exactly 80% handled, "tối thiểu 90%" satisfaction; the 25% time cut binds
    # each selected procedure, so one of two cut by less is not met
    ("public_finance.audit_recommendations_handled", "not_met", Fraction(8, 10)),
    ("apparatus.satisfaction_admin", "met", Fraction(9, 10)),
    ("procedures.time_cut", "not_met", Fraction(1, 2)),
])
def test_the_shipped_cases_pin_the_boundaries_of_the_wording(
        shipped: tuple[Case, ...], indicator: str, status: str, value: Fraction) -> None:
    found = _finds(shipped, indicator, status, value)
    assert found, f"no shipped case expects {indicator} {status} at {value}"
    for case in found:
        result = run_case(case)
        check = next(c for c in result.checks if c.expectation.indicator == indicator)
        assert (check.status, check.value) == (status, value)


def test_exactly_30_percent_is_not_more_than_30_percent() -> None:
    # The cases name their own plan (ten agencies), relative to the case file.
    cases = load_cases(DATA / "thirty.yaml")
    assert [c.plan.id for c in cases] == ["ten-2023", "ten-2023"]
    assert cases[0].plan is cases[1].plan  # loaded once
    results = run_cases(cases)
    assert [(c.status, c.value) for r in results for c in r.checks] == [
        ("not_met", Fraction(3, 10)), ("met", Fraction(2, 5)), ("not_met", False)]
    assert all(r.passed for r in results)


# -- loading -----------------------------------------------------------------------------------


MINI = """\
- name: small
  period: q1
  {extra}
  expect:
    procedures.on_time: met
"""


def test_defaults_fill_in_for_every_reporter_without_a_value(tmp_path: Path,
                                                            plan: engine.Plan) -> None:
    path = write(tmp_path, """\
- name: defaults
  period: q1
  defaults: {dossiers_received: 100, dossiers_on_time: 99}
  facts:
    snv: {dossiers_on_time: 100}
    stp: {dossiers_received: ~}
  expect:
    procedures.on_time: met
""")
    (case,) = load_cases(path, plan)
    receiving = plan.facts["dossiers_received"].reporters
    assert len(receiving) == 236
    assert case.facts["snv"] == {"dossiers_received": 100, "dossiers_on_time": 100}
    # an empty value is "not reported", and takes no default
    assert case.facts["stp"] == {"dossiers_on_time": 99}
    assert all(case.facts[a] == {"dossiers_received": 100, "dossiers_on_time": 99}
               for a in receiving if a not in ("snv", "stp"))
    # agencies that do not report the fact get no default
    assert "ubnd_tinh" not in case.facts and "cong_an" not in case.facts
    assert case.explicit == {("snv", "dossiers_on_time"), ("stp", "dossiers_received")}
    assert case.origins[("snv", "dossiers_on_time")] == f"{path}:5:29"
    assert case.origins[("snv", "dossiers_received")] == f"{path}:3:33"


@pytest.mark.parametrize("empty", ['""', "''", '"  "', "~", "null", ""])
def test_an_empty_value_is_not_reported_in_a_case_as_in_a_fact_file(
        tmp_path: Path, plan: engine.Plan, empty: str) -> None:
    # The same empty value, in a case file and in a fact file: both read "not reported" (a
    # quoted "" was an E640 error in a case file and "not reported" in a fact file).
    path = write(tmp_path, f"""\
- name: empty
  period: q1
  defaults: {{dossiers_received: 100}}
  facts:
    snv: {{dossiers_received: {empty}, dossiers_on_time: 90}}
  expect:
    procedures.on_time: met
""")
    (case,) = load_cases(path, plan)
    assert case.facts["snv"] == {"dossiers_on_time": 90}
    assert ("snv", "dossiers_received") in case.explicit
    facts_file = tmp_path / "snv.yaml"
    facts_file.write_text(f"plan: {plan.id}\nperiod: q1\nagencies:\n  snv:\n"
                          f"    dossiers_received: {empty}\n    dossiers_on_time: 90\n",
                          encoding="utf-8")
    facts = engine.load_facts(plan, facts_file)
    assert facts.for_agency("snv") == {"dossiers_on_time": 90}
    assert not facts.is_reported("snv", "dossiers_received")


def test_a_case_words_fact_problems_as_a_fact_file_does(tmp_path: Path,
                                                        plan: engine.Plan) -> None:
    body = "    snv: {sipas_index: 95%, dossiers_on_tme: 1}\n    tp_son_la: {sipas_index: 1}\n"
    case = write(tmp_path, "- name: x\n  period: q1\n  facts:\n" + body
                 + "  expect:\n    procedures.on_time: met\n")
    facts_file = tmp_path / "f.yaml"
    facts_file.write_text(f"plan: {plan.id}\nperiod: q1\nagencies:\n" + body,
                          encoding="utf-8")
    with pytest.raises(CaseError) as in_case:
        load_cases(case, plan)
    with pytest.raises(engine.FactsError) as in_facts:
        engine.load_facts(plan, facts_file)
    def said(e: engine.EngineError) -> list[tuple[str, str, str | None, int, int]]:
        return [(d.code, d.message, d.help, d.location[1], d.location[2])
                for d in e.diagnostics]
    assert said(in_case.value) == said(in_facts.value)
    assert [d.code for d in in_case.value.diagnostics] == ["E633", "E631", "E632"]


def test_as_of_defaults_to_the_due_date_of_the_period(tmp_path: Path,
                                                      plan: engine.Plan) -> None:
    (case,) = load_cases(write(tmp_path, MINI.format(extra="")), plan)
    assert case.as_of == dt.date(2023, 3, 14)
    (case,) = load_cases(write(tmp_path, MINI.format(extra="as_of: 2023-02-01")), plan)
    assert case.as_of == dt.date(2023, 2, 1)
    assert (case.period, case.line, case.name) == ("q1", 1, "small")


@pytest.mark.parametrize(("written", "value"), [
    ("99%", Fraction(99, 100)), ("0.99", Fraction(99, 100)), ("99/100", Fraction(99, 100)),
    ("1", 1), ("100%", 1),
])
def test_expected_numbers_are_exact_whatever_their_form(tmp_path: Path, plan: engine.Plan,
                                                       written: str, value: object) -> None:
    text = MINI.format(extra="").replace("procedures.on_time: met",
                                         f"procedures.on_time: {{value: {written}}}")
    (case,) = load_cases(write(tmp_path, text), plan)
    assert case.expect[0].value == value and case.expect[0].status is None


def test_expected_values_of_other_types(tmp_path: Path) -> None:
    plan = engine.load_plan(DATA / "plan" / "ten.yaml")
    path = write(tmp_path, """\
- name: typed values
  period: year
  facts:
    s01: {group: B, issued_on: 09/01/2023}
  expect:
    direction.group: {status: met, value: B}
    direction.issued: {status: met, value: 2023-01-09}
- name: a quoted category is the same category
  period: year
  facts:
    s01: {group: B}
  expect:
    direction.group: {value: '"B"'}
""")
    cases = load_cases(path, plan)
    assert [e.value for c in cases for e in c.expect] == ["B", dt.date(2023, 1, 9), "B"]
    assert all(r.passed for r in run_cases(cases))


def test_values_compare_exactly_and_by_type() -> None:
    assert same_value(Fraction(99, 100), Fraction(99, 100))
    assert not same_value(Fraction(99, 100), Fraction(991, 1000))
    assert not same_value(True, 1) and not same_value(1, True)
    assert not same_value(0, engine.Unknown(frozenset()))
    assert same_value(dt.date(2023, 1, 9), dt.date(2023, 1, 9))


def test_a_case_needs_a_plan(tmp_path: Path) -> None:
    with pytest.raises(CaseError) as err:
        load_cases(write(tmp_path, MINI.format(extra="")))
    assert codes(err) == ["E715"]
    assert err.value.diagnostics[0].location[1:3] == (1, 3)


def test_a_case_file_must_be_a_list_of_cases(tmp_path: Path, plan: engine.Plan) -> None:
    with pytest.raises(CaseError) as err:
        load_cases(write(tmp_path, "name: x\nperiod: q1\n"), plan)
    assert codes(err) == ["E710"]
    with pytest.raises(CaseError) as err:
        load_cases(write(tmp_path, "[]\n"), plan)
    assert codes(err) == ["E713"]
    with pytest.raises(CaseError) as err:
        load_cases(write(tmp_path, "- name: [unclosed\n"), plan)
    assert codes(err) == ["E701"]


def test_paths_files_and_folders(tmp_path: Path, plan: engine.Plan) -> None:
    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    write(tmp_path / "sub", MINI.format(extra=""), "b.yml")
    write(tmp_path, MINI.format(extra="").replace("small", "first"), "a.yaml")
    write(tmp_path / "sub" / ".hidden", "not: a case\n", "c.yaml")
    write(tmp_path, "ignored", "notes.txt")
    cases = load_cases(tmp_path, plan)
    assert [c.name for c in cases] == ["first", "small"]  # recursive, in name order
    # the same file twice is read once
    assert len(load_cases([tmp_path / "a.yaml", str(tmp_path / "a.yaml")], plan)) == 1
    (tmp_path / "empty").mkdir()
    with pytest.raises(CaseError) as err:
        load_cases([tmp_path / "missing.yaml", tmp_path / "empty"], plan)
    assert codes(err) == ["E700", "E700"]
    with pytest.raises(CaseError) as err:
        load_cases([], plan)
    assert codes(err) == ["E700"]


def test_every_mistake_is_reported_at_its_place(plan: engine.Plan,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(CaseError) as err:
        load_cases("tests/data/cases/errors.yaml", plan)
    found = codes(err)
    for code in ("E620", "E630", "E631", "E632", "E633", "E641", "E643", "E645", "E646",
                 "E648", "E710", "E711", "E712", "E713", "E714", "E715", "E716", "E720",
                 "E721", "E722"):
        assert code in found
    assert all(d.span is not None for d in err.value.diagnostics)


# -- running -----------------------------------------------------------------------------------


def test_a_failing_case_says_what_was_expected_and_what_came(tmp_path: Path,
                                                            plan: engine.Plan) -> None:
    path = write(tmp_path, """\
- name: wrong
  period: year
  facts:
    skhdt: {investment_plan_capital: 100, investment_disbursed: 90}
  expect:
    public_finance.investment_disbursement: {status: not_met, value: 90%}
    public_finance.property_rearrangement_approved: unknown
""")
    (result,) = run_cases(load_cases(path, plan))
    assert not result.passed
    (check,) = result.failures
    assert (check.status, check.value) == ("met", Fraction(9, 10))
    assert not check.status_ok and check.value_ok
    assert result.checks[1].passed
    assert "target: value >= 90% -> true" in result.explanation(check.expectation.indicator)
    data = result.to_dict()
    assert data["checks"][0] == {
        "indicator": "public_finance.investment_disbursement", "passed": False,
        "expected": {"status": "not_met", "value": 0.9},
        "actual": {"status": "met", "value": 0.9}}


def test_explanations_over_large_scopes_list_only_the_agencies_the_case_names(
        tmp_path: Path, plan: engine.Plan) -> None:
    path = write(tmp_path, """\
- name: big
  period: q1
  defaults: {dossiers_received: 100, dossiers_on_time: 99}
  facts:
    snv: {dossiers_on_time: 98}
  expect:
    procedures.on_time: met
""")
    (result,) = run_cases(load_cases(path, plan))
    text = result.explanation("procedures.on_time")
    assert "    snv:\n" in text and "    stp:\n" not in text
    assert "    … and 235 more agencies (all with the case's defaults)\n  breakdown:" in text


# -- the command -------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_runs_the_shipped_cases(monkeypatch: pytest.MonkeyPatch,
                                    shipped: tuple[Case, ...]) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("test", "plans/2023.yaml", "plans/tests/2023/")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1] == f"{len(shipped)} passed, 0 failed"
    assert all(re.match(r"PASS plans/tests/2023/\w+\.yaml:\d+: \S", line) for line in lines[:-1])
    assert len(lines) == len(shipped) + 1


def test_cli_golden_for_wrong_cases(monkeypatch: pytest.MonkeyPatch, golden: object) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("test", "plans/2023.yaml", "tests/data/cases/wrong.yaml")
    assert (code, err) == (1, "")
    golden("cases/wrong.txt", out)  # type: ignore[operator]
    code, out, _ = run("test", "plans/2023.yaml", "tests/data/cases/wrong.yaml", "--lang", "en")
    assert code == 1 and "status: met (met)" in out
    code, out, _ = run("test", "plans/2023.yaml", "tests/data/cases/wrong.yaml",
                       "--format", "json")
    data = json.loads(out)
    assert code == 1 and (data["passed"], data["failed"]) == (1, 2)
    assert [c["passed"] for c in data["cases"]] == [False, True, False]


def test_cli_golden_for_located_errors(monkeypatch: pytest.MonkeyPatch, golden: object) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("test", "--lang", "en", "plans/2023.yaml", "tests/data/cases/errors.yaml")
    assert (code, out) == (2, "")
    golden("cases/errors.txt", err)  # type: ignore[operator]


def test_cli_exits_2_on_an_invalid_plan_or_missing_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("test", "tests/data/diff/invalid.yaml", "plans/tests/2023/")
    assert (code, out) == (2, "") and "error[E420]" in err
    code, out, err = run("test", "plans/2023.yaml", "tests/data/cases/nothing-here.yaml")
    assert (code, out) == (2, "") and "error[E700]" in err
    code, _, _ = run("test", "plans/2023.yaml")
    assert code == 2  # usage: CASES are required


def test_the_example_of_the_documentation_is_a_passing_case_file(tmp_path: Path,
                                                                 plan: engine.Plan) -> None:
    text = (ROOT / "docs" / "adopting.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.S | re.M)
    assert len(blocks) == 1
    cases = load_cases(write(tmp_path, blocks[0]), plan)
    assert len(cases) == 2
    assert all(r.passed for r in run_cases(cases))


def test_a_case_evaluates_what_it_checks_and_what_that_references(tmp_path: Path,
                                                                  plan: engine.Plan) -> None:
    # Results do not depend on the indicators a case leaves out ...
    shipped = load_cases(SHIPPED, plan)
    for case in shipped[::9]:
        full = engine.evaluate(plan, case.facts, period=case.period, as_of=case.as_of)
        for check in run_case(case).checks:
            r = full.result(check.expectation.indicator)
            assert (check.status, check.value) == (r.status, r.value), case.name
    # ... but an indicator that references another gets it evaluated too.
    text = (DATA / "plan" / "ten.yaml").read_text(encoding="utf-8") + """\
      on_time_gap:
        name: {vi: Tỷ lệ hồ sơ trễ hạn}
        unit: percent
        owner: s01
        scope: s01
        value: 1 - direction.on_time
        target: value < 1%
"""
    ten = engine.load_plan(write(tmp_path, text, "plan.yaml"))
    (case,) = load_cases(write(tmp_path, """\
- name: the gap needs the on-time rate
  period: q1
  defaults: {dossiers_received: 100, dossiers_on_time: 99}
  expect:
    direction.on_time_gap: {status: not_met, value: 1%}
"""), ten)
    result = run_case(case)
    assert result.passed
    assert [r.id for r in result.report.results] == ["direction.on_time", "direction.on_time_gap"]


def test_a_case_file_that_is_not_utf8_is_pointed_at_its_first_bad_byte(
        tmp_path: Path, plan: engine.Plan) -> None:
    path = tmp_path / "tcvn3.yaml"
    path.write_bytes(b"- name: Ti\xeau ch\xed\n  period: q1\n")
    with pytest.raises(CaseError) as err:
        load_cases(path, plan)
    [d] = err.value.diagnostics
    assert (d.code, d.message) == ("E706", "the file is not UTF-8 text (byte 0xEA)")
    assert d.location[1:3] == (1, 11)
    assert "save the file as UTF-8" in (d.help or "")
