"""json_value writes a fraction whose decimals do not end in a few places (a share of two
counts, 97/113) without writing its text first (issue 17, B5.to-dict): the same JSON value,
of the same type, as the text of format_number read back (its reference, here)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.values import format_number, json_value


def _as_written(value: Fraction) -> int | float:
    """json_value of a fraction the straightforward way: its text, read back."""
    if abs(value) >= 2**53:
        return int(format_number(value, places=0))
    text = format_number(value)
    return int(text) if "." not in text else float(text)


_dens = st.one_of(st.integers(2, 10**14), st.sampled_from([3, 7, 113, 2**53 + 1, 3 * 10**10]),
                  st.builds(lambda a, b: 2**a * 5**b, st.integers(0, 70), st.integers(0, 40)))


@given(num=st.integers(-(10**25), 10**25), den=_dens)
def test_a_fraction_is_the_json_value_of_its_text(num: int, den: int) -> None:
    value = Fraction(num, den)
    if value.denominator == 1:
        return
    got, want = json_value(value), _as_written(value)
    assert got == want and type(got) is type(want) and repr(got) == repr(want)


def test_near_whole_numbers_and_the_tenth_place() -> None:
    for value in (Fraction(1, 3 * 10**11), Fraction(-1, 3 * 10**11), Fraction(2, 3),
                  Fraction(-2, 3), Fraction(3 * 10**10 - 1, 3 * 10**10), Fraction(1, 2**60),
                  Fraction(-(10**20) - 1, 3), Fraction(2**53 * 3 - 1, 3)):
        got, want = json_value(value), _as_written(value)
        assert got == want and type(got) is type(want) and repr(got) == repr(want), value
    assert json_value(Fraction(-1, 3 * 10**11)) == 0 and type(
        json_value(Fraction(-1, 3 * 10**11))) is int
    assert json_value(Fraction(97, 113)) == 0.8584070796
