"""Numbers and dates for people (engine.numbers): the Vietnamese way (``1.234,5``, ``99,72%``,
``14/03/2023``) and the English way, read back exactly by hand, for any value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.numbers import format_date_local, format_number_local, format_percent


def _read(text: str, lang: str) -> Fraction:
    """A number as written by :func:`format_number_local`, read back."""
    thousands, point = (".", ",") if lang == "vi" else (",", ".")
    whole, _, decimals = text.partition(point)
    digits = whole.lstrip("-")
    groups = digits.split(thousands)
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3, text
    assert not decimals or (decimals.isdigit() and not decimals.endswith("0")), text
    return Fraction(Decimal(("-" if whole.startswith("-") else "") + "".join(groups)
                            + ("." + decimals if decimals else "")))


@given(st.integers(-10**15, 10**15), st.sampled_from(["vi", "en"]))
def test_a_whole_number_reads_back_with_its_thousands_grouped(n: int, lang: str) -> None:
    text = format_number_local(n, lang)
    assert _read(text, lang) == n
    assert ("," if lang == "vi" else ".") not in text  # no decimal separator in a whole number


@given(st.integers(-10**9, 10**9), st.integers(0, 4), st.sampled_from(["vi", "en"]))
def test_a_finite_decimal_reads_back_exactly(units: int, places: int, lang: str) -> None:
    value = Fraction(units, 10**places)
    assert _read(format_number_local(value, lang, places=None), lang) == value
    assert _read(format_number_local(value, lang, places=places), lang) == value


@given(st.fractions(min_value=-10**6, max_value=10**6), st.sampled_from(["vi", "en"]))
def test_rounding_is_to_two_places_half_away_from_zero(value: Fraction, lang: str) -> None:
    shown = _read(format_number_local(value, lang), lang)
    assert abs(shown - value) <= Fraction(1, 200)
    assert (shown * 100).denominator == 1


def test_the_examples_of_the_issue() -> None:
    assert format_percent(Fraction(9972, 10000)) == "99,72%"
    assert format_percent(Fraction(9972, 10000), "en") == "99.72%"
    assert format_number_local(1234) == "1.234" and format_number_local(1234, "en") == "1,234"
    assert format_number_local(Fraction(-12345, 10)) == "-1.234,5"
    assert format_number_local(999) == "999" and format_number_local(1000) == "1.000"


@given(st.dates())
def test_a_date_is_day_first_in_vietnamese_and_iso_in_english(day: dt.date) -> None:
    vi = format_date_local(day, "vi")
    d, m, y = vi.split("/")
    assert dt.date(int(y), int(m), int(d)) == day and len(d) == len(m) == 2
    assert dt.date.fromisoformat(format_date_local(day, "en")) == day
