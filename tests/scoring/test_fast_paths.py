"""The whole-number shortcuts scoring takes for speed give the very numbers (and types) the
plain Fraction arithmetic gives: rounding, the proportional rule, sums, ranking keys, and the
CriterionScore made without the frozen dataclass's __init__."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model import Label
from engine.scorecard import Band, Block, Rounding
from engine.scoring import (
    CriterionScore,
    Rounded,
    StageScore,
    _clamp,
    _classifier,
    _criterion_score,
    _exact_sum,
    _group,
    _norm,
    _parts_rounder,
    _proportional,
    _quotient,
    _round,
    _rounded,
    _rounder,
    _stage_score,
    round_exact,
)

NUMS = st.one_of(st.integers(-10**6, 10**6),
                 st.fractions(min_value=-10**4, max_value=10**4, max_denominator=10**6))
MODES = st.sampled_from(["half_up", "half_even", "down", "up"])


def _reference_round(x: int | Fraction, places: int, mode: str) -> int | Fraction:
    """round_exact as it was written before the shortcut, on Fraction objects."""
    scaled = Fraction(x) * 10**places
    sign = -1 if scaled < 0 else 1
    q, r = divmod(abs(scaled.numerator), scaled.denominator)
    half = 2 * r - scaled.denominator
    if (mode == "up" and r) or (mode == "half_up" and half >= 0) or \
            (mode == "half_even" and (half > 0 or (half == 0 and q % 2 == 1))):
        q += 1
    return _norm(Fraction(sign * q, 10**places))


@settings(max_examples=500, deadline=None)
@given(NUMS, st.integers(0, 6), MODES)
def test_rounding_is_the_fraction_arithmetic(x: int | Fraction, places: int, mode: str) -> None:
    got, want = round_exact(x, places, mode), _reference_round(x, places, mode)
    assert got == want and type(got) is type(want)


def test_rounding_examples() -> None:
    assert round_exact(Fraction(1, 8), 2, "half_even") == Fraction(3, 25)
    assert round_exact(Fraction(-5, 8), 2) == Fraction(-63, 100)  # half away from zero
    assert round_exact(Fraction(399, 100), 0) == 4 and type(round_exact(Fraction(4), 2)) is int


@settings(max_examples=500, deadline=None)
@given(NUMS, st.fractions(min_value=Fraction(1, 100), max_value=100, max_denominator=1000),
       st.one_of(st.integers(0, 100), st.fractions(min_value=0, max_value=100,
                                                   max_denominator=100)))
def test_proportional_is_the_fraction_arithmetic(v: int | Fraction, full_at: Fraction,
                                                 top: int | Fraction) -> None:
    want = top if v >= full_at else _norm(Fraction(max(v, 0) * top) / full_at)
    got = _proportional(v, _norm(full_at), top)
    assert got == want and type(got) is type(want)


@given(st.lists(NUMS, max_size=30))
def test_exact_sum_is_sum(values: list[int | Fraction]) -> None:
    want = _norm(sum(values, Fraction(0)))
    got = _exact_sum(values)
    assert got == want and type(got) is type(want)


def test_the_fast_criterion_score_is_a_criterion_score() -> None:
    fields = dict(why="w", stages=(), final_stage="x", explain=None, population=3,
                  deductions=(), rounded=None)
    fast = _criterion_score(None, "scored", Fraction(1, 2), 2, **fields)  # type: ignore[arg-type]
    slow = CriterionScore(None, "scored", Fraction(1, 2), 2, **fields)  # type: ignore[arg-type]
    assert fast == slow and repr(fast) == repr(slow)
    assert _criterion_score(None, "unknown", 0, 0) == CriterionScore(None, "unknown", 0, 0)  # type: ignore[arg-type]


@settings(max_examples=500, deadline=None)
@given(NUMS, st.integers(-2, 6), MODES, st.integers(1, 5))
def test_a_rounder_is_round(x: int | Fraction, places: int, mode: str, k: int) -> None:
    """_rounder (a criterion's rounding worked out once) and _parts_rounder (from parts not in
    lowest terms) give what _round gives, value and type."""
    want = _round(x, places, mode)
    got = _rounder(places, mode)(x)
    assert got == want and type(got[0]) is type(want[0])
    if places >= 0:
        n, d = (x, 1) if type(x) is int else (x.numerator, x.denominator)
        parts = _parts_rounder(places, mode)(n * k, d * k, x)
        assert parts == want and type(parts[0]) is type(want[0])


@given(NUMS, st.one_of(st.integers(-100, 100), st.fractions(-100, 100, max_denominator=100))
       .filter(lambda b: b != 0))
def test_quotient_is_fraction_division(a: int | Fraction, b: int | Fraction) -> None:
    want = _norm(Fraction(a) / b)
    got = _quotient(a, b)
    assert got == want and type(got) is type(want)


BOUNDS = st.fractions(0, 1, max_denominator=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), BOUNDS), st.booleans(),
                          st.one_of(st.none(), BOUNDS), st.booleans()), min_size=1, max_size=4),
       st.fractions(0, 1, max_denominator=50))
def test_a_classifier_is_group(bands: list[tuple[Fraction | None, bool, Fraction | None, bool]],
                               index: Fraction) -> None:
    made = tuple(Band(_norm(lo) if lo is not None else None, lc,
                      _norm(hi) if hi is not None else None, hc, label=str(i))
                 for i, (lo, lc, hi, hc) in enumerate(bands))
    block = Block("b", Label("b"), (), made)
    assert _classifier(block)(_norm(index)) == _group(made, _norm(index))


def test_the_fast_stage_and_rounding_records_are_the_records() -> None:
    assert _stage_score("self", Fraction(1, 2), 1) == StageScore("self", Fraction(1, 2), 1)
    r = Rounding(2, "half_up")
    fast, slow = _rounded("1.1", Fraction(1, 3), Fraction(33, 100), r), Rounded(
        "1.1", Fraction(1, 3), Fraction(33, 100), r)
    assert fast == slow and repr(fast) == repr(slow)


@given(NUMS, NUMS)
def test_clamp_is_min_max(x: int | Fraction, top: int | Fraction) -> None:
    want = min(max(x, 0), top)
    got = _clamp(x, top)
    assert got == want and type(got) is type(want)
