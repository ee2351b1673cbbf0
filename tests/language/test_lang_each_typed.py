"""The typed branch of ``Formula.evaluate_each`` (``engine.codegen.typed_branch``): for agencies
whose values have the types of the first one (``int`` counts, ``float`` shares, as
``json.loads`` gives them), one guard checks every value and the rule runs with nothing left to
check. It must agree with the reference closures value for value and error for error, for
values of those types at every edge (the bounds of the guard and of exact numbers, floats next
to the thresholds, not finite ones) and for values of other types (which take the general
branch)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import engine
from engine.codegen import generate_each, typed_branch
from engine.nodes import Binary, Bool, Compare, Expr, Name, Number, Unary, free_names
from engine.parser import parse
from engine.values import EXACT_LIMIT
from tests.language.lang_strategies import decimals, same
from tests.language.test_lang_each import NUMBERS, _formula, _reference

_NAMES = ["n1", "n2", "pn", "pm"]
_ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
_name = st.sampled_from(_NAMES).map(Name)
_literal = st.one_of(decimals.map(Number), decimals.map(lambda d: Number(Fraction(d) / 100,
                                                                         True)),
                     st.sampled_from([Number(0), Number(1), Number(Fraction(99, 100), True)]))
_positive = st.one_of(decimals.filter(lambda d: d > 0).map(Number),
                      st.sampled_from([Number(100), Number(Fraction(1, 3)),
                                       Number(10**600)]))


def _ratio(x: Expr, y: Expr) -> Expr:
    return Binary("/", x, y)


#: The atoms the typed branch takes: a name, a ratio of names (a factor on the ratio or on its
#: numerator), each against a literal, on either side.
_atoms = st.one_of(
    st.builds(lambda x, op, k: Compare((op,), (x, k)), _name, _ops, _literal),
    st.builds(lambda x, op, k: Compare((op,), (k, x)), _name, _ops, _literal),
    st.builds(lambda x, c, op, k: Compare((op,), (Binary("*", x, c), k)),
              _name, _positive, _ops, _literal),
    st.builds(lambda x, c, op, k: Compare((op,), (k, Binary("*", c, x))),
              _name, _positive, _ops, _literal),
    st.builds(lambda x, y, op, k: Compare((op,), (_ratio(x, y), k)), _name, _name, _ops,
              _literal),
    st.builds(lambda x, y, c, op, k: Compare((op,), (Binary("*", _ratio(x, y), c), k)),
              _name, _name, _positive, _ops, _literal),
    st.builds(lambda x, y, c, op, k: Compare((op,), (_ratio(Binary("*", c, x), y), k)),
              _name, _name, _positive, _ops, _literal),
)

_rules = st.recursive(
    _atoms | st.sampled_from([Bool(True), Bool(False)]),
    lambda inner: st.one_of(
        st.builds(lambda a: Unary("not", a), inner),
        st.builds(lambda a, b: Binary("and", a, b), inner, inner),
        st.builds(lambda a, b: Binary("or", a, b), inner, inner),
    ),
    max_leaves=4,
)

_SMALL = (1 << 30) - 1
_ints = st.one_of(
    st.integers(-5000, 5000),
    st.sampled_from([0, 1, -1, 99, 100, _SMALL, -_SMALL, _SMALL + 1, -_SMALL - 1,
                     EXACT_LIMIT - 1, EXACT_LIMIT, -EXACT_LIMIT + 1, -EXACT_LIMIT]),
    st.integers(-(2**70), 2**70),
)


def _near(k: Fraction) -> st.SearchStrategy[float]:
    f = float(k)
    return st.sampled_from([f, math.nextafter(f, math.inf), math.nextafter(f, -math.inf)])


_floats = st.one_of(
    decimals.map(float), decimals.map(lambda d: float(Fraction(d) / 100)),
    decimals.flatmap(lambda d: _near(Fraction(d))),
    decimals.flatmap(lambda d: _near(Fraction(d) / 100)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 0.99, 0.9, 1e308, -1e308, 5e-324, math.inf, -math.inf,
                     math.nan]),
)
#: A value of another kind than the signature's (the general branch takes it).
_others = st.sampled_from([None, True, False, "0.5", Fraction(1, 3), "x"])


@st.composite
def _typed_agencies(draw: st.DrawFn, names: list[str]) -> tuple[dict[str, type],
                                                                list[dict[str, Any]]]:
    types = {n: draw(st.sampled_from([int, float])) for n in names}
    agencies = []
    for _ in range(draw(st.integers(1, 5))):
        d: dict[str, Any] = {}
        for n in names:
            choice = draw(st.integers(0, 12))
            if choice == 0:
                continue  # not given
            if choice == 1:
                d[n] = draw(_others)
            elif choice == 2:  # the other numeric type
                d[n] = draw(_floats if types[n] is int else _ints)
            else:
                d[n] = draw(_ints if types[n] is int else _floats)
        agencies.append(d)
    return types, agencies


def _check(expr: Expr, types: dict[str, type], agencies: list[dict[str, Any]]) -> None:
    formula = _formula(expr)
    made = generate_each(expr, NUMBERS, types)
    assert made is not None
    each = made[1]
    for d in agencies:
        expected = _reference(formula, d)
        if isinstance(expected, type):
            with pytest.raises(expected):
                each([d], formula._one)
        else:
            got = each([d], formula._one)[0]
            assert same(got, expected), (expr, types, d, got, expected)


@settings(max_examples=600, deadline=None)
@given(data=st.data(), expr=_rules)
@example(data=None, expr=parse("n1 / n2 >= 99% and pn >= 90%"))
def test_the_typed_branch_equals_the_reference(data: Any, expr: Expr) -> None:
    names = sorted(free_names(expr))
    if data is None:  # the example: the edges of the B1 rule, by hand
        types = {"n1": int, "n2": int, "pn": float}
        agencies: list[dict[str, Any]] = [
            {"n1": 99, "n2": 100, "pn": 0.9}, {"n1": 98, "n2": 100, "pn": 0.9},
            {"n1": 99, "n2": 100, "pn": 0.8999999999999999}, {"n1": 1, "n2": 0, "pn": 1.0},
            {"n1": 99, "n2": 100, "pn": math.nan}, {"n1": 0, "n2": 100, "pn": math.inf},
            {"n1": EXACT_LIMIT, "n2": 100, "pn": 0.95}, {"n1": True, "n2": 1, "pn": 0.95},
            {"n1": 99, "n2": -100, "pn": 0.95}, {"n1": _SMALL + 1, "n2": _SMALL, "pn": 0.9},
        ]
    else:
        types, agencies = data.draw(_typed_agencies(names))
    _check(expr, types, agencies)


@settings(max_examples=500, deadline=None)
@given(data=st.data(), expr=_rules)
def test_evaluate_each_picks_the_types_of_the_first_agency(data: Any, expr: Expr) -> None:
    # Through the public API: the first agency's types pick the typed branch; the others take
    # it or not, value by value, and every answer is the reference's.
    names = sorted(free_names(expr))
    _, agencies = data.draw(_typed_agencies(names))
    formula = _formula(expr)
    expected = [_reference(formula, d) for d in agencies]
    if any(isinstance(e, type) for e in expected):
        first = next(e for e in expected if isinstance(e, type))
        with pytest.raises(first):
            formula.evaluate_each(agencies)
        return
    got = formula.evaluate_each(iter(agencies))
    assert len(got) == len(expected)
    for g, e, d in zip(got, expected, agencies, strict=True):
        assert same(g, e), (expr, d, g, e)


def test_the_b1_rule_has_a_typed_branch_with_its_checks_in_one_guard() -> None:
    expr = parse("n1 / n2 >= 99% and pn >= 90%")
    branch = typed_branch(expr, {"n1": int, "n2": int, "pn": float}, NUMBERS)
    assert branch is not None
    guard, body, _ = branch
    # the types in one guard; the range of each value checked in the chain that compares it
    assert guard == ("type(_v2 := d['n1']) is type(_v3 := d['n2']) is int and "
                     "type(_v1 := d['pn']) is float")
    assert "0 < 99 * _v3 <= _v2 * 100 <= " in body and "0.9 <= _v1 < 1e999" in body
    # a ratio of floats, a text, an aggregate: no typed branch
    assert typed_branch(expr, {"n1": float, "n2": int, "pn": float}, NUMBERS) is None
    assert typed_branch(parse("n1 + 1 > 2"), {"n1": int}, NUMBERS) is None
    assert typed_branch(parse("t1 == \"A\""), {"t1": int}, NUMBERS) is None


def test_the_typed_branch_is_made_once_per_signature() -> None:
    numbers = {"a": engine.Type.NUMBER, "b": engine.Type.NUMBER}
    formula = engine.compile_formula("a / b * 100 >= 99", engine.Symbols(numbers))
    assert formula.evaluate_each([{"a": 99, "b": 100}, {"a": 0.5, "b": 1}]) == [True, False]
    assert formula.evaluate_each([{"a": 0.99, "b": 1}]) == [True]  # no typed branch: a float
    assert formula.evaluate_each([]) == []
    assert sorted(formula._typed.values(), key=lambda f: f is None)[-1] is None
    assert len(formula._typed) == 2


_INT_EDGES = [0, 1, -1, 99, 100, -100, 3, _SMALL, _SMALL + 1, -_SMALL, -_SMALL - 1, 2**40,
              99 * _SMALL, 100 * _SMALL, EXACT_LIMIT - 1, EXACT_LIMIT, -EXACT_LIMIT,
              # the bounds of the chains (multiples of the threshold's parts below 2**30)
              _SMALL // 99, _SMALL // 99 + 1, _SMALL // 100, _SMALL // 100 + 1, _SMALL // 3,
              _SMALL // 3 + 1, -(_SMALL // 100), -(_SMALL // 100) - 1, -(_SMALL // 3) - 1]
_FLOAT_EDGES = [0.9, math.nextafter(0.9, 1), math.nextafter(0.9, 0), 0.99, 0.0, -0.0, 1.0,
                1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
@pytest.mark.parametrize("text", [
    "n1 / n2 {op} 99%", "n1 / n2 * 100 {op} 99", "100 * n1 / n2 {op} 99", "n1 / n2 {op} 0",
    "n1 / n2 {op} -1", "n1 / n2 {op} 3", "n1 {op} 5", "n1 * 100 {op} 99", "n1 {op} -3",
    "n1 {op} 99%", "99 {op} n1 / n2",
])
def test_the_typed_branch_at_the_edges_of_whole_numbers(text: str, op: str) -> None:
    expr = parse(text.format(op=op))
    agencies = [{"n1": x, "n2": y} for x in _INT_EDGES for y in _INT_EDGES]
    _check(expr, {"n1": int, "n2": int}, agencies)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
@pytest.mark.parametrize("text", ["pn {op} 90%", "pn * 100 {op} 90", "pn {op} 0",
                                  "n1 / n2 >= 99% and pn {op} 90%", "pn {op} 1 or n1 > 0",
                                  "not (pn {op} 0.99) and n1 * 2 < 7"])
def test_the_typed_branch_at_the_edges_of_floats(text: str, op: str) -> None:
    expr = parse(text.format(op=op))
    agencies = [{"n1": x, "n2": y, "pn": f} for x in (0, 99, 100, EXACT_LIMIT, _SMALL + 1)
                for y in (0, 100, -5, EXACT_LIMIT) for f in _FLOAT_EDGES]
    _check(expr, {"n1": int, "n2": int, "pn": float}, agencies)


def test_a_first_agency_that_leaves_a_value_out_does_not_decide_the_types() -> None:
    numbers = {"a": engine.Type.NUMBER, "b": engine.Type.NUMBER, "s": engine.Type.NUMBER}
    formula = engine.compile_formula("a / b >= 99% and s >= 90%", engine.Symbols(numbers))
    got = formula.evaluate_each([{"a": 99, "b": 100}, {"a": 99, "b": 100, "s": 0.9},
                                 {"a": 99, "b": 100, "s": 1}])
    assert isinstance(got[0], engine.Unknown) and got[1:] == [True, True]
    # the second agency's types picked the typed branch
    assert formula._typed[(int, int, float)] is not None
    assert formula._typed[(int, int, type(None))] is None
