"""A report's fast paths give the very report of the straightforward way (issue 17).

:func:`engine.report.evaluate` works out each breakdown with the programs' code run over the
unit's rows as they are, and a target that reads only ``value`` evaluated once per distinct
value (:func:`engine.report._breakdown`); :func:`engine.report.evaluate_as_written` judges unit
by unit, every formula evaluated as written in a context of its own. Both reports must be
equal, result by result and in their JSON (``to_dict``, made faster too, against
:func:`engine.report.report_dict_as_written`), over invented facts (left out, zero,
parts greater than their whole, fractions, dates) and formulas of every shape the fast path
treats apart: a target with an aggregate, one reading another indicator, applicability that is
unknown (of facts the value does not read) or false, shares out of range, booleans and counts,
dates, deadlines before and after the as-of date; and over the shipped plan with its examples.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.report import Report, evaluate, evaluate_as_written, report_dict_as_written
from tests.evaluation.evalplan import RECEIVING, REPORTING, SMALL_PLAN, write_plan

ROOT = Path(__file__).resolve().parents[2]

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

_INDICATORS = """\
areas:
  shapes:
    name: {vi: Hình dạng}
    indicators:
      on_time:
        name: {vi: Đúng hạn}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(on_time) / sum(received)
        target: value > 90%
        applicable: sum(received) > 0
      late_share:
        name: {vi: Trễ hạn}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(late) / sum(received)
        target: value <= 10%
        applicable: sum(late) > 0
        deadline: 2023-02-01
      rate:
        name: {vi: Tỷ suất}
        unit: rate
        owner: snv
        scope: receiving
        value: sum(on_time) / sum(received) - 1
        target: value >= -5%
      with_aggregate:
        name: {vi: Mục tiêu có tổng}
        unit: percent
        owner: snv
        scope: receiving
        value: coalesce(sum(apologised) / sum(late), 100%)
        target: value >= 50% or sum(late) == 0
      reference:
        name: {vi: Tham chiếu}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(apologised) / sum(received)
        target: value <= shapes.on_time and value >= 0
        deadline: 2023-12-01
      count_one:
        name: {vi: Đếm}
        unit: count
        owner: snv
        scope: reporting
        value: count(issued)
        target: value >= 1
      all_issued:
        name: {vi: Tất cả}
        unit: bool
        owner: snv
        scope: reporting
        value: all(issued and issued_on <= 2023-01-10)
        target: value
        deadline: 2023-01-10
      latest:
        name: {vi: Ngày muộn nhất}
        unit: date
        owner: snv
        scope: reporting
        value: max(issued_on)
        target: value <= 2023-01-15
      scores:
        name: {vi: Điểm}
        unit: score
        owner: snv
        scope: receiving
        value: avg(coalesce(score, 0))
        target: value >= 1/3 and value < 2
        applicable: count(known(score)) > 0
      apart:
        name: {vi: Áp dụng theo dữ kiện khác}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(on_time) / sum(received)
        target: value >= 50%
        applicable: sum(apologised) >= 1
      shares:
        name: {vi: Tỷ lệ có thể sai}
        unit: percent
        owner: snv
        scope: receiving
        value: sum(score) / sum(received)
        target: value >= 1%
"""

_FACTS = """\
  score: {type: number, label: {vi: Điểm}, reported_by: receiving}
