"""The generated fast path agrees with the reference closures wherever it answers (same value,
same type), and hands over to them only by the planned signals (engine.codegen)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import codegen
from engine.builtins import BOOL, NUMBER
from engine.codegen import Bail, generate, planned
from engine.evaluator import Context, Row, compile_expr
from engine.nodes import Aggregate, Binary, Compare, Name
from engine.parser import parse
from engine.values import Reason, Undefined, Unknown, Value
from tests.language.lang_strategies import (
    PER_AGENCY,
    contexts,
    large_contexts,
    same,
    typed,
    typed_trees,
)

PER = frozenset(PER_AGENCY)


def _normal(value: Value) -> Value:
    """The generated code's value as :meth:`Program.evaluate` returns it."""
    return value.numerator if type(value) is Fraction and value.denominator == 1 else value


@settings(max_examples=600, deadline=None)
@given(tree=typed_trees(), ctx=contexts())
def test_fast_path_answers_only_what_the_reference_answers(tree: Any, ctx: Context) -> None:
    _check_fast_path(tree[0], ctx)


#: Sums and averages of a fact over the population (the fixed-point path), alone, in
#: arithmetic and in comparisons, with and without a filter.
_column = st.builds(Aggregate, st.sampled_from(["sum", "avg"]),
                    st.sampled_from(["pn", "pm"]).map(Name),
                    st.none() | typed(BOOL, 1, in_agg=True))
_other = st.one_of(_column, typed(NUMBER, 1))
_column_trees = st.one_of(
    _column,
    st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), _column, _other),
    st.builds(lambda a, op, b: Compare((op,), (a, b)), _column,
              st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), _other),
)


@settings(max_examples=150, deadline=None)
@given(expr=st.one_of(typed_trees().map(lambda tree: tree[0]), _column_trees),
       ctx=large_contexts())
def test_fast_path_over_large_populations(expr: Any, ctx: Context) -> None:
    _check_fast_path(expr, ctx)


def _check_fast_path(expr: Any, ctx: Context) -> None:
    """The generated code either hands over with a planned signal or gives the reference's
    known value, of the same type; ``Program.evaluate`` (which hands over) gives the
    reference's answer in every case, of the same type."""
    program = compile_expr(expr, PER)
    reference = program.fn(ctx, None)
    answer = program.evaluate(ctx)
    assert same(answer, reference), (expr, answer, reference)
    _, fast = generate(expr, PER)
    try:
        value = fast(ctx.scalars, ctx.population)
    except Exception as error:
        assert planned(error, PER), (expr, error)
        return
    assert not isinstance(reference, Unknown), (expr, value, reference)
    assert same(_normal(value), reference), (expr, value, reference)


@settings(max_examples=200, deadline=None)
@given(tree=typed_trees(), ctx=contexts(), unknown=st.sampled_from(["n1", "b1", "d1", "t1"]))
def test_unknown_scalars_always_take_the_reference_path(tree: Any, ctx: Context,
                                                        unknown: str) -> None:
    expr, _ = tree
    scalars = {**ctx.scalars, unknown: Unknown.missing(unknown, "x")}
    _check_fast_path(expr, Context(scalars, ctx.population, ctx.subject))


@settings(max_examples=200, deadline=None)
@given(tree=typed_trees(), ctx=contexts())
def test_one_agency_scopes_equal_the_reference(tree: Any, ctx: Context) -> None:
    """A rule checked agency by agency (benchmark B1, a unit of a breakdown): each agency's
    facts are the scalars and the agency alone is the population."""
    expr, _ = tree
    for r in ctx.population:
        row = Row(r.agency, r.kind, {**ctx.scalars, **r.facts})
        _check_fast_path(expr, Context(row.facts, (row,), row.agency))


SEVEN = Row("a", "commune", {"pn": 7})


