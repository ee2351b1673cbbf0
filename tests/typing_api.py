"""The public API as an embedding portal uses it, with types: checked by ``mypy --strict``
(``assert_type`` pins what each call returns), and run by tests/test_library.py so it cannot
drift from what the library does.

Only names of ``engine`` itself are used here (docs/library.md, "The public surface").
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any, assert_type

import engine


def evaluate_a_period(plan_path: Path, facts_dir: Path) -> dict[str, Any]:
    """Load, evaluate, read one result, and refuse a misspelt area with its diagnostics."""
    plan = engine.load_plan(plan_path)
    assert_type(plan, engine.Plan)
    facts = engine.load_facts(plan, [facts_dir], period="q1")
    assert_type(facts, engine.Facts)
    report = engine.evaluate(plan, facts, period="q1", as_of=dt.date(2023, 3, 14))
    assert_type(report, engine.Report)
    result = report.result("procedures.on_time")
    assert_type(result, engine.IndicatorResult)
    units: tuple[engine.AgencyResult, ...] = result.agencies
    coverage: engine.Coverage = result.coverage
    treated: tuple[engine.Treatment, ...] = result.treated
    assert coverage.expected >= coverage.reported and len(units) > 0 and treated == ()
    printed: str = engine.format_value(result.value)
    assert printed
    codes: list[str] = []
    try:
        engine.evaluate(plan, facts, period="q1", area="procedure")
    except engine.ArgumentError as err:
        diagnostics: tuple[engine.Diagnostic, ...] = err.diagnostics
        codes = [d.code for d in diagnostics]
    assert codes == ["E801"]
    data: dict[str, Any] = report.to_dict()
    return data


def facts_from_code(plan: engine.Plan) -> engine.Report:
    """A mapping of values built in code, evaluated like loaded facts."""
    values = {"tt_phvhc": {"admin_satisfaction_rate": Fraction(9, 10)}}
    return engine.evaluate(plan, values, period="q1")


def a_formula() -> bool:
    """A formula on its own: compiled with the names it may use and their types."""
    symbols = engine.Symbols({"on_time": engine.Type.NUMBER, "received": engine.Type.NUMBER})
    formula = engine.compile_formula("on_time / received > 99%", symbols)
    assert_type(formula, engine.Formula)
    value = formula.evaluate(on_time=99, received=100)
    unknown = formula.evaluate(on_time=99)
    assert isinstance(unknown, engine.Unknown)
    reasons: frozenset[engine.Reason] = unknown.reasons
    assert reasons and engine.json_value(unknown) is None
    return value is False


def compare_and_test(old: engine.Plan, new: engine.Plan, cases: Path) -> bool:
    """A plan's semantic diff, and its test cases."""
    diff = engine.diff_plans(old, new)
    assert_type(diff, engine.PlanDiff)
    loaded = engine.load_cases([cases], new)
    results = engine.run_cases(loaded)
    first: engine.Case = loaded[0]
    outcome: engine.CaseResult = results[0]
    assert outcome.case == first
    try:
        engine.load_cases([cases.parent / "errors.yaml"], new)
    except engine.CaseError as err:
        assert isinstance(err, engine.EngineError)
    return diff.is_empty and all(r.passed for r in results)


def errors_are_one_family() -> tuple[type[engine.EngineError], ...]:
    return (engine.PlanError, engine.FactsError, engine.ArgumentError, engine.ExpressionError,
            engine.CaseError)
