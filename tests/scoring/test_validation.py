"""Every scorecard mistake is one diagnostic with its code at FILE:LINE:COL (docs/scoring.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.scorecard import ScorecardError, load_scorecard, loads_scorecard

DATA = Path(__file__).parent / "data"

BASE = """\
cchc_scorecard: 1
id: t
title: {vi: Thử}
scale: 3
blocks:
  departments:
    name: {vi: Khối sở}
    units: departments
    classify:
      - {label: A, at_least: 90%}
      - {label: B, below: 90%}
areas:
  a:
    name: {vi: Lĩnh vực}
    max: 3
    criteria:
      c1:
        name: {vi: Tiêu chí 1}
        max: 1
        input: reports_on_time
        points: {yes_no: {yes: 1, no: 0}}
      c2:
        name: {vi: Tiêu chí 2}
        max: 2
        input: tasks_done / tasks_planned
        points:
          steps:
            - {at_least: 90%, points: 2}
            - {at_least: 50%, below: 90%, points: 1}
            - {below: 50%, points: 0}
"""


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(DATA / "plan.yaml")


def errors(plan: engine.Plan, text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(ScorecardError) as info:
        loads_scorecard(text, "card.yaml", plan=plan)
    return [(d.code, d.location[1], d.location[2], d.message) for d in info.value.diagnostics]


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_base_scorecard_is_valid(plan: engine.Plan) -> None:
    card = loads_scorecard(BASE, "card.yaml", plan=plan)
    assert [c.id for c in card.leaves] == ["c1", "c2"]
    assert card.blocks["departments"].units == ("snv", "stp", "sct", "vp")


def test_e450_a_decimal_comma(plan: engine.Plan) -> None:
    text = edit("        max: 1\n", "        max: 0,5\n")
    assert errors(plan, text) == [
        ("E450", 19, 14, "'0,5' is not a number in areas.a.criteria.c1.max")]


def test_e451_maxima_that_do_not_add_up(plan: engine.Plan) -> None:
    text = edit("        max: 2\n", "        max: 3\n")
    assert errors(plan, text) == [
        ("E451", 15, 10, "the maximum of area 'a' is 3 but its criteria add up to 4")]
    text = edit("scale: 3", "scale: 100")
    assert errors(plan, text) == [
        ("E451", 4, 8, "the areas' maxima add up to 3, not the scale 100")]


def test_e452_overlapping_steps(plan: engine.Plan) -> None:
    text = edit("{at_least: 50%, below: 90%, points: 1}",
                "{at_least: 50%, at_most: 90%, points: 1}")
    assert errors(plan, text) == [
        ("E452", 28, 15, "the bands 'value >= 50% and value <= 90%' and 'value >= 90%' overlap")]


def test_e452_a_gap_between_steps(plan: engine.Plan) -> None:
    text = edit("{below: 50%, points: 0}", "{below: 40%, points: 0}")
    assert errors(plan, text) == [("E452", 29, 15, "the bands leave a gap at 40% to 50%")]
    text = edit("{at_least: 50%, below: 90%, points: 1}", "{above: 50%, below: 90%, points: 1}")
    assert errors(plan, text) == [("E452", 29, 15, "the bands leave a gap at 50%")]


def test_e452_classification_that_leaves_out_low_indices(plan: engine.Plan) -> None:
    text = edit("{label: B, below: 90%}", "{label: B, at_least: 10%, below: 90%}")
    assert errors(plan, text) == [
        ("E452", 10, 7, "no classification band holds an index of 10%")]


def test_e453_two_rules_and_no_rule(plan: engine.Plan) -> None:
    text = edit("points: {yes_no: {yes: 1, no: 0}}",
                "points: {yes_no: {yes: 1, no: 0}, given: true}")
    assert errors(plan, text) == [
        ("E453", 21, 9, "the criterion 'c1' has 2 rules (yes_no, given) under 'points'")]


def test_e453_on_empty_without_a_population(plan: engine.Plan) -> None:
    text = edit("        input: reports_on_time\n",
                "        input: reports_on_time\n        on_empty: full\n")
    assert errors(plan, text) == [
        ("E453", 21, 9, "'on_empty' of 'c1' does nothing without a 'population'")]


def test_e454_points_above_the_maximum(plan: engine.Plan) -> None:
    text = edit("{yes: 1, no: 0}", "{yes: 2, no: 0}")
    assert errors(plan, text) == [("E454", 21, 32, "2 points is outside 0 to the maximum 1")]


def test_e455_an_unknown_stage(plan: engine.Plan) -> None:
    text = edit("input: reports_on_time", "input: {self: reports_on_time}")
    assert errors(plan, text) == [("E455", 20, 17, "unknown stage 'self'")]


def test_e456_an_unknown_group(plan: engine.Plan) -> None:
    text = edit("units: departments", "units: departmentz")
    assert errors(plan, text) == [("E456", 8, 12, "unknown group or agency 'departmentz'")]


def test_e457_a_unit_in_two_blocks(plan: engine.Plan) -> None:
    text = edit("areas:\n", "  more:\n    name: {vi: Khác}\n    units: [snv]\n"
                "    classify: [{label: A, at_least: 0%}]\nareas:\n")
    assert errors(plan, text) == [
        ("E457", 14, 12, "'snv' is in two blocks: 'departments' and 'more'")]


def test_e458_a_criterion_id_used_twice(plan: engine.Plan) -> None:
    text = BASE + ("  b:\n    name: {vi: B}\n    max: 1\n    criteria:\n      c1:\n"
                   "        name: {vi: Lại c1}\n        max: 1\n        input: reports_on_time\n"
                   "        points: {yes_no: {yes: 1, no: 0}}\n")
    text = edit("scale: 3", "scale: 4", text)
    assert errors(plan, text) == [("E458", 35, 7, "the criterion id 'c1' is used twice")]


def test_e459_a_fact_id_of_the_plan(plan: engine.Plan) -> None:
    text = edit("blocks:\n", "facts:\n  tasks_done:\n    type: count\n    label: {vi: Lại}\n"
                "    reported_by: departments\nblocks:\n")
    assert errors(plan, text) == [("E459", 6, 3, "the fact id 'tasks_done' is a fact of the plan")]


def test_e460_an_input_of_the_wrong_type(plan: engine.Plan) -> None:
    text = edit("input: reports_on_time", "input: tasks_done")
    assert errors(plan, text) == [
        ("E460", 20, 16, "the input of 'c1' is a number, but the rule 'yes_no' needs a "
                         "condition (true or false)")]


def test_e461_a_category_the_fact_does_not_have(plan: engine.Plan) -> None:
    text = edit("blocks:\n", "facts:\n  issue:\n    type: category\n    values: [on_time, late]\n"
                "    label: {vi: Ban hành}\n    reported_by: departments\nblocks:\n")
    text = edit("input: reports_on_time\n        points: {yes_no: {yes: 1, no: 0}}",
                "input: issue\n        points: {categorical: {on_time: 1, lat: 0}}", text)
    assert errors(plan, text) == [
        ("E461", 27, 31, "the rule of 'c1' gives no points for 'late'"),
        ("E461", 27, 44, "'lat' is not a value of the fact 'issue'")]


def test_formula_errors_are_located_in_the_file(plan: engine.Plan) -> None:
    text = edit("input: tasks_done / tasks_planned", "input: tasks_don / tasks_planned")
    assert errors(plan, text) == [("E201", 25, 16, "unknown name 'tasks_don'")]


def test_schema_errors_name_the_place(plan: engine.Plan) -> None:
    text = edit("    units: departments\n", "    unit: departments\n")
    codes = errors(plan, text)
    assert codes == [("E410", 8, 5, "unknown key 'unit' in blocks.departments")]


def test_e462_remove_without_extends(plan: engine.Plan) -> None:
    text = BASE + "remove:\n  criteria: [c1]\n"
    assert errors(plan, text) == [
        ("E462", 31, 1, "'remove' does nothing in a scorecard that extends no other")]


def test_extends_overrides_adds_and_removes(plan: engine.Plan, tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("cchc_scorecard: 1\nid: child\nextends: base.yaml\nscale: 2\n"
                     "areas:\n  a:\n    max: 2\n    criteria:\n      c2:\n"
                     "        points: {proportional: {full_at: 80%}}\n"
                     "remove:\n  criteria: [c1]\n", encoding="utf-8")
    card = load_scorecard(child, plan=plan)
    assert [c.id for c in card.leaves] == ["c2"]
    assert card.criteria["c2"].rule is not None and card.criteria["c2"].rule.kind == \
        "proportional"
    assert card.id == "child" and card.title.vi == "Thử"


def test_extends_errors_point_into_the_child(plan: engine.Plan, tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("cchc_scorecard: 1\nid: child\nextends: base.yaml\n"
                     "areas:\n  a:\n    criteria:\n      c3:\n        max: 1\n"
                     "remove:\n  criteria: [c9]\n", encoding="utf-8")
    with pytest.raises(ScorecardError) as info:
        load_scorecard(child, plan=plan)
    found = [(d.code, d.location[1], d.location[2], d.message) for d in info.value.diagnostics]
    assert found == [
        ("E462", 7, 7, "no criterion 'c3' in the parent scorecard to override"),
        ("E462", 10, 14, "no criterion 'c9' in the parent scorecard to remove")]


def test_extends_outside_the_root_is_refused(plan: engine.Plan, tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    child = tmp_path / "inner" / "child.yaml"
    child.write_text("cchc_scorecard: 1\nid: child\nextends: ../base.yaml\n", encoding="utf-8")
    with pytest.raises(ScorecardError) as info:
        load_scorecard(child, plan=plan)
    assert [(d.code, d.location[1], d.location[2]) for d in info.value.diagnostics] == [
        ("E409", 3, 10)]


def test_every_new_code_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in range(450, 464):
        assert f"### E{code}:" in text, code
