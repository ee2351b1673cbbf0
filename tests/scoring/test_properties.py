"""Semantics of scoring as properties (hypothesis), over random facts for the demo scorecard."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.scorecard import Scorecard, loads_scorecard
from engine.scoring import ScoreReport, UnitScore, _ranked
from engine.values import Unknown

DATA = Path(__file__).parent / "data"
PLAN = engine.load_plan(DATA / "plan.yaml")
CARD = engine.load_scorecard(DATA / "demo.yaml", plan=PLAN)
SCORED = ("snv", "stp", "sct", "vp", "huyen_a", "huyen_b")
RECEIVING = ("snv", "stp", "sct", "huyen_a", "huyen_b", "xa_a1", "xa_a2")

#: The demo scorecard with one more area whose criterion applies to no unit of any block.
DEMO = (DATA / "demo.yaml").read_text(encoding="utf-8")
EXTRA = DEMO.replace("scale: 10 ", "scale: 11 ").replace("\nbonus:", """\
  "9":
    name: {vi: Lĩnh vực chỉ áp dụng cho UBND tỉnh}
    max: 1
    criteria:
      "9.1":
        name: {vi: Tiêu chí không áp dụng}
        max: 1
        applies_to: tinh
        input: reports_on_time
        points: {yes_no: {yes: 1, no: 0}}

bonus:""")
CARD_EXTRA = loads_scorecard(EXTRA, "extra.yaml", plan=PLAN)
SETTINGS = settings(max_examples=25, deadline=None)


@st.composite
def unit_facts(draw: Any) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for a in RECEIVING:
        received = draw(st.integers(0, 400))
        out.setdefault(a, {})["dossiers_received"] = received
        out[a]["dossiers_on_time"] = draw(st.integers(0, received))
    for a in SCORED:
        planned = draw(st.integers(0, 30))
        f = out.setdefault(a, {})
        f.update(tasks_planned=planned, tasks_done=draw(st.integers(0, planned)),
                 reports_on_time=draw(st.booleans()), report_complete=draw(st.booleans()),
                 plan_issue_self=draw(st.sampled_from(["on_time", "late", "none"])),
                 publish_points_self=str(draw(st.integers(0, 8)) / 4),
                 initiatives=draw(st.integers(0, 4)))
        if draw(st.booleans()):  # appraised, or not yet
            f["plan_issue"] = draw(st.sampled_from(["on_time", "late", "none"]))
            f["publish_points"] = str(draw(st.integers(0, 8)) / 4)
    return out


def run(data: dict[str, dict[str, object]], card: Scorecard = CARD) -> ScoreReport:
    facts = engine.facts_from_data(card.fact_plan, data, period="year")
    return engine.score(PLAN, card, facts, period="year")


def num(value: object) -> Fraction:
    assert isinstance(value, int | Fraction) and not isinstance(value, bool), value
    return Fraction(value)


def units(report: ScoreReport) -> list[UnitScore]:
    return [u for b in report.blocks for u in b.units]


@SETTINGS
@given(unit_facts(), st.integers(0, 30), st.integers(0, 30))
def test_raising_an_input_never_lowers_points(data: dict[str, dict[str, object]], a: int,
                                              b: int) -> None:
    points = []
    for done in sorted((a, b)):
        data["snv"].update(tasks_planned=30, tasks_done=done)
        data["snv"].update(dossiers_received=30, dossiers_on_time=done)
        unit = run(data).unit("snv")
        points.append((num(unit.criterion("1.1.2").points), num(unit.criterion("2.1").points)))
    before, after = points
    assert all(x <= y for x, y in zip(before, after, strict=True))


@SETTINGS
@given(unit_facts())
def test_a_criterion_that_applies_to_no_unit_changes_no_index(
        data: dict[str, dict[str, object]]) -> None:
    plain, extra = run(data), run(data, CARD_EXTRA)
    assert [(u.unit, u.index, u.rank, u.group) for u in units(plain)] == \
        [(u.unit, u.index, u.rank, u.group) for u in units(extra)]


@SETTINGS
@given(unit_facts())
def test_indices_groups_and_totals(data: dict[str, dict[str, object]]) -> None:
    report = run(data)
    for block in report.blocks:
        for u in block.units:
            assert not isinstance(u.index, Unknown)
            assert 0 <= num(u.index) <= 1
            band = next(b for b in block.block.classify if b.label == u.group)
            assert band.contains(num(u.index))  # the group is the band of the index
            leaves = [c for c in u.criteria if c.criterion.scored
                      and c.status != "not_applicable"]
            assert u.applicable_max == sum(c.max for c in leaves)
            assert u.criteria_points == sum(num(c.points) for c in leaves)
            bonus = min(sum(num(v) for k, _, v in u.adjustments if k == "bonus"), Fraction(1))
            assert u.bonus == bonus
            expected = min(max(num(u.criteria_points) + bonus, Fraction(0)), u.applicable_max)
            assert u.total == expected
            for c in leaves:
                assert c.criterion.floor <= num(c.points) <= c.criterion.max


@SETTINGS
@given(unit_facts())
def test_ranks_follow_the_indices(data: dict[str, dict[str, object]]) -> None:
    report = run(data)
    for block in report.blocks:
        ranked = [u for u in block.units if u.rank is not None]
        for x in ranked:
            for y in ranked:
                ties = block.block.tie_break == ("points",)  # the demo's departments
                key_x = (num(x.index), num(x.total) if ties else 0)
                key_y = (num(y.index), num(y.total) if ties else 0)
                if key_x > key_y:
                    assert num(x.rank) < num(y.rank)
                elif key_x == key_y:
                    assert x.rank == y.rank
        # ranks are 1, 2, 2, 4: each rank is one plus the number of units ranked above
        for u in ranked:
            assert u.rank == 1 + sum(1 for v in ranked if num(v.rank) < num(u.rank))


@SETTINGS
@given(unit_facts(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_order(data: dict[str, dict[str, object]],
                                              rnd: random.Random) -> None:
    report = run(data)
    shuffled = list(data.items())
    rnd.shuffle(shuffled)
    again = run(dict(shuffled))
    assert again.to_dict() == report.to_dict()
    for block in report.blocks:
        units_ = [dataclasses.replace(u, rank=None) for u in block.units]
        rnd.shuffle(units_)
        assert [(u.unit, u.rank) for u in _ranked(units_, block.block)] == \
            [(u.unit, u.rank) for u in block.units]
