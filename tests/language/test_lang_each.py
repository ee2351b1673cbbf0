"""Formulas over values as a JSON document gives them (``Formula.evaluate_each``,
``evaluate_over``, ``Row.from_values``), and the constants folded into a comparison
(``x / y * 100 >= 99``): each fast path agrees with the reference closures, value for value
and error for error."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import engine
from engine.builtins import BOOL, DATE, NUMBER, TEXT
from engine.codegen import generate_each
from engine.evaluator import Context, Row, compile_expr, exact_facts
from engine.language import Formula
from engine.nodes import Binary, Compare, Name, Number, Unary, free_names
from engine.parser import parse
from engine.values import EXACT_LIMIT, Unknown, from_float, from_python
from tests.language.lang_strategies import (
    PER_AGENCY,
    SCALARS,
    contexts,
    decimals,
    same,
    typed,
    typed_trees,
)
from tests.language.test_lang_fastpath import _check_fast_path

NAMES = {**SCALARS, **PER_AGENCY}
NUMBERS = frozenset(n for n, t in NAMES.items() if t == NUMBER)


# -- floats ------------------------------------------------------------------------------------

@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
@example(0.1 + 0.2)
@example(1e23)
@example(2.0**31 - 0.5)
@example(5e-324)
@example(-0.0)
def test_a_float_is_the_shortest_decimal_that_reads_back_as_it(f: float) -> None:
    q = Fraction(repr(f))
    expected = q.numerator if q.denominator == 1 else q
    got = from_float(f)
    assert same(got, expected), (f, got, expected)


@settings(max_examples=2000, deadline=None)
@given(st.integers(-(10**15), 10**15), st.integers(0, 8))
def test_decimals_of_up_to_eight_places_read_back_exactly(n: int, k: int) -> None:
    f = n / 10**k
    q = Fraction(repr(f))
    assert same(from_float(f), q.numerator if q.denominator == 1 else q)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_float_that_is_not_finite_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        from_float(value)


def test_from_python_converts_every_kind_exactly() -> None:
    assert from_python(Decimal("0.930")) == Fraction(93, 100)
    assert from_python("0.93", number=True) == Fraction(93, 100)
    assert from_python("-12", number=True) == -12
    assert from_python("0.93") == "0.93"
    assert from_python(dt.date(2023, 1, 9)) == dt.date(2023, 1, 9)
    with pytest.raises(ValueError, match="expected a decimal number, found '1,5'"):
        from_python("1,5", number=True)
    with pytest.raises(TypeError, match="expected a number, found True"):
        from_python(True, number=True)
    with pytest.raises(ValueError, match="limit of exact arithmetic"):
        from_python(EXACT_LIMIT)
    with pytest.raises(TypeError, match="list is not a value of the language"):
        from_python([1])


def test_row_from_values_converts_and_leaves_out_none() -> None:
    row = Row.from_values("snv", "department", {"a": 0.93, "b": None, "c": "0.5", "d": 3},
                          numbers={"c"})
    assert row.facts == {"a": Fraction(93, 100), "c": Fraction(1, 2), "d": 3}
    assert (row.agency, row.kind) == ("snv", "department")
    with pytest.raises(ValueError, match=r"^a: nan is not a number$"):
        Row.from_values("snv", "department", {"a": math.nan})


def test_a_row_refuses_a_float_and_an_unknown() -> None:
    with pytest.raises(TypeError, match="x of 'a' is a float"):
        Row("a", "commune", {"x": 0.5})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="leave out x of 'a' instead of an Unknown"):
        Row("a", "commune", {"x": Unknown.missing("x", "a")})
    with pytest.raises(ValueError, match="x is a number beyond"):
        Row("a", "commune", {"x": EXACT_LIMIT})


# -- evaluate_each against the reference ---------------------------------------------------------

def _near(k: Fraction) -> st.SearchStrategy[float]:
    f = float(k)
    return st.sampled_from([f, math.nextafter(f, math.inf), math.nextafter(f, -math.inf)])


_raw: dict[Any, st.SearchStrategy[Any]] = {
    NUMBER: st.one_of(
        st.integers(-10**6, 10**6), st.just(0),
        decimals.map(float), decimals.flatmap(lambda d: _near(Fraction(d))),
        decimals.map(lambda d: float(Fraction(d) / 100)),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([math.inf, -math.inf, math.nan, EXACT_LIMIT, -EXACT_LIMIT, True]),
        st.fractions(max_denominator=1000),
        decimals.map(lambda d: Decimal(str(Fraction(d).numerator)) / Decimal(
            Fraction(d).denominator) if Fraction(d).denominator in (1, 2, 4, 5, 8, 10, 100,
                                                                     1000) else Decimal(1)),
        decimals.map(lambda d: str(float(d))), st.just("1,5"),
    ),
    BOOL: st.booleans(),
    DATE: st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
    TEXT: st.sampled_from(["commune", "district", "A", "B", ""]),
}


@st.composite
def raw_agencies(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        d: dict[str, Any] = {}
        for name, t in NAMES.items():
            choice = draw(st.integers(0, 5))
            if choice == 0:
                continue  # not given
            d[name] = None if choice == 1 else draw(_raw[t])
        if draw(st.booleans()):
            d["kind"] = draw(st.sampled_from(["commune", "district"]))
        out.append(d)
    return out


def _reference(formula: Formula, values: dict[str, Any]) -> Any:
    """The reference closures on the values converted one by one; an error of conversion as
    the type of error it is."""
    reads = free_names(formula.expr)
    try:
        facts = exact_facts({k: v for k, v in values.items() if k in reads}, NUMBERS)
    except (TypeError, ValueError) as error:
        return type(error)
    kind = values.get("kind")
    row = Row("", kind if type(kind) is str else "", facts)
    return formula.program.fn(Context(facts, (row,), ""), None)


def _formula(expr: Any) -> Formula:
    from engine.checker import Symbols, check

    symbols = Symbols(NAMES, PER_AGENCY)
    return Formula("", expr, check(expr, symbols), compile_expr(expr, set(PER_AGENCY)), NUMBERS)


def _check_each(expr: Any, agencies: list[dict[str, Any]]) -> None:
    formula = _formula(expr)
    expected = [_reference(formula, d) for d in agencies]
    if any(isinstance(e, type) for e in expected):
        for d, e in zip(agencies, expected, strict=True):
            if isinstance(e, type):
                with pytest.raises(e):
                    formula.evaluate_each([d])
            else:
                assert same(formula.evaluate_each([d])[0], e), (expr, d, e)
        return
    got = formula.evaluate_each(agencies)
    assert len(got) == len(expected)
    for g, e, d in zip(got, expected, agencies, strict=True):
        assert same(g, e), (expr, d, g, e)


@settings(max_examples=500, deadline=None)
@given(tree=typed_trees(), agencies=raw_agencies())
def test_evaluate_each_equals_the_reference(tree: Any, agencies: list[dict[str, Any]]) -> None:
    _check_each(tree[0], agencies)


_ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
_number_names = st.sampled_from(["n1", "n2"]).map(Name)
_literal = st.one_of(decimals.map(Number), decimals.map(lambda d: Number(Fraction(d) / 100,
                                                                         True)))
_positive = decimals.filter(lambda d: d > 0).map(Number)
#: The shapes the fast paths take: a name or a ratio against a literal, with a factor.
_shapes = st.one_of(
    st.builds(lambda x, op, k: Compare((op,), (x, k)), _number_names, _ops, _literal),
    st.builds(lambda x, op, k: Compare((op,), (k, x)), _number_names, _ops, _literal),
    st.builds(lambda x, c, op, k: Compare((op,), (Binary("*", x, c), k)),
              _number_names, _positive, _ops, _literal),
    st.builds(lambda x, c, op, k: Compare((op,), (k, Binary("*", c, x))),
              _number_names, _positive, _ops, _literal),
    st.builds(lambda x, y, c, op, k: Compare((op,), (Binary("*", Binary("/", x, y), c), k)),
              _number_names, _number_names, _positive, _ops, _literal),
    st.builds(lambda x, y, op, k: Compare((op,), (Binary("/", x, y), k)),
              _number_names, _number_names | _positive, _ops, _literal),
)


@settings(max_examples=1500, deadline=None)
@given(expr=_shapes, agencies=raw_agencies())
@example(expr=parse("n1 >= 0.1"), agencies=[{"n1": 0.1}, {"n1": math.nextafter(0.1, 0)}])
@example(expr=parse("n1 * 100 >= 99"), agencies=[{"n1": 0.99}, {"n1": 0.9899999999999999}])
def test_compare_shapes_from_raw_values_equal_the_reference(
        expr: Any, agencies: list[dict[str, Any]]) -> None:
    _check_each(expr, agencies)


# -- folding a factor into the threshold, on exact values ------------------------------------------

_exact_numbers = st.one_of(st.integers(-10**6, 10**6), st.just(0),
                           st.fractions(max_denominator=10**6),
                           st.just(EXACT_LIMIT - 1), st.just(-EXACT_LIMIT + 1),
                           st.just(Fraction(1, EXACT_LIMIT - 1)))


@st.composite
def _scalar_contexts(draw: st.DrawFn) -> Context:
    scalars: dict[str, Any] = {}
    for name in ("n1", "n2"):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            continue
        if choice == 1:
            scalars[name] = Unknown.missing(name, "x")
        else:
            v = draw(_exact_numbers)
            scalars[name] = v.numerator if type(v) is Fraction and v.denominator == 1 else v
    return Context(scalars, (), "subject")


@settings(max_examples=1500, deadline=None)
@given(expr=_shapes, ctx=_scalar_contexts())
def test_folded_comparisons_equal_the_reference(expr: Any, ctx: Context) -> None:
    _check_fast_path(expr, ctx)


@settings(max_examples=300, deadline=None)
@given(expr=_shapes, ctx=contexts())
def test_folded_comparisons_equal_the_reference_with_any_scalars(expr: Any,
                                                                  ctx: Context) -> None:
    _check_fast_path(expr, ctx)


def test_a_factor_is_folded_into_the_threshold() -> None:
    # the fast branch of `x / y * 100 >= 99` is the cross-multiplied comparison of `>= 99%`
    from engine.codegen import generate

    source, _ = generate(parse("n1 / n2 * 100 >= 99"))
    assert "_t2 * 100 >= 99 * _t1" in source
    source, _ = generate(parse("n1 * 100 >= 90"))
    assert "_t1 * 10 >= 9" in source


def test_a_negative_factor_is_not_folded() -> None:
    from engine.codegen import generate

    for text in ("n1 * -1 >= 2", "n1 / n2 * 0 >= 1"):
        expr = parse(text)
        assert isinstance(expr, Compare)
        source, _ = generate(expr)
        assert "_mul" in source or "_div" in source


# -- the public API --------------------------------------------------------------------------------

def test_evaluate_each_reads_json_values_exactly() -> None:
    numbers = {"on_time": engine.Type.NUMBER, "received": engine.Type.NUMBER,
               "satisfaction": engine.Type.NUMBER}
    formula = engine.compile_formula(
        "on_time / received * 100 >= 99 and satisfaction >= 90%",
        engine.Symbols(numbers))
    values = formula.evaluate_each([
        {"on_time": 99, "received": 100, "satisfaction": 0.9},      # exactly on both lines
        {"on_time": 98, "received": 100, "satisfaction": 0.95},
        {"on_time": 99, "received": 100, "satisfaction": 0.8999999999999999},
        {"on_time": 1, "received": 0, "satisfaction": 1},
        {"on_time": "99.0", "received": "100", "satisfaction": "0.9"},
        {"received": 100, "satisfaction": None},
    ])
    assert values[:3] == [True, False, False]
    assert values[4] is True
    assert isinstance(values[3], Unknown) and values[3].reasons == frozenset(
        {engine.Reason("division_by_zero")})
    assert isinstance(values[5], Unknown) and values[5].missing_facts == [
        ("", "on_time"), ("", "satisfaction")]
    with pytest.raises(ValueError, match="satisfaction: inf is not a number"):
        formula.evaluate_each([{"on_time": 1, "received": 1, "satisfaction": math.inf}])


def test_evaluate_over_folds_a_population_of_json_values() -> None:
    numbers = {"on_time": engine.Type.NUMBER, "received": engine.Type.NUMBER}
    formula = engine.compile_formula("sum(on_time) / sum(received)",
                                     engine.Symbols({}, numbers))
    population = [{"agency": f"a{i}", "on_time": 0.5, "received": 1.0} for i in range(100)]
    assert formula.evaluate_over(population) == Fraction(1, 2)
    missing = formula.evaluate_over([{"agency": "a", "on_time": 1}, {"agency": "b"}])
    assert isinstance(missing, Unknown)
    assert missing.missing_facts == [("a", "received"), ("b", "on_time"), ("b", "received")]


def test_an_aggregate_takes_the_reference_path_for_each_agency() -> None:
    assert generate_each(parse("sum(pn) > 1")) is None
    numbers = {"pn": engine.Type.NUMBER}
    formula = engine.compile_formula("sum(pn) > 1", engine.Symbols({}, numbers))
    assert formula.evaluate_each([{"pn": 1.5}, {"pn": 1}, {}])[:2] == [True, False]


def test_every_shape_of_typed_tree_is_generated_or_refused_cleanly() -> None:
    # a tree with an aggregate is refused (None), any other is generated
    for text in ("n1 + 1 > 2", "if b1 then n1 else n2", "d1 + 1 > d2", "t1 in [\"A\"]"):
        assert generate_each(parse(text), {"n1", "n2"}) is not None


@settings(max_examples=100, deadline=None)
@given(expr=typed(BOOL, 2), agencies=raw_agencies())
def test_evaluate_each_on_boolean_rules(expr: Any, agencies: list[dict[str, Any]]) -> None:
    _check_each(expr, agencies)


def test_unary_minus_literal_is_not_a_factor() -> None:
    expr = Compare((">=",), (Binary("*", Name("n1"), Unary("-", Number(2))), Number(1)))
    _check_fast_path(expr, Context({"n1": -1}, (), ""))


# -- evaluate_over: sums by columns against the reference ------------------------------------------

_column_values = st.one_of(
    st.integers(-10**6, 10**6), decimals.map(float),
    decimals.map(lambda d: -float(d)), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([math.inf, math.nan, None, EXACT_LIMIT, 2**40, 2.0**31, True, "x"]),
    st.fractions(max_denominator=100), decimals.map(str))


@st.composite
def raw_populations(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.sampled_from([0, 1, 3, 70]))
    pick = draw(st.sampled_from(["ints", "floats", "mixed"]))
    base: st.SearchStrategy[Any] = {"ints": st.integers(-10**6, 10**6),
                                     "floats": decimals.map(float),
                                     "mixed": _column_values}[pick]
    out = []
    for i in range(size):
        d: dict[str, Any] = {"agency": f"a{i}"}
        for name in ("pn", "pm"):
            if draw(st.integers(0, 30)):
                d[name] = draw(base)
        out.append(d)
    spoil: bool = draw(st.booleans())
    if out and spoil:
        out[draw(st.integers(0, len(out) - 1))]["pn"] = draw(_column_values)
    return out


def _over_reference(formula: Formula, population: list[dict[str, Any]]) -> Any:
    reads = free_names(formula.expr)
    try:
        rows = [Row("" if type(d.get("agency")) is not str else d["agency"], "",
                    exact_facts({k: v for k, v in d.items() if k in reads}, NUMBERS))
                for d in population]
    except (TypeError, ValueError) as error:
        return type(error)
    return formula.program.fn(Context({}, rows), None)


_over_shapes = st.sampled_from([
    "sum(pn)", "sum(pn) / sum(pm) >= 99%", "avg(pn) >= 90%", "sum(pn) / sum(pm) * 100 > 50",
    "sum(pn) > 0 or sum(pm) > 0", "sum(pn where pm > 0)", "count(pn > 0)", "max(pn)",
]).map(parse)


@settings(max_examples=600, deadline=None)
@given(expr=_over_shapes, population=raw_populations())
def test_evaluate_over_equals_the_reference(expr: Any, population: list[dict[str, Any]]
                                            ) -> None:
    formula = _formula(expr)
    expected = _over_reference(formula, population)
    if isinstance(expected, type):
        with pytest.raises(expected):
            formula.evaluate_over(population)
        return
    assert same(formula.evaluate_over(population), expected), (expr, population, expected)


# The column sums cut their checks: ints are bounded by min and the sum (max only when one is
# negative), floats by a table of counts per distinct value (engine.values.column_millionths).
# Values at the edges of each shortcut, in populations past the 64 rows of the column path.
_texts = st.sampled_from([
    "0.5", " 0.25 ", "-1.000001", "1.1234567", "-0", "-0.0", "007", "1e5", "1_000", "\u0663", "",
    ".5", "5.", "+1", "9" * 1000, "-" + "9" * 999, "9" * 1001, "0." + "0" * 998 + "1"])
_edge_values = st.one_of(
    st.integers(-10**6, 10**6), st.integers(0, 2**40), decimals.map(float),
    decimals.map(lambda d: -float(d)), st.floats(), st.integers(-2**40, 2**40).map(float),
    st.sampled_from([
        math.inf, -math.inf, math.nan, None, True, False, 0, -0.0, 0.0, 1, 1.0, "x", "0.5",
        EXACT_LIMIT, EXACT_LIMIT - 1, -EXACT_LIMIT, 1 - EXACT_LIMIT, EXACT_LIMIT // 2 + 1,
        2**31, 2.0**31, -2.0**31, 2.0**31 - 0.5, 2.0**31 - 1e-6, 1e-6, 1e-7, 0.1 + 0.2,
        1e300, Decimal("0.5"), Decimal("NaN"), Fraction(1, 3), Fraction(1, 2)]),
    decimals.map(str), decimals.map(lambda d: f" -{d} "), _texts)


@st.composite
def edge_populations(draw: st.DrawFn) -> list[dict[str, Any]]:
    size = draw(st.sampled_from([1, 64, 70, 130]))
    pick = draw(st.sampled_from(["ints", "big ints", "floats", "texts", "mixed"]))
    base: st.SearchStrategy[Any] = {
        "ints": st.integers(0, 10**6), "big ints": st.integers(-EXACT_LIMIT, EXACT_LIMIT),
        "floats": decimals.map(float), "texts": st.one_of(decimals.map(str), _texts),
        "mixed": _edge_values}[pick]
    out = []
    for i in range(size):
        d: dict[str, Any] = {"agency": f"a{i}"}
        for name in ("pn", "pm"):
            if draw(st.integers(0, 60)):
                d[name] = draw(base)
        out.append(d)
    for _ in range(draw(st.integers(0, 2))):
        out[draw(st.integers(0, len(out) - 1))]["pn"] = draw(_edge_values)
    return out


@settings(max_examples=800, deadline=None)
@given(expr=_over_shapes, population=edge_populations(), warm=st.booleans())
@example(expr=parse("sum(pn)"), population=[{"pn": True}] + [{"pn": 1.0}] * 69, warm=True)
@example(expr=parse("sum(pn)"), population=[{"pn": EXACT_LIMIT // 2 + 1}] * 70, warm=False)
@example(expr=parse("sum(pn)"),
         population=[{"pn": EXACT_LIMIT - 1}, {"pn": 1 - EXACT_LIMIT}] * 35, warm=False)
@example(expr=parse("sum(pn)"), population=[{"pn": EXACT_LIMIT}, {"pn": -1}] * 35, warm=False)
@example(expr=parse("sum(pn)"), population=[{"pn": Decimal("0.5")}] + [{"pn": 0.5}] * 69,
         warm=True)
@example(expr=parse("sum(pn)"), population=[{"pn": math.nan}] + [{"pn": 0.5}] * 69, warm=True)
@example(expr=parse("sum(pn)"), population=[{"pn": 2.0**31}] + [{"pn": 0.5}] * 69, warm=True)
def test_evaluate_over_equals_the_reference_at_the_edges_of_the_column_checks(
        expr: Any, population: list[dict[str, Any]], warm: bool) -> None:
    """Each value is converted and bounded as the reference converts it, whether or not an
    equal value was seen before (``warm``: the same population evaluated twice, the second
    time from the table of counts)."""
    formula = _formula(expr)
    expected = _over_reference(formula, population)
    for _ in range(2 if warm else 1):
        if isinstance(expected, type):
            with pytest.raises(expected):
                formula.evaluate_over(population)
        else:
            assert same(formula.evaluate_over(population), expected), (expr, population)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.integers(-2**32, 2**32), st.floats(), decimals.map(float),
                          st.integers(-2**31, 2**31).map(float)), max_size=80))
def test_column_millionths_equals_a_count_per_value(column: list[Any]) -> None:
    """The table of counts gives each value's own count, warm or cold (and after it is
    cleared): the sum is the sum of ``float_millionths``, or None when one has none."""
    from engine import values

    counts = [values.float_millionths(v) for v in column]
    expected = None if None in counts else sum(c for c in counts if c is not None)
    assert values.column_millionths(column) == expected
    assert values.column_millionths(column) == expected  # warm
    values._COUNTS.clear()
    assert values.column_millionths(column) == expected
    with mock.patch.object(values, "_COUNTS_MAX", 3):  # a table too small: cleared, bypassed
        assert values.column_millionths(column) == expected
        assert values.column_millionths(column[::-1]) == expected
        assert values.column_millionths(column[:2]) == values.column_millionths(column[:2])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(decimals.map(str), decimals.map(lambda d: f" -{d}"), _texts),
                max_size=80))
def test_texts_millionths_equals_the_conversion_of_each_text(column: list[str]) -> None:
    """A column of decimal texts sums, in millionths, to the sum of what ``from_python``
    reads each as; None when one is not a decimal of at most six places."""
    from engine import values

    def count(text: str) -> int | None:
        try:
            q = Fraction(from_python(text, number=True))  # type: ignore[arg-type]
        except ValueError:
            return None
        return int(q * 10**6) if (q * 10**6).denominator == 1 else None

    counts = [count(t) for t in column]
    expected = None if None in counts else sum(c for c in counts if c is not None)
    assert values.texts_millionths(column) == expected
    assert values.texts_millionths(column) == expected  # warm
    values._TEXT_COUNTS.clear()
    assert values.texts_millionths(column) == expected
    with mock.patch.object(values, "_COUNTS_MAX", 3):  # a table too small: cleared, bypassed
        assert values.texts_millionths(column) == expected
        assert values.texts_millionths(column[::-1]) == expected


def test_rows_and_contexts_are_immutable_and_copy_as_made() -> None:
    import copy
    import pickle

    row = Row("a", "commune", {"x": Fraction(1, 3)})
    ctx = Context({"n1": 1}, (row,), "a")
    assert pickle.loads(pickle.dumps(row)) == row
    assert pickle.loads(pickle.dumps(ctx)) == ctx
    assert copy.deepcopy(ctx).population[0].facts == {"x": Fraction(1, 3)}
    assert repr(row) == "Row(agency='a', kind='commune', facts={'x': Fraction(1, 3)})"
    with pytest.raises(AttributeError):
        row.agency = "b"
    assert Context() == Context({}, (), "")
