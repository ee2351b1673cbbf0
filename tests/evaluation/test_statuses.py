"""Each status rule, on a small plan, through the library (no CLI)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import engine
from engine.report import evaluate
from tests.evaluation.evalplan import SMALL_PLAN, full_facts, write_plan

Q1_DUE = dt.date(2023, 3, 14)


def status(plan: engine.Plan, facts: dict[str, dict[str, object]], iid: str, period: str = "q1",
           as_of: dt.date = Q1_DUE) -> str:
    return evaluate(plan, facts, period=period, as_of=as_of).result(iid).status


def test_all_met_when_every_fact_meets_its_target(small_plan: engine.Plan) -> None:
    report = evaluate(small_plan, full_facts(), period="year", as_of=dt.date(2023, 12, 14))
    statuses = {r.id: r.status for r in report.results}
    assert statuses == {
        "procedures.on_time": "met", "procedures.on_time_count": "met",
        "procedures.apologies": "not_applicable", "implementation.plans_issued": "met",
        "implementation.sipas": "met", "implementation.group": "met",
        "implementation.on_time_doubled": "met",
    }


def test_strictly_above_threshold_is_not_met_on_the_boundary(small_plan: engine.Plan) -> None:
    facts = full_facts()
    for a in facts:
        if "received" in facts[a]:
            facts[a].update(received=100, on_time=99)   # exactly 99% everywhere
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    assert result.value == Fraction(99, 100)
    assert result.status == "not_met"
    facts["snv"]["on_time"] = 100                         # 799 / 800 > 99%
    assert status(small_plan, facts, "procedures.on_time") == "met"


def test_ratio_is_a_ratio_of_sums_not_an_average_of_rates(small_plan: engine.Plan) -> None:
    facts = full_facts()
    facts["snv"].update(received=10, on_time=5)           # 50% on a small base
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    assert result.value == Fraction(7005, 7010)           # not (7 * 100% + 50%) / 8
    assert result.status == "met"


def test_missing_fact_is_unknown_and_listed_never_zero(small_plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h2_x1"]["on_time"]
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    assert result.status == "unknown"
    assert result.missing == (("h2_x1", "on_time"),)
    assert result.coverage.expected == 8 and result.coverage.reported == 7
    # the district that contains the commune is unknown too; the others are decided
    by_unit = {a.agency: a.status for a in result.agencies}
    assert by_unit == {"snv": "met", "stp": "met", "h1": "met", "h2": "unknown"}


def test_kleene_logic_decides_despite_missing_facts(small_plan: engine.Plan) -> None:
    facts = full_facts()
    facts["stp"]["issued"] = False                         # reported as not done
    del facts["stp"]["issued_on"]                          # date not reported: irrelevant
    assert status(small_plan, facts, "implementation.plans_issued") == "not_met"
    facts = full_facts()
    del facts["stp"]["issued"]                             # not reported at all
    del facts["stp"]["issued_on"]
    assert status(small_plan, facts, "implementation.plans_issued") == "unknown"


def test_deadline_after_as_of_is_pending_and_on_the_day_not_met(small_plan: engine.Plan) -> None:
    facts = full_facts()
    facts["h1"]["issued"] = False
    assert status(small_plan, facts, "implementation.plans_issued", as_of=dt.date(2023, 1, 9)) \
        == "pending"
    assert status(small_plan, facts, "implementation.plans_issued",
                  as_of=dt.date(2023, 1, 10)) == "not_met"


def test_nothing_to_measure_is_not_applicable(small_plan: engine.Plan) -> None:
    facts = full_facts()                                   # no late dossiers anywhere
    assert status(small_plan, facts, "procedures.apologies") == "not_applicable"
    facts["h1_x1"].update(late=2, apologised=1)
    assert status(small_plan, facts, "procedures.apologies") == "not_met"


def test_fact_not_reported_in_the_period_is_not_applicable(small_plan: engine.Plan) -> None:
    result = evaluate(small_plan, full_facts(), period="q1").result("implementation.sipas")
    assert result.status == "not_applicable"
    assert [r.kind for r in result.reasons] == ["not_measured"]


def test_category_and_reference_indicators(small_plan: engine.Plan) -> None:
    facts = full_facts()
    facts["snv"]["group"] = "C"
    report = evaluate(small_plan, facts, period="q1")
    assert report.result("implementation.group").status == "not_met"
    assert report.result("implementation.on_time_doubled").value == 1
    assert report.result("implementation.on_time_doubled").references == {
        "procedures.on_time": 1}


def test_breakdown_rolls_districts_up_with_their_communes(small_plan: engine.Plan) -> None:
    facts = full_facts()
    facts["h1_x2"].update(on_time=900)
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    h1 = next(a for a in result.agencies if a.agency == "h1")
    assert h1.members == ("h1_x1", "h1_x2")
    assert h1.value == Fraction(2900, 3000)
    assert h1.status == "not_met"


def test_area_and_agency_filters(small_plan: engine.Plan) -> None:
    report = evaluate(small_plan, full_facts(), period="q1", area="implementation")
    assert {r.indicator.area for r in report.results} == {"implementation"}
    report = evaluate(small_plan, full_facts(), period="q1", agency="h2_x1")
    assert [r.id for r in report.results] == ["procedures.on_time", "procedures.on_time_count",
                                              "procedures.apologies"]
    # narrowed to a commune, each breakdown is the commune's own result
    assert all(len(r.agencies) == 1 and r.agencies[0].agency == "h2_x1" for r in report.results)
    assert report.agency == "h2_x1"
    facts = full_facts()
    facts["h2_x1"].update(on_time=990)
    own = evaluate(small_plan, facts, period="q1", agency="h2_x1").result("procedures.on_time")
    assert own.status == "met"                     # the province as a whole is above 99%
    assert (own.agencies[0].value, own.agencies[0].status) == (Fraction(99, 100), "not_met")
    district = evaluate(small_plan, facts, period="q1", agency="h2").result("procedures.on_time")
    assert district.agencies[0].members == ("h2_x1", "h2_x2")
    assert district.agencies[0].value == Fraction(2990, 3000)


def test_report_json_contract(small_plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h2_x1"]["on_time"]
    data = evaluate(small_plan, facts, period="q1", as_of=Q1_DUE).to_dict()
    assert data["plan"] == {"id": "test-plan", "year": 2023,
                            "title": {"vi": "Kế hoạch thử", "en": "Test plan"}}
    assert data["period"] == "q1" and data["as_of"] == "2023-03-14"
    assert data["summary"]["unknown"] == 3 and data["summary"]["total"] == 7
    first = data["indicators"][0]
    assert first["id"] == "procedures.on_time" and first["area"] == "procedures"
    assert first["value"] is None and first["target"] == "value > 99%"
    assert first["missing"] == [{"agency": "h2_x1", "fact": "on_time"}]
    assert {"agency": "snv", "status": "met", "value": 1, "missing": [],
            "treated": []} in first["agencies"]


def test_a_unit_follows_the_indicators_rule_when_applicability_is_unknown(
        tmp_path: Path) -> None:
    # Applicable only where dossiers were received; the target (9,000 dossiers on time, more
    # than any agency or the province has) is false wherever it is decided. A commune of h2
    # did not report 'received', so whether the indicator applies to h2, and to the province,
    # is unknown: a target not met there is unknown too, for the indicator and the unit alike.
    text = SMALL_PLAN.replace(
        "        value: sum(on_time)\n        target: value >= 0\n",
        "        value: sum(on_time)\n        target: value >= 9000\n"
        "        applicable: sum(received) > 0\n")
    assert text != SMALL_PLAN
    plan = engine.load_plan(write_plan(tmp_path, text))
    facts = full_facts()
    del facts["h2_x1"]["received"]
    result = evaluate(plan, facts, period="q1").result("procedures.on_time_count")
    assert result.status == "unknown"
    by_unit = {a.agency: a.status for a in result.agencies}
    assert by_unit == {"snv": "not_met", "stp": "not_met", "h1": "not_met", "h2": "unknown"}
    h2 = next(a for a in result.agencies if a.agency == "h2")
    assert h2.missing == (("h2_x1", "received"),)
    # h2 alone, as `evaluate --agency h2` shows it: the same status as in the breakdown.
    narrowed = evaluate(plan, facts, period="q1", agency="h2").result("procedures.on_time_count")
    assert [(a.agency, a.status) for a in narrowed.agencies] == [("h2", "unknown")]