@pytest.mark.parametrize(("text", "scalars", "rows", "expected"), [
    ("a / b >= 99%", {"a": 99, "b": 100}, (), True),
    ("a / b > 99%", {"a": 99, "b": 100}, (), False),
    ("a / b > 99%", {"a": Fraction(99, 2), "b": 50}, (), False),
    ("s >= 90%", {"s": Fraction(9, 10)}, (), True),
    ("s >= 90%", {"s": Fraction(899, 1000)}, (), False),
    ("90% <= s", {"s": 1}, (), True),
    ("d <= 2023-01-10", {"d": dt.date(2023, 1, 10)}, (), True),
    ("s * 2", {"s": Fraction(1, 2)}, (), 1),
    ("s + s", {"s": Fraction(1, 2)}, (), 1),
    ("min(s * 2, 3)", {"s": Fraction(1, 2)}, (), 1),
    ("sum(pn) / 7", {}, (SEVEN,), 1),
    # the planned hand-overs, one by one
    ("a / b > 99%", {"a": 99, "b": 0}, (), Undefined),
    ("a / b", {"a": 99, "b": 0}, (), Undefined),
    ("d + 0.5", {"d": dt.date(2023, 1, 10)}, (), Undefined),
    ("d + 10000000", {"d": dt.date(2023, 1, 10)}, (), Undefined),
    ("a / b >= 99%", {"a": 1}, (), Bail),
    ("a + 1", {"a": Unknown.missing("a")}, (), Bail),
    ("avg(pn)", {}, (), Bail),
    ("sum(pn)", {}, (SEVEN, Row("b", "commune", {})), KeyError),
])
def test_planned_hand_overs(text: str, scalars: dict[str, Value], rows: tuple[Row, ...],
                            expected: Any) -> None:
    expr = parse(text)
    ctx = Context(scalars, rows, "x")
    _, fast = generate(expr, PER)
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected) as raised:
            fast(ctx.scalars, ctx.population)
        assert planned(raised.value, PER)
    else:
        assert same(_normal(fast(ctx.scalars, ctx.population)), expected)
    program = compile_expr(expr, PER)
    assert same(program.evaluate(ctx), program.fn(ctx, None))


def test_only_the_planned_signals_are_hand_overs() -> None:
    assert planned(Bail(), PER) and planned(KeyError("pn"), PER)
    assert not planned(KeyError("n1"), PER)  # a scalar: the generated code never raises that
    assert not planned(KeyError("pn", "more"), PER)
    for error in (TypeError("x"), ValueError("x"), ZeroDivisionError(), OverflowError(),
                  AttributeError("x"), IndexError()):
        assert not planned(error, PER), error


def _broken(expr: str) -> Any:
    """A program whose generated code has a bug: it raises TypeError."""
    program = compile_expr(parse(expr), PER)

    def fast(scalars: Any, population: Any) -> Any:
        raise TypeError("a bug")
    vars(program)["fast"] = fast  # the cached generated function
    return program


def test_the_suite_runs_in_strict_mode() -> None:
    assert codegen.STRICT


def test_strict_mode_fails_on_an_unplanned_error() -> None:
    with pytest.raises(codegen.UnplannedFallback, match="TypeError: a bug") as raised:
        _broken("1 + 2").evaluate()
    assert isinstance(raised.value.__cause__, TypeError)


def test_outside_strict_mode_an_unplanned_error_warns_and_the_reference_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "STRICT", False)
    with pytest.warns(codegen.FastPathWarning, match="TypeError: a bug"):
        assert same(_broken("1 / 2 * 2").evaluate(), 1)


def test_a_planned_hand_over_is_silent(recwarn: pytest.WarningsRecorder) -> None:
    program = compile_expr(parse("a / b"), PER)
    assert same(program.evaluate(a=1, b=0), Unknown.of(Reason("division_by_zero")))
    assert not recwarn.list


def test_a_row_holds_known_facts_only() -> None:
    with pytest.raises(TypeError, match="leave out pn of 'a'"):
        Row("a", "commune", {"pn": Unknown.missing("pn", "a"), "pm": 1})


