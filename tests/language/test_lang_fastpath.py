"""The generated fast path agrees with the reference closures wherever it answers."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lang_strategies import PER_AGENCY, contexts, typed_trees

from engine.codegen import FALLBACK_ERRORS, generate, generate_each
from engine.evaluator import Context, Row, compile_expr
from engine.parser import parse
from engine.values import Unknown

PER = frozenset(PER_AGENCY)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return False
    return type(a) is type(b) or ((isinstance(a, int | Fraction) and isinstance(b, int | Fraction)
                                  and not isinstance(a, bool) and not isinstance(b, bool)) \
        and a == b)


@settings(max_examples=600, deadline=None)
@given(tree=typed_trees(), ctx=contexts())
def test_fast_path_answers_only_what_the_reference_answers(tree: Any, ctx: Context) -> None:
    expr, _ = tree
    reference = compile_expr(expr, PER).fn(ctx, None)
    _, fast = generate(expr, PER)
    try:
        value = fast(ctx.scalars, ctx.population)
    except FALLBACK_ERRORS:
        return
    assert not isinstance(reference, Unknown), (expr, value, reference)
    assert value == reference and _same(value, reference), (expr, value, reference)


@settings(max_examples=200, deadline=None)
@given(tree=typed_trees(), ctx=contexts(), unknown=st.sampled_from(["n1", "b1", "d1", "t1"]))
def test_unknown_scalars_always_take_the_reference_path(tree: Any, ctx: Context,
                                                        unknown: str) -> None:
    expr, _ = tree
    scalars = {**ctx.scalars, unknown: Unknown.missing(unknown, "x")}
    ctx = Context(scalars, ctx.population, ctx.subject)
    reference = compile_expr(expr, PER).fn(ctx, None)
    _, fast = generate(expr, PER)
    try:
        value = fast(ctx.scalars, ctx.population)
    except FALLBACK_ERRORS:
        return
    assert value == reference and not isinstance(reference, Unknown)


@pytest.mark.parametrize("text,row,expected", [
    ("a / b >= 99%", {"a": 99, "b": 100}, True),
    ("a / b > 99%", {"a": 99, "b": 100}, False),
    ("a / b > 99%", {"a": 99, "b": 0}, None),
    ("a / b > 99%", {"a": Fraction(99, 2), "b": 50}, False),
    ("s >= 90%", {"s": Fraction(9, 10)}, True),
    ("s >= 90%", {"s": Fraction(899, 1000)}, False),
    ("90% <= s", {"s": 1}, True),
    ("d <= 2023-01-10", {"d": dt.date(2023, 1, 10)}, True),
    ("a / b >= 99%", {"a": 1}, None),
])
def test_batch_rows(text: str, row: dict[str, Any], expected: bool | None) -> None:
    from engine.codegen import Bail

    _, each = generate_each(parse(text))
    [value], bailed = each([row])
    assert bailed == (expected is None)
    assert (value is Bail) if expected is None else (value is expected)


def test_sum_of_shares_is_exact() -> None:
    expr = parse("sum(s) == 3 and avg(s) == 1 / 3")
    rows = tuple(Row(f"a{i}", "commune", {"s": Fraction(1, 3)}) for i in range(9))
    _, fast = generate(expr, {"s"})
    assert fast({}, rows) is True
    assert compile_expr(expr, {"s"}).fn(Context({}, rows), None) is True


@settings(max_examples=200, deadline=None)
@given(tree=typed_trees(), ctx=contexts())
def test_evaluate_each_equals_one_evaluation_per_agency(tree: Any, ctx: Context) -> None:
    expr, _ = tree
    program = compile_expr(expr, PER)
    rows = [Row(r.agency, r.kind, {**ctx.scalars, **r.facts}) for r in ctx.population]
    expected = [program.fn(Context(r.facts, (r,), r.agency), None) for r in rows]
    assert program.evaluate_each(rows) == expected
