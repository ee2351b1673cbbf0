"""The bound of exact numbers (engine.values.MAX_EXACT_DIGITS): an operation beyond it is unknown
with a located reason, in the reference and in the generated fast path alike; under it nothing
changes. The cost side (a plan, `cchc expr`) is in tests/hostile/test_cost.py."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.builtins import BOOL, NUMBER
from engine.checker import check
from engine.codegen import generate
from engine.evaluator import Context, Row, compile_expr
from engine.messages import describe_reason
from engine.nodes import Aggregate, Binary, Call, Compare, Expr, Name, Number, Unary
from engine.parser import parse
from engine.source import Source
from engine.values import (
    MAX_EXACT_BITS,
    MAX_EXACT_DIGITS,
    TooLarge,
    Unknown,
    Value,
    fits,
    total,
)
from tests.language.lang_strategies import (
    PER_AGENCY,
    SCALARS,
    SYMBOLS,
    same,
    typed,
    typed_trees,
)
from tests.language.test_lang_fastpath import _check_fast_path

PER = frozenset(PER_AGENCY)
LIMIT = 2**MAX_EXACT_BITS
BEYOND = f"beyond the limit of exact arithmetic ({MAX_EXACT_DIGITS} digits)"


def _norm(x: Fraction) -> int | Fraction:
    return x.numerator if x.denominator == 1 else x


# -- values near the bound -----------------------------------------------------------------------

#: Whole numbers of any size within the bound, most of them large: a product of two of them is
#: as likely beyond the bound as within it.
_big_ints = st.one_of(
    st.integers(-(LIMIT - 1), LIMIT - 1),
    # (2**MAX_EXACT_BITS is just past LIMIT: clamp, so that every number drawn is within it)
    st.integers(1, MAX_EXACT_BITS).flatmap(lambda bits: st.integers(-(2**bits), 2**bits)).map(
        lambda n: max(-(LIMIT - 1), min(LIMIT - 1, n))),
    st.sampled_from([LIMIT - 1, -(LIMIT - 1), 2**(MAX_EXACT_BITS // 2), 10**999, 10**500]),
)
_big_fractions = st.builds(
    lambda n, d: _norm(Fraction(n, d)), _big_ints,
    st.integers(1, MAX_EXACT_BITS).flatmap(lambda bits: st.integers(1, 2**bits - 1)))
big_numbers = st.one_of(_big_ints, _big_fractions, st.integers(-10**6, 10**6),
                        st.fractions(max_denominator=1000).map(_norm))

_values = {
    "number": big_numbers,
    "bool": st.booleans(),
    "date": st.dates(),
    "text": st.sampled_from(["commune", "district", "A", "B", ""]),
}


def _facts(draw: st.DrawFn, names: dict[str, Any], every: bool,
           pool: list[int | Fraction] | None = None) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for name, t in names.items():
        if every or draw(st.booleans()):
            if t.value == "number" and pool:  # a few large numbers, shared by many rows
                out[name] = pool[draw(st.integers(0, len(pool) - 1))]
            else:
                out[name] = draw(_values[t.value])
    return out


@st.composite
def big_contexts(draw: st.DrawFn, population: tuple[int, int] = (0, 4),
                 every: bool = False) -> Context:
    """Scalars and a population whose numbers are within the bound, many of them near it
    (with ``every``, every fact is reported). A large population (every agency reporting
    every fact) draws its numbers from a few."""
    scalars = _facts(draw, SCALARS, every=every)
    large = population[0] > 0
    pool = draw(st.lists(big_numbers, min_size=1, max_size=4)) if large else None
    rows = tuple(Row(f"a{i}", draw(st.sampled_from(["commune", "district"])),
                     _facts(draw, PER_AGENCY, every=large or every, pool=pool))
                 for i in range(draw(st.integers(*population))))
    return Context(scalars, rows, "subject")


def _arith(in_agg: bool, depth: int = 3) -> st.SearchStrategy[Expr]:
    """Arithmetic over the numbers of a context, where the bound is met: products, quotients,
    sums and rounding of large numbers, inside and outside aggregates."""
    names = ["n1", "n2", *(["pn", "pm"] if in_agg else [])]
    literals: list[int | Fraction] = [0, 1, 3, 10**6, Fraction(1, 3), Fraction(99, 100)]
    leaf: st.SearchStrategy[Expr] = st.one_of(
        st.sampled_from(names).map(Name), st.sampled_from(literals).map(lambda v: Number(v)))
    if depth == 0:
        return leaf
    sub = _arith(in_agg, depth - 1)
    options: list[st.SearchStrategy[Expr]] = [
        leaf,
        st.builds(Binary, st.sampled_from(["+", "-", "*", "*", "/"]), sub, sub),
        st.builds(Unary, st.just("-"), sub),
        st.builds(lambda x, d: Call("round", (x, Number(d))), sub, st.integers(0, 12)),
        st.builds(lambda f, x, y: Call(f, (x, y)), st.sampled_from(["min", "max"]), sub, sub),
    ]
    if not in_agg:
        options.append(st.builds(Aggregate, st.sampled_from(["sum", "avg"]),
                                 _arith(True, depth - 1)))
    return st.one_of(options)


_limit_values: list[int | Fraction] = [0, 1, Fraction(99, 100), 10**6]
_limits = st.sampled_from(_limit_values).map(lambda v: Number(v))
_comparisons = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
#: Numbers near the bound, and the comparisons the fast path rewrites: with a literal, and of a
#: quotient with a literal (cross-multiplied).
_bound_trees = st.one_of(
    _arith(False),
    st.builds(lambda a, op, k: Compare((op,), (a, k)), _arith(False), _comparisons, _limits),
    st.builds(lambda a, b, op, k: Compare((op,), (Binary("/", a, b), k)),
              _arith(False, 2), _arith(False, 2), _comparisons, _limits),
)


@settings(max_examples=500, deadline=None)
@given(expr=_bound_trees, ctx=big_contexts(every=True))
def test_fast_path_agrees_with_the_reference_near_the_bound(expr: Any, ctx: Context) -> None:
    _check_fast_path(expr, ctx)


@settings(max_examples=200, deadline=None)
@given(tree=typed_trees(), ctx=big_contexts())
def test_fast_path_agrees_on_any_formula_with_large_numbers(tree: Any, ctx: Context) -> None:
    _check_fast_path(tree[0], ctx)


#: Sums and averages over a large population (the fixed-point and common-denominator paths).
_sums = st.builds(Aggregate, st.sampled_from(["sum", "avg"]),
                  st.one_of(st.sampled_from(["pn", "pm"]).map(Name),
                            typed(NUMBER, 1, in_agg=True)),
                  st.none() | typed(BOOL, 1, in_agg=True))


@settings(max_examples=60, deadline=None)
@given(expr=st.one_of(_sums, st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), _sums,
                                       _sums)),
       ctx=big_contexts(population=(64, 70)))
def test_fast_path_agrees_over_large_populations_near_the_bound(expr: Any,
                                                                ctx: Context) -> None:
    _check_fast_path(expr, ctx)


# -- the reference: exactly Fraction arithmetic under the bound, unknown beyond it ---------------

_OPS = {"+": Fraction.__add__, "-": Fraction.__sub__, "*": Fraction.__mul__,
        "/": Fraction.__truediv__}


@settings(max_examples=400, deadline=None)
@given(a=big_numbers, b=big_numbers, op=st.sampled_from(sorted(_OPS)))
def test_an_operation_is_fraction_arithmetic_or_unknown_beyond_the_bound(
        a: int | Fraction, b: int | Fraction, op: str) -> None:
    program = compile_expr(parse(f"n1 {op} n2"))
    got = program.evaluate(Context({"n1": a, "n2": b}))
    if op == "/" and b == 0:
        assert isinstance(got, Unknown)
        return
    exact = _OPS[op](Fraction(a), Fraction(b))
    if fits(exact):
        assert same(got, _norm(exact))
    else:
        assert isinstance(got, Unknown)
        assert [describe_reason(r) for r in got.sorted_reasons()] == [
            f"'{op}' at <input>:1:4 makes a number {BEYOND}"]


@settings(max_examples=150, deadline=None)
@given(values=st.lists(big_numbers, max_size=80))
def test_a_sum_is_exact_or_beyond_the_bound(values: list[int | Fraction]) -> None:
    exact = sum((Fraction(v) for v in values), Fraction(0))
    common = 1
    for v in values:
        common = common * Fraction(v).denominator // _gcd(common, Fraction(v).denominator)
    try:
        got = total(values)
    except TooLarge:
        assert not fits(exact) or common >= LIMIT
        return
    assert fits(exact) and common < LIMIT
    assert same(got, _norm(exact))


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# -- where the reason points ---------------------------------------------------------------------

@pytest.mark.parametrize(("formula", "where"), [
    ("n1 * n1", "'*' at <input>:1:4"),
    ("(n1) * # a comment with * and /\n (n1)", "'*' at <input>:1:6"),
    ("n1 * n1 / 1", "'*' at <input>:1:4"),
    ("1 / (1 / n1 / n1)", "'/' at <input>:1:13"),
    ("n1 + n1 * 1", "'+' at <input>:1:4"),
    ("-n1 - n1", "'-' at <input>:1:5"),
    ("round(n2, 12)", "round() at <input>:1:1"),
    ("sum(pn)", "sum() at <input>:1:1"),
    ("1 + avg(pn * 1)", "avg() at <input>:1:5"),
])
def test_the_reason_names_the_operator_and_its_place(formula: str, where: str) -> None:
    big = LIMIT - 1
    ctx = Context({"n1": big, "n2": Fraction(big, 7)},
                  (Row("a", "commune", {"pn": big}), Row("b", "commune", {"pn": big})), "")
    program = compile_expr(parse(formula), PER)
    value = program.evaluate(ctx)
    assert isinstance(value, Unknown), value
    assert [describe_reason(r) for r in value.sorted_reasons()] == [
        f"{where} makes a number {BEYOND}"]
    assert same(program.fn(ctx, None), value)  # the fast path handed over to the reference


def test_the_place_is_in_the_file_a_formula_was_cut_out_of() -> None:
    plan = Source("plan.yaml", "value: |\n  n1\n    * n1\n")
    formula = Source("<formula>", "n1\n  * n1", parent=plan,
                     origin=(11, 12, 13, 16, 17, 18, 19, 20, 21, 22))
    value = compile_expr(parse(formula.text, formula)).evaluate(n1=LIMIT - 1)
    assert isinstance(value, Unknown)
    assert [r.detail for r in value.sorted_reasons()] == [
        f"'*' at plan.yaml:3:5 makes a number {BEYOND}"]


def test_an_unknown_beyond_the_bound_spreads_like_any_unknown() -> None:
    program = compile_expr(parse("n1 * n1 * n1 + 1 > 0 or n2 > 0"))
    value = program.evaluate(n1=10**400, n2=-1)
    assert isinstance(value, Unknown)
    assert [r.detail for r in value.sorted_reasons()] == [
        f"'*' at <input>:1:9 makes a number {BEYOND}"]
    assert program.evaluate(n1=10**400, n2=1) is True  # Kleene: the other side decides


# -- the fast path hands over exactly where the reference says unknown ---------------------------

@pytest.mark.parametrize(("formula", "scalars"), [
    # A quotient of two fractions within the bound may be beyond it: the cross-multiplied
    # comparison must not answer where the reference has no value.
    ("n1 / n2 >= 99%", {"n1": Fraction(LIMIT - 1, 3), "n2": Fraction(5, LIMIT - 3)}),
    ("n1 / n2 < 1", {"n1": Fraction(2**3000 + 1, 2**3000), "n2": Fraction(3**1800, 2**300)}),
    # A product beyond the bound divided back under it.
    ("n1 * n1 / n1 == n1", {"n1": 10**600}),
    ("round(n1, 12)", {"n1": Fraction(LIMIT - 1, 7)}),
])
def test_the_fast_path_hands_over_where_the_reference_is_unknown(
        formula: str, scalars: dict[str, Value]) -> None:
    expr = parse(formula)
    check(expr, SYMBOLS)
    program = compile_expr(expr, PER)
    ctx = Context(scalars)
    reference = program.fn(ctx, None)
    assert isinstance(reference, Unknown)
    _, fast = generate(expr, PER)
    with pytest.raises(TooLarge):
        fast(ctx.scalars, ())
    assert same(program.evaluate(ctx), reference)


@pytest.mark.parametrize("n", [3, 63, 64, 200])
def test_a_sum_of_fractions_with_large_denominators_stops_at_the_bound(n: int) -> None:
    """1/p for distinct large p: the common denominator passes the bound after two terms, and
    both paths stop there instead of building a denominator of n * 1600 digits."""
    rows = tuple(Row(f"a{i}", "commune", {"pn": Fraction(1, 2**1700 + 2 * i + 1)})
                 for i in range(n))
    for formula, where in [("sum(pn)", ["sum() at <input>:1:1"]),
                           ("avg(pn)", ["avg() at <input>:1:1"]),
                           ("sum(pn * 1)", ["sum() at <input>:1:1"]),
                           ("sum(pn) - sum(pn)",
                            ["sum() at <input>:1:1", "sum() at <input>:1:11"])]:
        program = compile_expr(parse(formula), PER)
        value = program.evaluate(Context({}, rows))
        assert isinstance(value, Unknown), formula
        assert [r.detail for r in value.sorted_reasons()] == [
            f"{w} makes a number {BEYOND}" for w in where]
        assert same(program.fn(Context({}, rows), None), value)


def test_cancelling_terms_do_not_hide_a_common_denominator_beyond_the_bound() -> None:
    """The rule is about the terms, not only the result: 1/p + 1/q - 1/p - 1/q is 0, but its
    terms need a denominator of p * q."""
    p, q = 2**1700 + 1, 2**1700 + 3
    terms = [Fraction(1, p), Fraction(1, q), Fraction(-1, p), Fraction(-1, q)]
    with pytest.raises(TooLarge):
        total(terms)
    rows = tuple(Row(f"a{i}", "commune", {"pn": v}) for i, v in enumerate(terms))
    value = compile_expr(parse("sum(pn)"), PER).evaluate(Context({}, rows))
    assert isinstance(value, Unknown)


# -- what comes in is within the bound ---------------------------------------------------------

def test_a_literal_beyond_the_bound_is_e108() -> None:
    from engine.diagnostics import ExpressionError

    with pytest.raises(ExpressionError) as info:
        parse("n1 + 1" + "0" * 1001 + " + 0.5%")
    (d,) = info.value.diagnostics
    assert (d.code, d.span.begin.col if d.span else 0) == ("E108", 6)
    assert d.message == f"this number is {BEYOND}"
    assert isinstance(parse("9" * 1000), Number)  # 1000 digits: within it
    with pytest.raises(ExpressionError):
        parse("0." + "0" * 998 + "1%")  # 10**-1001: its denominator is beyond it


def test_numbers_given_to_an_evaluation_are_within_the_bound() -> None:
    with pytest.raises(ValueError, match=re.escape(f"pn is a number {BEYOND}")):
        Row("a", "commune", {"pn": LIMIT})
    with pytest.raises(ValueError, match=re.escape(f"pn is a number {BEYOND}")):
        Row("a", "commune", {"pn": Fraction(1, LIMIT)})
    program = compile_expr(parse("n1 + 1"))
    with pytest.raises(ValueError, match=re.escape(f"n1: a number {BEYOND}")):
        program.evaluate(n1=-LIMIT)
    assert program.evaluate(n1=LIMIT - 2) == LIMIT - 1


def test_a_comparison_makes_no_number_and_needs_no_bound() -> None:
    assert compile_expr(parse("n1 > n2")).evaluate(n1=LIMIT - 1, n2=LIMIT - 2) is True
    assert compile_expr(parse("n1 / n2 >= 99%")).evaluate(n1=LIMIT - 1, n2=LIMIT - 1) is True
