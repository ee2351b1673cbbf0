"""Laws of evaluation, as hypothesis properties over generated fact sets."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.evaluator import Program
from engine.report import evaluate
from tests.evaluation.evalplan import RECEIVING, REPORTING, SMALL_PLAN, full_facts, write_plan

ROOT = Path(__file__).resolve().parents[2]
Facts = dict[str, dict[str, Any]]

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

counts = st.integers(min_value=0, max_value=5000)


@st.composite
def dossier_facts(draw: st.DrawFn) -> Facts:
    facts: Facts = full_facts()
    for a in RECEIVING:
        received = draw(counts)
        on_time = draw(st.integers(min_value=0, max_value=received))
        late = received - on_time
        facts[a].update(received=received, on_time=on_time, late=late,
                        apologised=draw(st.integers(min_value=0, max_value=late)))
    for a in REPORTING:
        facts[a]["issued"] = draw(st.booleans())
        facts[a]["issued_on"] = draw(st.dates(dt.date(2023, 1, 1), dt.date(2023, 1, 20)))
    return facts


def _outcome(report: engine.Report) -> dict[str, object]:
    return {r.id: (r.status, r.value, sorted((a.agency, a.status, str(a.value))
                                              for a in r.agencies), r.missing)
            for r in report.results}


@SETTINGS
@given(facts=dossier_facts(), seed=st.integers(0, 10**6))
def test_results_do_not_depend_on_the_order_of_agencies_or_facts(
        small_plan: engine.Plan, facts: Facts, seed: int) -> None:
    rng = random.Random(seed)
    shuffled = {a: dict(rng.sample(list(f.items()), len(f)))
                for a, f in rng.sample(list(facts.items()), len(facts))}
    first = evaluate(small_plan, facts, period="q1")
    second = evaluate(small_plan, shuffled, period="q1")
    assert _outcome(first) == _outcome(second)


def test_results_do_not_depend_on_the_order_of_the_registry(tmp_path: Path,
                                                             small_plan: engine.Plan) -> None:
    lines = SMALL_PLAN.splitlines()
    start = lines.index("agencies:") + 1
    end = lines.index("groups:")
    body = lines[start:end]
    reordered = lines[:start] + list(reversed(body)) + lines[end:]
    other = engine.load_plan(write_plan(tmp_path, "\n".join(reordered) + "\n"))
    facts: Facts = full_facts()
    facts["h1_x1"].update(on_time=10)
    assert _outcome(evaluate(small_plan, facts, period="q1")) == \
        _outcome(evaluate(other, facts, period="q1"))


@SETTINGS
@given(facts=dossier_facts())
def test_province_value_equals_the_roll_up_through_districts(small_plan: engine.Plan,
                                                              facts: Facts) -> None:
    report = evaluate(small_plan, facts, period="q1")
    count = report.result("procedures.on_time_count")
    assert count.value == sum(a.value for a in count.agencies)  # type: ignore[misc]
    ratio = report.result("procedures.on_time")
    received = sum(facts[a]["received"] for a in RECEIVING)
    if received:
        assert ratio.value * received == count.value


@SETTINGS
@given(facts=dossier_facts(), agency=st.sampled_from(RECEIVING),
       extra=st.integers(min_value=1, max_value=500))
def test_more_on_time_dossiers_never_turn_met_into_not_met(
        small_plan: engine.Plan, facts: Facts, agency: str, extra: int) -> None:
    before = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    facts[agency]["received"] += extra
    facts[agency]["on_time"] += extra
    after = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    if before.status == "met":
        assert after.status == "met"
    if not isinstance(before.value, engine.Unknown):
        assert after.value >= before.value  # type: ignore[operator]


@SETTINGS
@given(facts=dossier_facts(), agency=st.sampled_from(RECEIVING),
       fact=st.sampled_from(["received", "on_time"]))
def test_not_reported_never_counts_as_zero(small_plan: engine.Plan, facts: Facts, agency: str,
                                           fact: str) -> None:
    del facts[agency][fact]
    result = evaluate(small_plan, facts, period="q1").result("procedures.on_time")
    assert result.status in ("unknown", "not_applicable")
    if result.status == "unknown":
        assert (agency, fact) in result.missing
    zero = {**facts, agency: {**facts[agency], fact: 0}}
    assert evaluate(small_plan, zero, period="q1").result("procedures.on_time").missing == ()


@SETTINGS
@given(facts=dossier_facts())
def test_json_of_two_runs_is_identical(small_plan: engine.Plan, facts: Facts) -> None:
    a = json.dumps(evaluate(small_plan, facts, period="q1").to_dict(), ensure_ascii=False)
    b = json.dumps(evaluate(small_plan, facts, period="q1").to_dict(), ensure_ascii=False)
    assert a == b


# -- the fast path changes no result ----------------------------------------------------------


@contextmanager
def reference_only() -> Iterator[None]:
    """Every formula evaluated by the reference closures alone (no generated code)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Program, "fast", property(lambda self: None))
        yield


def _typed(value: object) -> tuple[type, object]:
    return type(value), value


def _exact_outcome(report: engine.Report) -> dict[str, object]:
    """Every status and value of the report, each value with its type (so ``1`` and
    ``Fraction(1, 1)`` differ)."""
    return {r.id: (r.status, _typed(r.value), _typed(r.target_value), _typed(r.applicable),
                   r.reasons, [(a.agency, a.status, _typed(a.value), a.missing)
                               for a in r.agencies])
            for r in report.results}


@SETTINGS
@given(facts=dossier_facts(), gaps=st.sets(st.sampled_from(RECEIVING)))
def test_the_fast_path_changes_no_result(small_plan: engine.Plan, facts: Facts,
                                         gaps: set[str]) -> None:
    for agency in gaps:  # some agencies did not report: the reference answers for them
        del facts[agency]["on_time"]
    fast = _exact_outcome(evaluate(small_plan, facts, period="q1"))
    with reference_only():
        reference = _exact_outcome(evaluate(small_plan, facts, period="q1"))
    assert fast == reference


@pytest.mark.parametrize("period", ["q1", "year"])
def test_the_fast_path_changes_no_result_of_the_example_plan(period: str) -> None:
    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, [ROOT / "examples" / "2023" / period])
    fast = _exact_outcome(evaluate(plan, facts, period=period))
    with reference_only():
        reference = _exact_outcome(evaluate(plan, facts, period=period))
    assert fast == reference
