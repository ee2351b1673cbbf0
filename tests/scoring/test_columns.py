"""Scoring's fast path (sums of facts read from columns, each criterion worked out for a whole
block at once) gives the very report of the straightforward path (every formula evaluated as
written over each unit's population, unit by unit): rankings, points, explanations, reasons.

Differential property tests over invented facts: facts left out (so that a sum is unknown for
some units and not others), zeros (empty populations, divisions by zero), fractions in a summed
fact (a column that is not whole numbers), and formulas of every shape the fast path treats
differently: a sum alone, sums in arithmetic, filters by kind and by agency, other aggregates,
``coalesce``/``known`` around a sum, a rule formula and a deduction reading sums, and a bonus.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine
from engine.scorecard import Scorecard, load_scorecard, loads_scorecard
from engine.scoring import ScoreReport, score, score_as_written

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"

CARD = """\
cchc_scorecard: 1
id: columns-test
title: {vi: Thử cột, en: Columns test}
scale: 12
facts:
  portion:
    type: number
    label: {vi: Tỷ lệ, en: Portion}
    reported_by: scored
  extra:
    type: count
    label: {vi: Thêm, en: Extra}
    reported_by: receiving
rounding:
  index: {places: 2, mode: half_up}
  criteria: {places: 2, mode: half_up}
blocks:
  all:
    name: {vi: Tất cả, en: All}
    units: [tinh, snv, stp, sct, vp, huyen_a, huyen_b, xa_a1, xa_a2]
    classify:
      - {label: A, at_least: 50%}
      - {label: B, below: 50%}
    tie_break: [points]
bonus:
  max: 1
  items:
    many:
      name: {vi: Nhiều, en: Many}
      points: coalesce(sum(extra where kind == "commune"), 0) / 10
areas:
  "1":
    name: {vi: Một, en: One}
    max: 12
    criteria:
      ratio:
        name: {vi: Tỷ lệ, en: Ratio}
        max: 2
        input: >-
          sum(dossiers_on_time where kind in ["department", "district", "commune"])
          / sum(dossiers_received where kind in ["department", "district", "commune"])
        population: sum(dossiers_received where kind in ["department", "district", "commune"])
        on_empty: zero
        points:
          proportional: {full_at: 80%}
      nofilter:
        name: {vi: Không lọc, en: No filter}
        max: 1
        input: 1 - (sum(tasks_planned) - sum(tasks_done)) / sum(tasks_planned)
        population: sum(tasks_planned)
        points:
          steps:
            - {at_least: 90%, points: 1}
            - {below: 90%, points: 0}
      fractions:
        name: {vi: Phân số, en: Fractions}
        max: 1
        input: sum(portion) / 3
        points:
          proportional: {full_at: 100%}
      agency:
        name: {vi: Cơ quan, en: Agency}
        max: 1
        input: coalesce(sum(tasks_done where agency != "snv"), 0)
        points:
          steps:
            - {at_least: 5, points: 1}
            - {below: 5, points: 0}
      known:
        name: {vi: Biết, en: Known}
        max: 1
        input: known(sum(extra)) and sum(tasks_done where kind == "commune") >= 0
        points:
          yes_no: {yes: 1, no: 0}
      count:
        name: {vi: Đếm, en: Count}
        max: 1
        input: count(reports_on_time) + sum(tasks_done)
        points:
          proportional: {full_at: 4}
      rule:
        name: {vi: Công thức, en: Formula rule}
        max: 2
        input: sum(tasks_done)
        points:
          formula: min(value / coalesce(sum(tasks_planned), 1), 2)
      deduct:
        name: {vi: Trừ, en: Deduction}
        max: 2
        input: reports_on_time
        points:
          yes_no: {yes: 2, no: 0}
        deductions:
          - when: sum(extra where kind == "district") > 3
            points: 0.5
      plain:
        name: {vi: Thường, en: Plain}
        max: 1
        input: tasks_done
        population: tasks_planned
        on_empty: full
        points:
          proportional: {full_at: 5}
"""

AGENCIES = ["tinh", "snv", "stp", "sct", "vp", "huyen_a", "huyen_b", "xa_a1", "xa_a2"]


@pytest.fixture(scope="module")
def setting() -> tuple[engine.Plan, Scorecard]:
    plan = engine.load_plan(DATA / "plan.yaml")
    return plan, loads_scorecard(CARD, "columns.yaml", plan=plan)


def _everything(report: ScoreReport) -> str:
    """The report and every unit's explanation (its inputs located), as JSON."""
    return json.dumps({"report": report.to_dict(),
                       "units": [u.to_dict() for b in report.blocks for u in b.units]},
                      sort_keys=True, ensure_ascii=False, default=str)


