"""``explain --agency A`` works over A's own population throughout (issue 15): the status,
aggregates, target, coverage, inputs and breakdown under the header are those of A's unit (A and
the agencies below it in the indicator's scope), exactly as the header's value is."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

import engine
from engine.render import render_explain
from engine.report import evaluate
from tests.evaluation.test_properties import SETTINGS, dossier_facts

ROOT = Path(__file__).resolve().parents[2]
SUMS = ("dossiers_settled_early", "dossiers_on_time", "dossiers_in_process_within_limit",
        "dossiers_received")


@pytest.fixture(scope="module")
def q1() -> tuple[engine.Facts, engine.Report]:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, [ROOT / "examples" / "2023" / "q1"])
    return facts, engine.evaluate(plan, facts, period="q1")


def _by_hand(file: str) -> dict[str, int]:
    """The sums of one district's fact file (the district and its communes), read as plain
    YAML, without the engine."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "2023" / "q1" / file)
                                          .read_text(encoding="utf-8"))
    return {f: sum(a[f] for a in data["agencies"].values()) for f in SUMS}


def test_the_aggregates_for_an_agency_sum_only_its_own_population(
        q1: tuple[engine.Facts, engine.Report]) -> None:
    facts, report = q1
    result = report.result("procedures.on_time")
    hand = _by_hand("huyen-mai_son.yaml")
    assert hand["dossiers_received"] == 4652  # the district and its 22 communes
    own = result.over_unit("mai_son")
    assert dict(own.terms) == {f"sum({f})": v for f, v in hand.items()}
    share = Fraction(hand["dossiers_settled_early"] + hand["dossiers_on_time"]
                     + hand["dossiers_in_process_within_limit"], hand["dossiers_received"])
    unit = next(u for u in result.agencies if u.agency == "mai_son")
    assert own.value == share == unit.value  # the header's value, worked out below it
    assert (own.status, own.target_value) == ("met", True) == (unit.status, True)
    assert own.coverage.to_dict() == {"expected": 23, "reported": 23, "missing_agencies": []}
    assert list(own.inputs) == ["mai_son", *unit.members]
    assert own.agencies == (unit,)
    lines = render_explain(result, "en", "mai_son", facts.where).splitlines()
    assert lines[1:3] == ["  status: met",
                          "  agency Mai Sơn District, with 22 agencies below it: 99.66% -> met"]
    assert "    sum(dossiers_received) = 4,652" in lines
    assert "        = 0.9965606191 (99.66%)" in lines
    assert "  coverage: 23 of 23 agencies reported" in lines
    assert lines[-2:] == ["  breakdown:", "    Mai Sơn District (+22 below): 99.66% -> met"]


def test_a_district_below_the_target_is_not_met_under_its_own_header(
        q1: tuple[engine.Facts, engine.Report]) -> None:
    facts, report = q1
    result = report.result("procedures.on_time")
    assert result.status == "met"  # the province
    hand = _by_hand("huyen-muong_la.yaml")
    lines = render_explain(result, "vi", "muong_la", facts.where).splitlines()
    assert lines[1:3] == ["  kết quả: Không đạt",
                          "  cơ quan Huyện Mường La, gồm 16 đơn vị trực thuộc: 98,98% -> Không đạt"]
    assert f"    sum(dossiers_received) = {hand['dossiers_received']:,}".replace(",", ".") \
        in lines  # written the Vietnamese way
    assert "  mục tiêu: value > 99% -> sai" in lines


def test_the_province_wide_explanation_is_unchanged(
        q1: tuple[engine.Facts, engine.Report]) -> None:
    _, report = q1
    result = report.result("procedures.on_time")
    assert dict(result.terms)["sum(dossiers_received)"] == 75154
    assert "  đã báo cáo: 236/236 cơ quan" in render_explain(result, "vi")
    assert "  coverage: 236 of 236 agencies reported" in render_explain(result, "en")


def test_a_commune_is_explained_with_its_district_and_a_single_agency_as_itself(
        q1: tuple[engine.Facts, engine.Report]) -> None:
    _, report = q1
    result = report.result("procedures.on_time")
    assert result.over_unit("mai_son_na_ot") == result.over_unit("mai_son")
    single = report.result("apparatus.satisfaction_admin")
    assert single.over_unit("tt_phvhc") is single
    with pytest.raises(ValueError, match="not in the scope"):
        result.over_unit("tinh")


@SETTINGS
@given(facts=dossier_facts())
def test_each_district_explained_sums_its_own_agencies(small_plan: engine.Plan,
                                                       facts: dict[str, dict[str, Any]]) -> None:
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    for district in ("h1", "h2"):
        own = result.over_unit(district)
        members = [district, f"{district}_x1", f"{district}_x2"]
        assert dict(own.terms) == {f"sum({f})": sum(facts[a][f] for a in members)
                                   for f in ("on_time", "received")}
        unit = next(u for u in result.agencies if u.agency == district)
        assert (own.status, own.value) == (unit.status, unit.value)
        assert set(own.inputs) == set(members)
        assert own.coverage.expected == 3
        assert result.over_unit(f"{district}_x2") == own
