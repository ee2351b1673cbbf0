"""Facts given in memory (a portal form, a test): `facts_from_data` and `evaluate(plan, {...})`
check them exactly as fact files are checked, with the same codes and messages, each problem
located at `facts["agency"]["fact"]`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from engine.diagnostics import Diagnostic, FactsError
from engine.facts import Facts, facts_from_data, load_facts
from engine.model import Plan
from engine.report import SimpleFacts, evaluate
from engine.values import Value


def refused(plan: Plan, data: object, period: str = "q1") -> list[Diagnostic]:
    with pytest.raises(FactsError) as info:
        facts_from_data(plan, data, period=period)
    return list(info.value.diagnostics)


def only(plan: Plan, data: object, period: str = "q1") -> Diagnostic:
    (d,) = refused(plan, data, period)
    return d


def test_values_of_every_kind_are_read(plan: Plan) -> None:
    facts = facts_from_data(plan, {
        "snv": {"received": 120, "on_time": "118", "satisfaction": Decimal("0.95"),
                "plan_issued": False, "issued_on": dt.date(2023, 1, 9), "rating": "Khá"},
        "stp": {"received": None, "on_time": ""},
        "h_a": {"received": Fraction(40), "on_time": 40},
        "x_a1": {},
    }, period="q1")
    assert isinstance(facts, Facts)
    assert (facts.plan, facts.period) == ("test-plan", "q1")
    assert facts.values == {
        "snv": {"received": 120, "on_time": 118, "satisfaction": Fraction(19, 20),
                "plan_issued": False, "issued_on": dt.date(2023, 1, 9), "rating": "Khá"},
        "h_a": {"received": 40, "on_time": 40},
    }
    assert type(facts.get("h_a", "received")) is int  # Fraction(40) is the int 40
    assert not facts.is_reported("stp", "received")   # None and "" are "not reported"
    assert facts.origins == {}


def test_texts_are_read_as_in_fact_files(plan: Plan) -> None:
    facts = facts_from_data(plan, {"snv": {"satisfaction": "95%", "plan_issued": "có",
                                           "issued_on": "09/01/2023", "received": " 1200 "}},
                            period="q1")
    assert facts.for_agency("snv") == {"received": 1200, "satisfaction": Fraction(19, 20),
                                       "plan_issued": True, "issued_on": dt.date(2023, 1, 9)}
    d = only(plan, {"snv": {"received": "1.200"}})
    assert (d.code, d.file) == ("E641", 'facts["snv"]["received"]')
    assert "ambiguous" in d.message


def test_rows_are_read_like_the_rows_of_a_csv_file(plan: Plan) -> None:
    rows = [{"agency": "snv", "fact": "received", "value": 12},
            {"agency": "stp", "fact": "received", "value": "7", "note": "ignored"}]
    facts = facts_from_data(plan, rows, period="q1")
    assert facts.values == {"snv": {"received": 12}, "stp": {"received": 7}}
    twice = refused(plan, [*rows, {"agency": "snv", "fact": "received", "value": 13}])
    assert [(d.code, d.file) for d in twice] == [("E634", 'facts[2]["value"]')]
    assert "here and at facts[0][\"value\"]" in twice[0].message
    d = only(plan, [{"agency": "snv", "value": 1}])
    assert (d.code, d.file) == ("E615", "facts[0]")


# -- every misuse the issue lists ----------------------------------------------------------------


def test_a_float_is_refused_with_what_to_pass_instead(plan: Plan) -> None:
    d = only(plan, {"snv": {"satisfaction": 0.91}})
    assert d.header() == ('facts["snv"]["satisfaction"]: error[E640]: \'0.91\' for '
                          "'satisfaction' is a float, which is not exact")
    assert d.help == "pass Fraction('0.91'), Decimal('0.91') or the string '0.91'"


def test_a_text_that_is_not_a_number_is_refused_as_in_a_file(plan: Plan, write: object,
                                                              tmp_path: Path) -> None:
    d = only(plan, {"snv": {"received": "many"}})
    assert d.header() == ('facts["snv"]["received"]: error[E640]: expected a whole number '
                          ">= 0 for 'received', found 'many'")
    path = tmp_path / "snv.yaml"
    path.write_text("plan: test-plan\nperiod: q1\nagencies:\n  snv:\n    received: many\n",
                    encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(plan, path)
    (in_file,) = info.value.diagnostics
    assert (in_file.code, in_file.message, in_file.help) == (d.code, d.message, d.help)


def test_an_unknown_agency_is_refused_with_a_suggestion(plan: Plan) -> None:
    d = only(plan, {"snv2": {"received": 1}})
    assert d.header() == "facts[\"snv2\"]: error[E630]: unknown agency 'snv2'"
    assert d.help == "did you mean 'snv'?"
    # an agency written with nothing under it is checked too
    assert only(plan, {"snv2": {}}).code == "E630"


def test_an_unknown_fact_is_refused_with_a_suggestion(plan: Plan) -> None:
    d = only(plan, {"snv": {"recieved": 1}})
    assert d.header() == "facts[\"snv\"][\"recieved\"]: error[E631]: unknown fact 'recieved'"
    assert d.help == "did you mean 'received'?"


@pytest.mark.parametrize(("value", "code", "message"), [
    (True, "E640", "expected a whole number >= 0 for 'received', found 'True' (bool)"),
    (-10, "E643", "a count cannot be negative: '-10' for 'received'"),
    (Fraction(5, 2), "E643", "a count is a whole number: '2.5' for 'received'"),
    (Fraction(1, 3), "E643", "a count is a whole number: '1/3' for 'received'"),
    (Decimal("NaN"), "E640", "expected a whole number >= 0 for 'received', found "
                             "'Decimal('NaN')' (Decimal)"),
])
def test_a_count_is_a_whole_number_not_a_boolean_and_not_negative(
        plan: Plan, value: object, code: str, message: str) -> None:
    d = only(plan, {"snv": {"received": value}})
    assert (d.code, d.message, d.file) == (code, message, 'facts["snv"]["received"]')


@pytest.mark.parametrize(("fact", "value", "code"), [
    ("satisfaction", Fraction(3, 2), "E645"),
    ("satisfaction", Fraction(-1, 2), "E644"),
    ("satisfaction", Fraction(4, 3), "E644"),
    ("satisfaction", 95, "E645"),
    ("plan_issued", 1, "E646"),
    ("issued_on", dt.datetime(2023, 1, 9, 8, 30), "E647"),
    ("issued_on", "2023-02-30", "E648"),
    ("rating", "kha", "E649"),
    ("rating", 3, "E649"),
    ("received", [1, 2], "E640"),
])
def test_values_of_the_wrong_kind_are_refused(plan: Plan, fact: str, value: object,
                                              code: str) -> None:
    d = only(plan, {"snv": {fact: value}})
    assert (d.code, d.file) == (code, f'facts["snv"]["{fact}"]')


def test_a_fact_the_agency_does_not_report_or_not_in_this_period(plan: Plan) -> None:
    d = only(plan, {"stp": {"satisfaction": Fraction(1, 2)}})
    assert d.header() == "facts[\"stp\"][\"satisfaction\"]: error[E632]: 'stp' does not " \
                         "report 'satisfaction'"
    assert d.help == "'satisfaction' is reported only by 'snv' (Sở Nội vụ)"
    d = only(plan, {"snv": {"score": 80}})
    assert (d.code, d.help) == ("E633", "'score' is reported in: year")
    # ... unless the caller keeps the facts of several periods in one mapping
    facts = facts_from_data(plan, {"snv": {"score": 80, "received": 1}}, period="q1",
                            other_periods=True)
    assert facts.for_agency("snv") == {"received": 1}


@pytest.mark.parametrize("data", [[1, 2], "snv", 42, {"snv": [1]}, {"snv": {1: 2}}])
def test_what_is_not_a_mapping_is_refused(plan: Plan, data: object) -> None:
    d = refused(plan, data)[0]
    assert d.code == "E610"


def test_an_unknown_period_is_refused_with_a_suggestion(plan: Plan) -> None:
    d = only(plan, {}, period="q11")
    assert d.header() == "period: error[E620]: unknown period 'q11'"
    assert d.help == "did you mean 'q1'?"


def test_every_problem_is_reported_at_once(plan: Plan) -> None:
    found = refused(plan, {"snv": {"received": 0.5, "on_time": "x"}, "zz": {"received": 1}})
    assert [(d.code, d.file) for d in found] == [
        ("E640", 'facts["snv"]["on_time"]'),
        ("E640", 'facts["snv"]["received"]'),
        ("E630", 'facts["zz"]'),
    ]


# -- evaluate() checks a mapping the same way ----------------------------------------------------


@pytest.mark.parametrize(("data", "code", "where"), [
    ({"snv": {"dossiers_received": 0.91}}, "E640", 'facts["snv"]["dossiers_received"]'),
    ({"snv": {"dossiers_received": "lots"}}, "E640", 'facts["snv"]["dossiers_received"]'),
    ({"snvv": {"dossiers_received": 1}}, "E630", 'facts["snvv"]'),
    ({"snv": {"dossiers_recieved": 1}}, "E631", 'facts["snv"]["dossiers_recieved"]'),
    ({"snv": {"dossiers_received": True}}, "E640", 'facts["snv"]["dossiers_received"]'),
    ({"snv": {"dossiers_received": -10}}, "E643", 'facts["snv"]["dossiers_received"]'),
])
def test_evaluate_refuses_a_mapping_with_a_wrong_value(plan2023: Plan, data: dict[str, object],
                                                       code: str, where: str) -> None:
    with pytest.raises(FactsError) as info:
        evaluate(plan2023, data, period="q1")  # type: ignore[arg-type]
    (d,) = info.value.diagnostics
    assert (d.code, d.file) == (code, where)
    assert d.header().startswith(f"{where}: error[{code}]: ")


def test_evaluate_reads_a_checked_mapping_and_simple_facts_alike(plan2023: Plan) -> None:
    data: dict[str, dict[str, Value]] = {"snv": {"dossiers_received": 100,
                                                 "dossiers_on_time": "99"}}
    by_mapping = evaluate(plan2023, data, period="q1").result("procedures.on_time")
    by_simple = evaluate(plan2023, SimpleFacts("q1", data),
                         period="q1").result("procedures.on_time")
    assert by_mapping.inputs["snv"] == {"dossiers_received": 100, "dossiers_on_time": 99}
    assert by_simple.inputs == by_mapping.inputs
    with pytest.raises(FactsError):
        evaluate(plan2023, SimpleFacts("q1", {"snv": {"dossiers_received": 0.5}}),  # type: ignore[dict-item]
                 period="q1")