def _same(plan: engine.Plan, card: Scorecard, facts: engine.Facts) -> None:
    fast = score(plan, card, facts, period="year")
    written = score_as_written(plan, card, facts, period="year")
    assert fast == written
    assert _everything(fast) == _everything(written)


COUNT = st.integers(0, 12)


@st.composite
def agency_facts(draw: st.DrawFn) -> dict[str, dict[str, object]]:
    """Every fact of every agency, a few of a few agencies left out (so that a sum is known for
    some units and not for others)."""
    data: dict[str, dict[str, object]] = {}
    for a in AGENCIES:
        received, planned = draw(COUNT), draw(COUNT)
        values: dict[str, object] = {
            "dossiers_received": received,
            "dossiers_on_time": draw(st.integers(0, received)),
            "tasks_planned": planned,
            "tasks_done": draw(st.integers(0, planned)),
            "reports_on_time": draw(st.booleans()),
            "report_complete": draw(st.booleans()),
            "portion": draw(st.sampled_from(["0", "0.25", "1", "0.5", "1.2", "3"])),
            "extra": draw(COUNT),
        }
        if draw(st.integers(0, 3)) == 0:
            for name in draw(st.sets(st.sampled_from(sorted(values)), max_size=3)):
                del values[name]
        data[a] = values
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agency_facts())
def test_the_fast_path_gives_the_report_of_the_formulas_as_written(
        setting: tuple[engine.Plan, Scorecard], data: dict[str, dict[str, object]]) -> None:
    plan, card = setting
    reporters = {f.id: f.reporters for f in card.fact_plan.facts.values()}
    data = {a: {k: v for k, v in values.items() if a in reporters[k]}
            for a, values in data.items()}
    try:
        facts = engine.facts_from_data(card.fact_plan, data, period="year")
    except engine.FactsError:  # a combination the fact checks refuse: not a scoring case
        assume(False)
    _same(plan, card, facts)


@pytest.fixture(scope="module")
def shipped() -> tuple[engine.Plan, Scorecard]:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    return plan, load_scorecard(ROOT / "plans" / "scorecards" / "qd766.yaml", plan=plan)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_shipped_qd766_scorecard_scores_the_same_both_ways(
        shipped: tuple[engine.Plan, Scorecard], data: st.DataObject) -> None:
    """The example facts of examples/2023 with a few facts of a few agencies left out or set
    to 0: the sums over the province and the districts are unknown or empty for some units."""
    plan, card = shipped
    base = engine.load_facts(card.fact_plan, [ROOT / "examples" / "2023" / "year",
                                              ROOT / "examples" / "2023" / "scoring" / "qd766"],
                             period="year")
    values = {a: dict(v) for a, v in base.values.items()}
    agencies = sorted(values)
    for _ in range(data.draw(st.integers(0, 6))):
        a = data.draw(st.sampled_from(agencies))
        names = sorted(values[a])
        if not names:
            continue
        name = data.draw(st.sampled_from(names))
        if data.draw(st.booleans()):
            del values[a][name]
        elif type(values[a][name]) is int:
            values[a][name] = 0
    try:
        facts = engine.facts_from_data(card.fact_plan, {a: {k: _raw(v) for k, v in f.items()}
                                                        for a, f in values.items()},
                                       period="year")
    except engine.FactsError:  # a 0 the fact checks refuse (more done than received)
        assume(False)
    _same(plan, card, facts)


def _raw(value: object) -> object:
    """A value as a fact file gives it: a fraction as its decimal, a date, as text."""
    if isinstance(value, Fraction):  # the example's fractions are decimals
        return str(Decimal(value.numerator) / Decimal(value.denominator))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("card_path, folders", [
    ("plans/scorecards/qd766.yaml", ["examples/2023/year", "examples/2023/scoring/qd766"]),
    ("plans/scorecards/qd766.yaml", ["examples/2023/scoring/qd766"]),
    ("plans/scorecards/sonla-cchc-2023-illustration.yaml",
     ["examples/2023/year", "examples/2023/scoring/chi-so-cchc"]),
])
def test_the_shipped_examples_score_the_same_both_ways(card_path: str,
                                                       folders: list[str]) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    card = load_scorecard(ROOT / card_path, plan=plan)
    facts = engine.load_facts(card.fact_plan, [ROOT / f for f in folders], period="year")
    _same(plan, card, facts)


def test_the_demo_scores_the_same_both_ways() -> None:
    plan = engine.load_plan(DATA / "plan.yaml")
    card = load_scorecard(DATA / "demo.yaml", plan=plan)
    facts = engine.load_facts(card.fact_plan, [DATA / "facts"], period="year")
    _same(plan, card, facts)
