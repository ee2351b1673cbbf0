"""The report says when the plan's own rule for missing facts was applied (product brief:
"a plan author can state a different treatment explicitly ... and the report says it was
applied"): ``coalesce(x, fallback)`` and ``known(x)``, through the library and the renderers."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.render import render_csv, render_explain, render_table
from engine.report import Treatment, evaluate
from tests.evaluation.evalplan import RECEIVING, SMALL_PLAN, full_facts, write_plan

ROOT = Path(__file__).resolve().parents[2]

#: on_time_count counts a missing on_time as 0; on_time leaves out the agencies that did not
#: report on_time (from both sums).
TREATED_PLAN = SMALL_PLAN.replace(
    "        value: sum(on_time)\n        target: value >= 0\n",
    "        value: sum(coalesce(on_time, 0))\n        target: value >= 0\n",
).replace(
    "        value: sum(on_time) / sum(received)\n",
    "        value: sum(on_time where known(on_time)) / sum(received where known(on_time))\n",
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> engine.Plan:
    assert TREATED_PLAN.count("coalesce") == 1 and TREATED_PLAN.count("known(") == 2
    return engine.load_plan(write_plan(tmp_path_factory.mktemp("treated"), TREATED_PLAN))


def test_nothing_is_treated_when_every_fact_is_reported(plan: engine.Plan) -> None:
    report = evaluate(plan, full_facts(), period="q1")
    assert all(r.treated == () for r in report.results)
    assert all(d["treated"] == [] for d in report.to_dict()["indicators"])


def test_a_default_and_an_exclusion_are_listed_with_their_rule(plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h1_x1"]["on_time"]
    facts["h2"]["on_time"] = 990
    report = evaluate(plan, facts, period="q1")
    count = report.result("procedures.on_time_count")
    assert (count.status, count.value) == ("met", 6990)  # decided: not unknown
    assert count.treated == (Treatment("h1_x1", "on_time", "coalesce(on_time, 0)"),)
    rate = report.result("procedures.on_time")
    assert rate.value == Fraction(6990, 7000)  # h1_x1 left out of both sums
    assert rate.status == "met"
    assert rate.treated == (Treatment("h1_x1", "on_time", "known(on_time)"),)
    assert report.to_dict()["indicators"][0]["treated"] == [
        {"agency": "h1_x1", "fact": "on_time", "rule": "known(on_time)"}]
    units = {u["agency"]: u["treated"] for u in report.to_dict()["indicators"][0]["agencies"]}
    assert units == {"snv": [], "stp": [], "h2": [], "h1": [
        {"agency": "h1_x1", "fact": "on_time", "rule": "known(on_time)"}]}
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(report.to_dict(), schema)


def test_the_renderers_say_the_rule_was_applied(plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h1_x1"]["on_time"]
    del facts["h2_x2"]["on_time"]
    report = evaluate(plan, facts, period="q1")
    table = render_table(report, "vi", width=200)  # wide enough for each note on one line
    assert "áp dụng quy tắc khi thiếu số liệu cho 2 số liệu của 2 cơ quan" in table
    assert "the rule for missing facts applied to 2 facts from 2 agencies" in \
        render_table(report, "en", width=200)
    explained = render_explain(report.result("procedures.on_time_count")).splitlines()
    rule = "  chưa báo cáo, xử lý theo quy tắc của kế hoạch: on_time của {} -> coalesce(on_time, 0)"
    assert rule.format("Xã 1 huyện Một") in explained  # the commune by name, never its id
    assert rule.format("Xã 2 huyện Hai") in explained
    english = render_explain(report.result("procedures.on_time_count"), "en").splitlines()
    assert ("  not reported, decided by the plan's rule: on_time of Xã 1 huyện Một -> "
            "coalesce(on_time, 0)") in english
    header, first = render_csv(report).splitlines()[:2]
    assert header.split(",")[7] == "treated" and first.split(",")[7] == "2"


def test_a_missing_fact_without_a_rule_is_unknown_not_treated(plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h1_x1"]["received"]  # read by sum(received ...) with no rule for it
    result = evaluate(plan, facts, period="q1").result("procedures.on_time")
    assert result.status == "unknown"
    assert result.treated == ()
    assert result.missing == (("h1_x1", "received"),)


def test_a_rule_outside_an_aggregate_is_checked_once(tmp_path: Path) -> None:
    text = SMALL_PLAN.replace("        value: sipas\n", "        value: coalesce(sipas, 0)\n")
    plan = engine.load_plan(write_plan(tmp_path, text))
    facts = full_facts()
    del facts["snv"]["sipas"]
    result = evaluate(plan, facts, period="year", as_of=dt.date(2023, 12, 14)).result(
        "implementation.sipas")
    assert (result.status, result.value) == ("not_met", 0)
    assert result.treated == (Treatment("snv", "sipas", "coalesce(sipas, 0)"),)


@settings(max_examples=60, deadline=None)
@given(silent=st.sets(st.sampled_from(RECEIVING)))
def test_exactly_the_agencies_that_did_not_report_are_listed(plan: engine.Plan,
                                                             silent: set[str]) -> None:
    facts = full_facts()
    for a in silent:
        del facts[a]["on_time"]
    report = evaluate(plan, facts, period="q1")
    count = report.result("procedures.on_time_count")
    assert {t.agency for t in count.treated} == silent
    assert count.value == 1000 * (len(RECEIVING) - len(silent))
    rate = report.result("procedures.on_time")
    assert {t.agency for t in rate.treated} == silent


def test_an_agency_checking_its_own_sheet_sees_the_rule_applied_to_it(
        plan: engine.Plan) -> None:
    facts = full_facts()
    del facts["h1_x1"]["on_time"]
    for agency, says in (("h1_x1", True), ("h1", True), ("h2", False)):
        table = render_table(evaluate(plan, facts, period="q1", agency=agency), "en", width=200)
        row = next(line for line in table.splitlines() if "on_time_count:" in line)
        assert ("the rule for missing facts applied to 1 fact from 1 agency" in row) == says
