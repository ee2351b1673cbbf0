"""Numbers longer than any real value are refused where they are read, with a located error,
never with Python's 4,300-digit ValueError (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engine
from engine.fact_values import MAX_DECIMALS, MAX_WHOLE_DIGITS

ROOT = Path(__file__).resolve().parents[2]
HUGE = "1" * 5000


@pytest.fixture(scope="module")
def plan() -> engine.Plan:
    return engine.load_plan(ROOT / "plans" / "2023.yaml")


@pytest.mark.parametrize("name, text", [
    ("f.yaml", f"plan: son-la-cchc-2023\nperiod: q1\nagencies:\n"
               f"  snv: {{dossiers_received: {HUGE}}}\n"),
    ("f.json", json.dumps({"plan": "son-la-cchc-2023", "period": "q1",
                           "agencies": {"snv": {"dossiers_received": 0}}})
     .replace("0}", HUGE + "}")),
    ("f.csv", f"period,agency,fact,value\nq1,snv,dossiers_received,{HUGE}\n"),
])
def test_a_huge_number_in_a_fact_file_is_a_located_e640(
        plan: engine.Plan, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(engine.FactsError) as info:
        engine.load_facts(plan, [path])
    (d,) = info.value.diagnostics
    assert d.code == "E640" and "more digits than any real value" in d.message
    assert d.span is not None and d.span.begin.line in (1, 2, 4)


@pytest.mark.parametrize("text, ok", [
    ("9" * MAX_WHOLE_DIGITS, True), ("9" * (MAX_WHOLE_DIGITS + 1), False),
    ("0." + "5" * MAX_DECIMALS, True), ("0." + "5" * (MAX_DECIMALS + 1), False),
])
def test_the_bound_is_the_documented_one(plan: engine.Plan, text: str, ok: bool) -> None:
    data = {"snv": {"dossiers_received": text}}
    if ok and "." not in text:
        assert engine.facts_from_data(plan, data, period="q1").get(
            "snv", "dossiers_received") == int(text)
    elif not ok:
        with pytest.raises(engine.FactsError) as info:
            engine.facts_from_data(plan, data, period="q1")
        assert "more digits than any real value" in info.value.diagnostics[0].message


def test_a_huge_year_in_a_plan_is_a_schema_error_not_a_traceback() -> None:
    text = (ROOT / "tests" / "data" / "plans" / "minimal.yaml").read_text("utf-8")
    text = text.replace("year: 2023", f"year: {HUGE}", 1)
    assert HUGE in text
    with pytest.raises(engine.PlanError) as info:
        engine.loads_plan(text, "plan.yaml")
    assert info.value.diagnostics[0].code == "E412"