"""


def _plan_text() -> str:
    head = SMALL_PLAN[:SMALL_PLAN.index("areas:\n")]
    head = head.replace("facts:\n", "facts:\n" + _FACTS, 1)
    return head + _INDICATORS


@pytest.fixture(scope="module")
def shapes_plan(tmp_path_factory: pytest.TempPathFactory) -> engine.Plan:
    return engine.load_plan(write_plan(tmp_path_factory.mktemp("shapes"), _plan_text()))


_counts = st.one_of(st.none(), st.integers(0, 40), st.sampled_from([0, 1, 10]))
_scores = st.one_of(st.none(), st.integers(0, 3),
                    st.fractions(min_value=0, max_value=3, max_denominator=12))


@st.composite
def _facts(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {a: {} for a in RECEIVING}
    for a in RECEIVING:
        for name in ("received", "on_time", "late", "apologised"):
            v = draw(_counts)
            if v is not None:
                facts[a][name] = v
        score = draw(_scores)
        if score is not None:
            facts[a]["score"] = score
    for a in REPORTING:
        issued = draw(st.one_of(st.none(), st.booleans()))
        if issued is not None:
            facts[a]["issued"] = issued
        on = draw(st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2023, 1, 20))))
        if on is not None:
            facts[a]["issued_on"] = on
    return facts


def _same(fast: Report, written: Report) -> None:
    assert fast == written
    for f, w in zip(fast.results, written.results, strict=True):
        assert f.agencies == w.agencies, f.id
        assert [type(a.value) for a in f.agencies] == [type(a.value) for a in w.agencies]
    # the JSON as text: the same keys in the same order, the same values of the same types
    assert json.dumps(fast.to_dict(), ensure_ascii=False) == \
        json.dumps(report_dict_as_written(written), ensure_ascii=False)


@SETTINGS
@given(facts=_facts(), as_of=st.sampled_from([None, dt.date(2023, 1, 5),
                                               dt.date(2023, 3, 14)]))
def test_the_fast_breakdown_is_the_breakdown_as_written(
        shapes_plan: engine.Plan, facts: dict[str, dict[str, Any]], as_of: dt.date | None
        ) -> None:
    fast = evaluate(shapes_plan, facts, period="q1", as_of=as_of)
    written = evaluate_as_written(shapes_plan, facts, period="q1", as_of=as_of)
    _same(fast, written)


@SETTINGS
@given(facts=_facts(), agency=st.sampled_from(["snv", "h1", "h2_x1", "tinh"]))
def test_a_narrowed_report_is_the_same_both_ways(
        shapes_plan: engine.Plan, facts: dict[str, dict[str, Any]], agency: str) -> None:
    fast = evaluate(shapes_plan, facts, period="q1", agency=agency)
    written = evaluate_as_written(shapes_plan, facts, period="q1", agency=agency)
    _same(fast, written)


def test_a_target_of_true_and_of_one_are_not_mixed_up(shapes_plan: engine.Plan) -> None:
    """``count_one``'s value 1 and ``all_issued``'s value true are different values; each
    target is judged for its own."""
    facts: dict[str, dict[str, Any]] = {a: {"issued": True, "issued_on": dt.date(2023, 1, 9)}
                                        for a in REPORTING}
    report = evaluate(shapes_plan, facts, period="q1")
    _same(report, evaluate_as_written(shapes_plan, facts, period="q1"))
    assert {a.value for a in report.result("shapes.count_one").agencies} == {1}
    assert {a.status for a in report.result("shapes.all_issued").agencies} == {"met"}


def test_a_share_out_of_range_is_invalid_in_its_unit_only(shapes_plan: engine.Plan) -> None:
    facts: dict[str, dict[str, Any]] = {a: {"received": 10, "late": 1} for a in RECEIVING}
    facts["h1_x1"]["late"] = 30  # more late than received: h1's unit is invalid
    report = evaluate(shapes_plan, facts, period="q1")
    _same(report, evaluate_as_written(shapes_plan, facts, period="q1"))
    units = {a.agency: a for a in report.result("shapes.late_share").agencies}
    assert units["h1"].status == "unknown" and units["h1"].value == engine.Unknown(
        units["h1"].value.reasons)  # type: ignore[union-attr]
    assert units["h2"].status == "met" and units["h2"].value == Fraction(1, 10)


@pytest.mark.parametrize(("period", "as_of"), [("q1", dt.date(2023, 3, 14)), ("q1", None),
                                               ("year", None), ("year", dt.date(2023, 6, 1))])
def test_the_shipped_plan_and_examples_are_the_same_both_ways(
        period: str, as_of: dt.date | None) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, [ROOT / "examples" / "2023" / period], period)
    _same(evaluate(plan, facts, period=period, as_of=as_of),
          evaluate_as_written(plan, facts, period=period, as_of=as_of))
    for agency in ("snv", "quynh_nhai", "quynh_nhai_muong_gion"):
        _same(evaluate(plan, facts, period=period, as_of=as_of, agency=agency),
              evaluate_as_written(plan, facts, period=period, as_of=as_of, agency=agency))


def test_a_target_reading_a_name_the_scalars_lack_is_evaluated_in_each_unit(
        shapes_plan: engine.Plan) -> None:
    """A target that reads a name besides ``value`` which is not among the scalars (no plan
    the checker passes has one) is missing *of each unit's agency*: it is not taken once for
    every unit with the same value."""
    from dataclasses import replace

    from engine.evaluator import Row
    from engine.language import NUMBER, Symbols, compile_formula
    from engine.report import _breakdown, _breakdown_as_written

    ind = shapes_plan.indicators["shapes.on_time"]
    ind = replace(ind, target=compile_formula("value > 90% and elsewhere > 0",
                                              Symbols({"value": NUMBER, "elsewhere": NUMBER})))
    rows = {a.id: Row(a.id, a.kind, {"received": 10, "on_time": 10})
            for a in shapes_plan.agencies.values()}
    scalars = {"as_of": dt.date(2023, 3, 14)}
    fast = _breakdown(ind, scalars, rows, None, dt.date(2023, 3, 14))
    assert fast == _breakdown_as_written(ind, scalars, rows, None, dt.date(2023, 3, 14))
    assert [u.missing for u in fast] == [((u.agency, "elsewhere"),) for u in fast]


@SETTINGS
@given(facts=_facts(), first=st.sampled_from(["coverage", "inputs", "both", "to_dict"]))
def test_the_json_is_the_same_whatever_was_asked_of_a_result_first(
        shapes_plan: engine.Plan, facts: dict[str, dict[str, Any]], first: str) -> None:
    """A result's JSON works out its coverage and its inputs together unless one of them was
    asked for already; either way it is the JSON as written."""
    fast = evaluate(shapes_plan, facts, period="q1")
    for r in fast.results:
        if first in ("coverage", "both"):
            assert r.coverage is not None
        if first in ("inputs", "both"):
            assert r.inputs is not None
        if first == "to_dict":
            r.to_dict()
    want = report_dict_as_written(evaluate_as_written(shapes_plan, facts, period="q1"))
    assert json.dumps(fast.to_dict(), ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def test_a_unit_made_by_its_slots_is_the_unit_its_constructor_makes() -> None:
    """The breakdown makes its units by setting their slots (engine.report._unit): every field
    of AgencyResult is one of them, and the unit is the one the constructor makes."""
    from dataclasses import FrozenInstanceError, fields

    from engine.report import AgencyResult, _unit

    assert [f.name for f in fields(AgencyResult)] == [
        "agency", "status", "value", "members", "missing"]
    made = _unit("h1", "unknown", Fraction(1, 3), ("h1_x1",), (("h1_x1", "late"),))
    assert made == AgencyResult("h1", "unknown", Fraction(1, 3), ("h1_x1",),
                                (("h1_x1", "late"),))
    assert hash(made) == hash(AgencyResult("h1", "unknown", Fraction(1, 3), ("h1_x1",),
                                           (("h1_x1", "late"),)))
    with pytest.raises(FrozenInstanceError):
        made.status = "met"  # type: ignore[misc]


@SETTINGS
@given(facts=_facts())
def test_a_target_judged_by_its_generated_code_past_a_few_values_is_the_same(
        shapes_plan: engine.Plan, facts: dict[str, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a few distinct values a breakdown judges its target by the generated code rather
    than the reference closures (engine.report._FEW_VALUES): here from the first value on."""
    import engine.report

    monkeypatch.setattr(engine.report, "_FEW_VALUES", 0)
    _same(evaluate(shapes_plan, facts, period="q1"),
          evaluate_as_written(shapes_plan, facts, period="q1"))
