"""The semantics the engine promises, as properties: Kleene logic with unknown values, exact
thresholds and arithmetic, division by zero, nothing to measure, missing agencies, rounding."""

from __future__ import annotations

import decimal
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.builtins import BOOL, NUMBER
from engine.checker import Symbols
from engine.evaluator import Context, Row
from engine.language import compile_formula
from engine.values import Reason, Unknown, Value, format_number, round_half_away

LOGIC = Symbols({"a": BOOL, "b": BOOL, "c": BOOL})

#: A truth value: true, false, or unknown (a missing fact, named by the tag).
truths = st.sampled_from([True, False, "u1", "u2"])


def logic(text: str, **values: bool | str) -> Value:
    scalars = {k: v for k, v in values.items() if isinstance(v, bool)}
    return compile_formula(text, LOGIC).evaluate(Context(scalars))


def truth(value: Value) -> bool | None:
    """The truth value alone (None for unknown), without the reasons."""
    return None if isinstance(value, Unknown) else bool(value)


laws = settings(max_examples=200, deadline=None)


# -- Kleene logic ------------------------------------------------------------------------------

def test_truth_table() -> None:
    """The table in docs/language.md."""
    table = {
        (True, True): (True, True), (True, False): (False, True), (True, None): (None, True),
        (False, False): (False, False), (False, None): (False, None), (None, None): (None, None),
    }
    for (x, y), (conj, disj) in table.items():
        for p, q in ((x, y), (y, x)):
            env = {"a": "u1" if p is None else p, "b": "u2" if q is None else q}
            assert truth(logic("a and b", **env)) is conj
            assert truth(logic("a or b", **env)) is disj
    assert truth(logic("not a", a=True)) is False
    assert truth(logic("not a", a=False)) is True
    assert truth(logic("not a", a="u1")) is None


def test_deciding_side_wins_in_either_order() -> None:
    for text in ("a and b", "b and a"):
        assert logic(text, a=False, b="u") is False
    for text in ("a or b", "b or a"):
        assert logic(text, a=True, b="u") is True


@laws
@given(truths, truths)
def test_commutativity(x: bool | str, y: bool | str) -> None:
    assert logic("a and b", a=x, b=y) == logic("b and a", a=x, b=y)
    assert logic("a or b", a=x, b=y) == logic("b or a", a=x, b=y)


@laws
@given(truths, truths, truths)
def test_associativity_and_distributivity(x: bool | str, y: bool | str, z: bool | str) -> None:
    env = {"a": x, "b": y, "c": z}
    assert logic("(a and b) and c", **env) == logic("a and (b and c)", **env)
    assert logic("(a or b) or c", **env) == logic("a or (b or c)", **env)
    assert truth(logic("a and (b or c)", **env)) == truth(logic("(a and b) or (a and c)", **env))
    assert truth(logic("a or (b and c)", **env)) == truth(logic("(a or b) and (a or c)", **env))


@laws
@given(truths, truths)
def test_de_morgan(x: bool | str, y: bool | str) -> None:
    assert logic("not (a and b)", a=x, b=y) == logic("not a or not b", a=x, b=y)
    assert logic("not (a or b)", a=x, b=y) == logic("not a and not b", a=x, b=y)


@laws
@given(truths, truths)
def test_absorption_identity_double_negation(x: bool | str, y: bool | str) -> None:
    a = logic("a", a=x)
    assert truth(logic("a or (a and b)", a=x, b=y)) == truth(a)
    assert truth(logic("a and (a or b)", a=x, b=y)) == truth(a)
    assert logic("a and true", a=x) == a
    assert logic("a or false", a=x) == a
    assert logic("not not a", a=x) == a
    assert logic("a and false", a=x) is False
    assert logic("a or true", a=x) is True


def _population(oks: list[bool | None]) -> tuple[Row, ...]:
    return tuple(Row(f"a{i}", "commune", {} if ok is None else {"ok": ok})
                 for i, ok in enumerate(oks))


AGGREGATE_LOGIC = Symbols({}, {"ok": BOOL, "n": NUMBER})


