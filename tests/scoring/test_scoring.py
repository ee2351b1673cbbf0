"""Scoring from the library: the demo scorecard's ranking, explanations and stages, pinned."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import main
from engine.diagnostics import ArgumentError
from engine.scoring import ScoreReport, round_exact

DATA = Path(__file__).parent / "data"
PLAN = DATA / "plan.yaml"
CARD = DATA / "demo.yaml"
FACTS = DATA / "facts"


@pytest.fixture(scope="module")
def report() -> ScoreReport:
    plan = engine.load_plan(PLAN)
    card = engine.load_scorecard(CARD, plan=plan)
    return engine.score(plan, card, [FACTS], period="year")


def ranking(report: ScoreReport, block: str) -> list[tuple[int | None, str, object, object,
                                                             object, str | None]]:
    return [(u.rank, u.unit, u.total, u.applicable_max, u.index, u.group)
            for u in report.block(block).units]


def test_each_block_is_ranked_on_its_own(report: ScoreReport) -> None:
    assert ranking(report, "departments") == [
        (1, "sct", 10, 10, 1, "A"),
        (1, "snv", 10, 10, 1, "A"),             # the same index and points: a shared rank
        (3, "stp", Fraction(201, 25), 10, Fraction(201, 250), "B"),  # then 3, not 2
        (4, "vp", 1, 2, Fraction(1, 2), "C"),   # no procedures: 2 points out of 2 applicable
    ]
    assert ranking(report, "districts") == [
        (1, "huyen_a", 8, 10, Fraction(4, 5), "A"),          # 80% is A in this block
        (2, "huyen_b", Fraction(373, 50), 10, Fraction(373, 500), "B"),
    ]
    assert report.block("departments").average_index == Fraction(413, 500)


def test_the_explanation_of_a_unit(report: ScoreReport) -> None:
    stp = report.unit("stp")
    plan_issue = stp.criterion("1.1.1")
    assert [(s.stage, s.input, s.points) for s in plan_issue.stages] == [
        ("self", "on_time", 1), ("appraisal", "late", Fraction(1, 2))]
    assert plan_issue.final_stage == "appraisal" and plan_issue.lost == Fraction(1, 2)
    assert [(i.name, i.value, i.where) for i in plan_issue.inputs] == [
        ("plan_issue_self", "on_time", "tests/scoring/data/facts/appraisal.csv:7:21"),
        ("plan_issue", "late", "tests/scoring/data/facts/appraisal.csv:8:16")]
    reports = stp.criterion("1.2")
    assert reports.points == Fraction(3, 4)
    assert [(d.points, applied) for d, applied in reports.deductions] == [(Fraction(1, 4), True)]
    on_time = stp.criterion("2.1")
    assert on_time.input == Fraction(9, 10)  # the plan's indicator over the unit
    assert on_time.rounded is not None and on_time.rounded.before == Fraction(72, 19)
    assert on_time.points == Fraction(379, 100)
    parent = stp.criterion("1.1")
    assert parent.points == Fraction(3, 2) and parent.max == 3


def test_empty_populations_and_applicability(report: ScoreReport) -> None:
    sct = report.unit("sct")
    assert sct.criterion("2.1").status == "scored" and sct.criterion("2.1").points == 4  # full
    vp = report.unit("vp")
    assert vp.criterion("2.1").status == "not_applicable"        # not in 'receiving'
    assert vp.criterion("1.1.2").status == "not_applicable"      # no task planned
    assert vp.applicable_max == 2
    assert vp.criterion("1.1.1").final_stage == "appraisal"
    assert report.unit("sct").criterion("1.1.1").final_stage == "self"  # not appraised yet


def test_bonus_is_capped_and_the_total_kept_within_the_maximum(report: ScoreReport) -> None:
    sct = report.unit("sct")
    assert sct.adjustments == (("bonus", "initiative", Fraction(3, 2)),)
    assert sct.bonus == 1                                     # capped at max: 1
    assert sct.criteria_points == 9 and sct.total == 10       # 9 + 1, within 10
    snv = report.unit("snv")
    assert snv.criteria_points == Fraction(19, 2) and snv.total == 10  # 9.5 + 0.5


def test_stage_changes(report: ScoreReport) -> None:
    assert [(c.unit, c.criterion, c.before, c.after) for c in report.stage_changes()] == [
        ("snv", "2.2", 2, Fraction(3, 2)),
        ("stp", "1.1.1", 1, Fraction(1, 2)),
        ("huyen_a", "2.2", 2, 1)]


def test_to_dict_equals_the_cli_json(report: ScoreReport) -> None:
    args = ["score", str(PLAN), str(CARD), str(FACTS), "--period", "year"]
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    # the CLI names files relative to the working directory, as the library does
    assert json.loads(result.output) == json.loads(json.dumps(report.to_dict()))
    result = CliRunner().invoke(main, [*args, "--format", "json", "--unit", "stp"])
    assert json.loads(result.output) == json.loads(json.dumps(report.unit("stp").to_dict()))


def test_an_unknown_unit_is_an_argument_error(report: ScoreReport) -> None:
    with pytest.raises(ArgumentError) as info:
        report.unit("snvv")
    assert [(d.code, d.message, d.help) for d in info.value.diagnostics] == [
        ("E463", "unknown unit 'snvv'", "did you mean 'snv'?")]


def test_a_missing_fact_makes_the_unit_unknown_never_zero() -> None:
    plan = engine.load_plan(PLAN)
    card = engine.load_scorecard(CARD, plan=plan)
    facts = engine.facts_from_data(card.fact_plan, {
        "snv": {"tasks_planned": 10, "tasks_done": 10, "reports_on_time": True,
                "report_complete": True, "dossiers_received": 10, "dossiers_on_time": 10,
                "publish_points": 2, "plan_issue": "on_time"}}, period="year")
    report = engine.score(plan, card, facts, period="year")
    snv = report.unit("snv")
    assert snv.rank == 1 and snv.index == 1
    stp = report.unit("stp")
    assert stp.rank is None and stp.group is None
    assert ("stp", "plan_issue") in stp.missing and ("stp", "tasks_planned") in stp.missing
    assert report.block("departments").units[0].unit == "snv"


@pytest.mark.parametrize(("mode", "value", "expected"), [
    ("half_up", Fraction(5, 1000), Fraction(1, 100)),
    ("half_up", Fraction(-5, 1000), Fraction(-1, 100)),
    ("half_even", Fraction(5, 1000), 0),
    ("half_even", Fraction(15, 1000), Fraction(2, 100)),
    ("down", Fraction(19, 1000), Fraction(1, 100)),
    ("up", Fraction(11, 1000), Fraction(2, 100)),
])
def test_rounding_modes(mode: str, value: Fraction, expected: Fraction) -> None:
    assert round_exact(value, 2, mode) == expected


def test_the_json_fits_its_schema(report: ScoreReport) -> None:
    import jsonschema

    root = Path(__file__).resolve().parents[2]
    schema = json.loads((root / "docs" / "score.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(json.dumps(report.to_dict()))
    jsonschema.validate(data, schema)
    unit_schema = {**schema["$defs"]["unit"], "$defs": schema["$defs"]}
    for u in ("stp", "vp", "sct"):
        jsonschema.validate(json.loads(json.dumps(report.unit(u).to_dict())), unit_schema)
