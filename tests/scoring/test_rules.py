"""Each kind of rule, floor, rounding, penalty and inheritance of bonus items, on one unit."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine.scorecard import load_scorecard, loads_scorecard
from engine.scoring import ScoreReport

DATA = Path(__file__).parent / "data"

CARD = """\
cchc_scorecard: 1
id: rules
title: {vi: Các kiểu chấm điểm}
scale: 12
rounding:
  criteria: {places: 1, mode: down}
  total: {places: 0, mode: half_even}
blocks:
  departments:
    name: {vi: Khối sở}
    units: departments
    classify:
      - {label: A, at_least: 50%}
      - {label: B, below: 50%}
areas:
  a:
    name: {vi: A}
    max: 12
    criteria:
      formula:
        name: {vi: Công thức}
        max: 3
        input: tasks_done
        points: {formula: "value / 4"}
      zero:
        name: {vi: "Không có hồ sơ, 0 điểm"}
        max: 2
        input: dossiers_on_time / dossiers_received
        population: dossiers_received
        on_empty: zero
        points: {proportional: {full_at: 100%}}
      floor:
        name: {vi: Trừ xuống dưới 0}
        max: 1
        input: reports_on_time
        points: {yes_no: {yes: 1, no: 0}}
        floor: -0.5
        deductions:
          - {when: not report_complete, points: 1}
      steps:
        name: {vi: Bậc}
        max: 6
        input: tasks_done
        points:
          steps:
            - {at_least: 0, below: 5, points: 0}
            - {at_least: 5, at_most: 10, points: 3}
            - {above: 10, points: 6}
penalty:
  max: 1.5
  items:
    late:
      name: {vi: Chậm báo cáo}
      points: "if reports_on_time then 0 else 2"
      applies_to: departments
"""


def score(data: dict[str, dict[str, object]], text: str = CARD) -> ScoreReport:
    plan = engine.load_plan(DATA / "plan.yaml")
    card = loads_scorecard(text, "rules.yaml", plan=plan)
    facts = engine.facts_from_data(card.fact_plan, data, period="year")
    return engine.score(plan, card, facts, period="year")


def test_each_rule_floor_rounding_and_penalty() -> None:
    report = score({"snv": {"tasks_done": 7, "tasks_planned": 9, "dossiers_received": 0,
                            "dossiers_on_time": 0, "reports_on_time": False,
                            "report_complete": False}})
    snv = report.unit("snv")
    points = {c.id: c.points for c in snv.criteria}
    assert points == {"formula": Fraction(17, 10),   # 7/4 = 1.75, rounded down to 1.7
                      "zero": 0,                     # no dossier: on_empty zero
                      "floor": Fraction(-1, 2),      # 0 - 1, kept at the floor -0.5
                      "steps": 3}                    # 5 <= 7 <= 10
    assert snv.penalty == Fraction(3, 2)             # 2, capped at 1.5
    # 1.7 + 0 - 0.5 + 3 - 1.5 = 2.7, rounded half to even to 3
    assert snv.total == 3 and snv.index == Fraction(1, 4) and snv.group == "B"
    assert [(r.what, r.before, r.after) for r in snv.rounded] == [
        ("total", Fraction(27, 10), 3), ("formula", Fraction(7, 4), Fraction(17, 10))]


def test_a_value_beyond_every_band_is_unknown_not_zero() -> None:
    text = CARD.replace("- {at_least: 0, below: 5, points: 0}",
                        "- {at_least: 1, below: 5, points: 0}")
    report = score({"snv": {"tasks_done": 0, "tasks_planned": 9, "dossiers_received": 1,
                            "dossiers_on_time": 1, "reports_on_time": True,
                            "report_complete": True}}, text)
    steps = report.unit("snv").criterion("steps")
    assert steps.status == "unknown" and steps.why == "the value falls in no band"
    assert report.unit("snv").rank is None


def test_a_child_overrides_blocks_and_adjustment_items(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(CARD, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("cchc_scorecard: 1\nid: child\nextends: rules.yaml\n"
                     "blocks:\n  departments:\n    classify:\n      - {label: X, at_least: 0%}\n"
                     "penalty:\n  max: 3\n  items:\n    late:\n      points: '3'\n",
                     encoding="utf-8")
    plan = engine.load_plan(DATA / "plan.yaml")
    card = load_scorecard(child, plan=plan)
    assert [b.label for b in card.blocks["departments"].classify] == ["X"]
    assert card.penalty is not None and card.penalty.max == 3
    assert card.penalty.items[0].points.text == "3"
    assert card.penalty.items[0].name.vi == "Chậm báo cáo"   # the parent's name stays


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_every_rounding_mode_is_accepted(mode: str) -> None:
    text = CARD.replace("mode: down", f"mode: {mode}")
    report = score({"snv": {"tasks_done": 7, "tasks_planned": 9, "dossiers_received": 0,
                            "dossiers_on_time": 0, "reports_on_time": True,
                            "report_complete": True}}, text)
    expected = {"half_up": Fraction(18, 10), "half_even": Fraction(18, 10),
                "down": Fraction(17, 10), "up": Fraction(18, 10)}[mode]
    assert report.unit("snv").criterion("formula").points == expected