@laws
@given(st.lists(st.sampled_from([True, False, None]), max_size=6).flatmap(
    lambda oks: st.tuples(st.just(oks), st.permutations(oks))))
def test_all_any_are_kleene_and_order_independent(
        pair: tuple[list[bool | None], list[bool | None]]) -> None:
    oks, shuffled = pair
    for func in ("all", "any"):
        formula = compile_formula(f"{func}(ok)", AGGREGATE_LOGIC)
        value = formula.evaluate(Context({}, _population(oks)))
        # Agencies are named by position, so compare the truth value for the permutation.
        assert truth(formula.evaluate(Context({}, _population(shuffled)))) == truth(value)
        reversed_rows = tuple(reversed(_population(oks)))
        assert formula.evaluate(Context({}, reversed_rows)) == value
        if not oks:
            assert isinstance(value, Unknown) and value.only_empty
            continue
        deciding = func == "any"  # False decides all(), True decides any()
        if deciding in oks:
            assert value is deciding
        elif None in oks:
            assert isinstance(value, Unknown)
            assert value.missing_facts == [(f"a{i}", "ok") for i, ok in enumerate(oks)
                                           if ok is None]
        else:
            assert value is (not deciding)


# -- exact arithmetic and thresholds -----------------------------------------------------------

RATIO = Symbols({"a": NUMBER, "b": NUMBER})
#: Threshold percentages: whole (0..100) or with up to three decimals (99.5, 12.345).
percentages = st.one_of(
    st.integers(0, 100).map(Fraction),
    st.builds(lambda n, k: Fraction(n, 10**k), st.integers(0, 100_000), st.integers(1, 3)),
)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 10**6), percentages, st.booleans())
def test_exact_threshold(a: int, b: int, t: Fraction, literal: bool) -> None:
    """``a / b >= t%`` holds exactly when ``100 a >= t b`` (likewise >, ==, <=)."""
    pct = format_number(t) + "%"
    by_op = {">=": 100 * a >= t * b, ">": 100 * a > t * b, "==": 100 * a == t * b,
            "<=": 100 * a <= t * b, "!=": 100 * a != t * b}
    for op, expected in by_op.items():
        text = f"{a} / {b} {op} {pct}" if literal else f"a / b {op} {pct}"
        assert compile_formula(text, RATIO).evaluate(a=a, b=b) is expected


def test_exact_threshold_examples() -> None:
    assert compile_formula("29 / 100 >= 29%", RATIO).evaluate() is True
    assert compile_formula("a / b > 99%", RATIO).evaluate(a=99, b=100) is False
    assert compile_formula("a / b == 99.5%", RATIO).evaluate(a=199, b=200) is True
    assert compile_formula("29 / 100 * 100 == 29", RATIO).evaluate() is True
    assert compile_formula("0.1 + 0.2 == 0.3", RATIO).evaluate() is True


finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=6,
                              min_value=-10**9, max_value=10**9)


@laws
@given(finite_decimals, finite_decimals)
def test_decimal_sums_are_exact(x: decimal.Decimal, y: decimal.Decimal) -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        total = x + y
    text = f"{_lit(x)} + {_lit(y)} == {_lit(total)}"
    assert compile_formula(text, RATIO).evaluate() is True


def _lit(d: decimal.Decimal) -> str:
    body = format_number(Fraction(abs(d)))
    return f"(-{body})" if d < 0 else body


@laws
@given(st.fractions(max_denominator=10**6), st.fractions(max_denominator=10**6).filter(bool))
def test_division_undoes_multiplication(x: Fraction, y: Fraction) -> None:
    value = compile_formula("a * b / b == a and a / b * b == a", RATIO).evaluate(a=x, b=y)
    assert value is True


# -- division by zero, nothing to measure, missing agencies -----------------------------------

@laws
@given(st.fractions(max_denominator=1000), st.integers(-5, 5))
def test_division_by_zero_is_unknown(x: Fraction, y: int) -> None:
    for text in ("a / 0", "a / (b - b)", "(a / 0) * 0", "a / (b * 0) > 1", "known(a / 0)"):
        value = compile_formula(text, RATIO).evaluate(a=x, b=y)
        if text.startswith("known"):
            assert value is False
        else:
            assert isinstance(value, Unknown)
            assert value.sorted_reasons() == [Reason("division_by_zero")]