def test_sum_of_shares_is_exact() -> None:
    expr = parse("sum(s) == 3 and avg(s) == 1 / 3")
    rows = tuple(Row(f"a{i}", "commune", {"s": Fraction(1, 3)}) for i in range(9))
    _, fast = generate(expr, {"s"})
    assert fast({}, rows) is True
    assert compile_expr(expr, {"s"}).fn(Context({}, rows), None) is True


# -- sums over large populations: the fixed-point path (engine.codegen._csum) -----------------

_LARGE_TEXTS = [
    "sum(pn)", "avg(pn)", "sum(pn where kind == \"commune\")", "sum(pn) / sum(pm) > 99%",
    "avg(pn) >= 90%", "sum(pn) == sum(pm)", "avg(pn where kind == \"district\") < 1 / 3",
]

#: How a column of a large population is filled: whole numbers (counts), decimals (shares, in
#: fixed point), decimals with a few whole numbers (0% and 100%), or anything: fractions with no
#: fixed-point form, decimals finer than a millionth, booleans and missing facts among them.
_COLUMNS: dict[str, st.SearchStrategy[Value | None]] = {
    "ints": st.integers(-10**12, 10**12),
    "decimals": st.builds(lambda n, k: Fraction(n, 10**k), st.integers(-10**9, 10**9),
                          st.integers(1, 6)),
    "shares": st.one_of(st.builds(lambda n: Fraction(n, 1000), st.integers(1, 999)),
                        st.sampled_from([0, 1])),
    "anything": st.one_of(st.integers(0, 100),
                          st.builds(Fraction, st.integers(-100, 100), st.integers(1, 30)),
                          st.builds(lambda n: Fraction(n, 10**7), st.integers(1, 10**7)),
                          st.booleans(), st.none()),
}


@st.composite
def _large_population(draw: st.DrawFn) -> tuple[Row, ...]:
    n = draw(st.integers(64, 160))
    columns = {name: draw(st.lists(_COLUMNS[draw(st.sampled_from(sorted(_COLUMNS)))],
                                   min_size=n, max_size=n))
               for name in ("pn", "pm")}
    kinds = draw(st.lists(st.sampled_from(["commune", "district"]), min_size=n, max_size=n))
    return tuple(Row(f"a{i}", kinds[i], {name: v for name, col in columns.items()
                                          if (v := col[i]) is not None})
                 for i in range(n))


@settings(max_examples=150, deadline=None)
@given(text=st.sampled_from(_LARGE_TEXTS), rows=_large_population())
def test_sums_over_large_populations_equal_the_reference(text: str, rows: tuple[Row, ...]
                                                         ) -> None:
    _check_fast_path(parse(text), Context({}, rows))


def test_fixed_point_sum_is_exact_on_the_boundary() -> None:
    # 100 agencies: 60 exactly 90% satisfied, 20 at 85.5%, 20 at 100% (a whole number):
    # the average is exactly 91.1%.
    shares = [Fraction(9, 10)] * 60 + [Fraction(855, 1000)] * 20 + [1] * 20
    rows = tuple(Row(f"a{i}", "commune", {"pn": s}) for i, s in enumerate(shares))
    _, fast = generate(parse("avg(pn)"), PER)
    assert fast({}, rows) == Fraction(911, 1000)
    _, fast = generate(parse("avg(pn) > 91.1%"), PER)
    assert fast({}, rows) is False
    _, fast = generate(parse("avg(pn) >= 91.1%"), PER)
    assert fast({}, rows) is True


def test_a_row_keeps_a_snapshot_of_its_facts() -> None:
    facts: dict[str, Any] = {"pn": Fraction(1, 2), "pm": 3, "pb": True, "pt": "x"}
    row = Row("a", "commune", facts)
    facts["pn"] = 7
    assert row.facts["pn"] == Fraction(1, 2)
    assert row.fixed == {"pn": 500_000, "pm": 3_000_000}