PER_AGENCY = Symbols({}, {"n": NUMBER, "d": NUMBER, "ok": BOOL})


@laws
@given(st.sampled_from(["avg(n)", "share(ok)", "min(n)", "max(n)", "all(ok)", "any(ok)"]),
       st.lists(st.sampled_from(["commune", "district"]), max_size=4))
def test_nothing_to_measure(text: str, kinds: list[str]) -> None:
    """Over no agency (none at all, or none left by the filter) the result is 'empty' only."""
    formula = compile_formula(text.replace(")", ' where kind == "province")'), PER_AGENCY)
    rows = tuple(Row(f"x{i}", k, {"n": i, "ok": True}) for i, k in enumerate(kinds))
    for value in (formula.evaluate(Context({}, rows)),
                  compile_formula(text, PER_AGENCY).evaluate(Context({}, ()))):
        assert isinstance(value, Unknown)
        assert value.only_empty
        assert {r.kind for r in value.reasons} == {"empty"}


agency_facts = st.lists(
    st.fixed_dictionaries({}, optional={"n": st.integers(0, 100), "d": st.integers(0, 100)}),
    min_size=1, max_size=6)


@laws
@given(agency_facts, st.sampled_from(["sum(n)", "avg(n)", "min(n)", "max(n)", "count(n > 1)",
                                      "share(n > 1)", "sum(n) / sum(d)", "sum(n / d)"]))
def test_missing_facts_name_every_agency(facts: list[dict[str, int]], text: str) -> None:
    rows = tuple(Row(f"x{i}", "commune", f) for i, f in enumerate(facts))
    value = compile_formula(text, PER_AGENCY).evaluate(Context({}, rows))
    used = [name for name in ("n", "d") if re.search(rf"\b{name}\b", text)]
    missing = sorted((r.agency, name) for r in rows for name in used if name not in r.facts)
    if missing:
        assert isinstance(value, Unknown)
        assert value.missing_facts == missing
    else:
        assert not isinstance(value, Unknown) or {r.kind for r in value.reasons} == {
            "division_by_zero"}


# -- rounding and number formatting ------------------------------------------------------------

@laws
@given(finite_decimals, st.integers(0, 6))
def test_round_matches_decimal_round_half_up(x: decimal.Decimal, digits: int) -> None:
    """Half away from zero is Decimal's ROUND_HALF_UP, on the exact value."""
    expected = x.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP,
                          context=decimal.Context(prec=60))
    assert round_half_away(Fraction(x), digits) == Fraction(expected)
    text = f"round({_lit(x)}, {digits})"
    assert compile_formula(text, RATIO).evaluate() == Fraction(expected)


@laws
@given(st.fractions())
def test_numbers_print_in_plain_decimal(x: Fraction) -> None:
    text = format_number(x)
    assert re.fullmatch(r"-?[0-9]+(\.[0-9]*[1-9])?", text), text
    if x.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 50, 100):
        assert Fraction(text) == x
    else:
        assert abs(Fraction(text) - x) <= Fraction(1, 2 * 10**10)


@laws
@given(st.integers(-10**40, 10**40), st.integers(0, 30))
def test_finite_decimals_print_exactly(n: int, k: int) -> None:
    x = Fraction(n, 10**k)
    assert Fraction(format_number(x)) == x


@pytest.mark.parametrize(("x", "places", "text"), [
    (Fraction(1, 3), None, "0.3333333333"), (Fraction(2, 3), 2, "0.67"),
    (Fraction(-5, 2), 0, "-3"), (Fraction(-1, 3 * 10**12), None, "0"),
    (10**32, None, "1" + "0" * 32),
    (Fraction(123456789012345678901234567890123, 1), None, "123456789012345678901234567890123"),
])
def test_format_number_examples(x: Fraction, places: int | None, text: str) -> None:
    assert format_number(x, places=places) == text
