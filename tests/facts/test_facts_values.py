"""Reading one value by the type of its fact: exact numbers, Vietnamese number habits refused."""

from __future__ import annotations

import datetime as dt
import unicodedata
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.fact_values import Problem, format_fact_value, read_number, read_value
from engine.model import Plan


def ok(plan: Plan, fact: str, text: str) -> object:
    value = read_value(plan.facts[fact], text)
    assert not isinstance(value, Problem), value
    return value


def problem(plan: Plan, fact: str, text: str) -> Problem:
    value = read_value(plan.facts[fact], text)
    assert isinstance(value, Problem), f"{text!r} was read as {value!r}"
    return value


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("1200", 1200), ("0", 0), ("-3", -3), ("1200.5", Fraction(2401, 2)), ("0.1", Fraction(1, 10)),
    ("12.75", Fraction(51, 4)), ("0.950", Fraction(19, 20)), ("1.5", Fraction(3, 2)),
    ("12.0", 12), (" 42 ", 42), ("1.2345", Fraction(2469, 2000)),
])
def test_numbers_are_exact(text: str, value: object) -> None:
    n = read_number(text)
    assert n == value
    assert type(n) is type(value)  # int stays int, never float


def test_decimal_is_exact_not_binary_float() -> None:
    assert read_number("0.1") != 0.1  # the float 0.1 is not one tenth
    assert read_number("0.1") == Fraction(1, 10)


@pytest.mark.parametrize(("text", "hint"), [
    ("1.200", "write 1200 if the dot separates thousands, or 1.2 if it is a decimal point"),
    ("12.500", "write 12500 if the dot separates thousands, or 12.5 if it is a decimal point"),
    ("1.000", "write 1000 if the dot separates thousands, or 1 if it is a decimal point"),
    ("42.123", "write 42123 if the dot separates thousands, or 42.1230 if it is a decimal"),
    ("1.234.567", "write 1234567"),
    ("-1.200", "write -1200 if the dot separates thousands"),
])
def test_thousands_dot_is_refused_with_a_hint(text: str, hint: str) -> None:
    p = read_number(text)
    assert isinstance(p, Problem)
    assert p.code == "E641"
    assert p.help is not None and p.help.startswith(hint)


@pytest.mark.parametrize(("text", "code", "hint"), [
    ("1,5", "E642", "write 1.5 "),
    ("0,95", "E642", "write 0.95 "),
    ("1,200", "E642", "write 1.200 if it is a decimal comma, or 1200 if it separates thousands"),
    ("1,234,567", "E641", "write 1234567 "),
    ("1 200", "E641", "write 1200 "),
    ("1\u00a0200", "E641", "write 1200 "),
    ("12 345 678", "E641", "write 12345678 "),
    ("1 200,5", "E641", "write 1200.5 "),
    ("1.200,5", "E641", "write 1200.5 "),
    ("1,200.5", "E641", "write 1200.5 "),
    (".5", "E640", "write 0.5"),
    ("5.", "E640", "write 5"),
    ("1.5e3", "E640", "write the number out in full: 1500"),
])
def test_vietnamese_and_other_number_habits_are_refused(text: str, code: str, hint: str) -> None:
    p = read_number(text)
    assert isinstance(p, Problem), f"{text!r} must be refused"
    assert p.code == code
    assert p.help is not None and p.help.startswith(hint), p.help


@pytest.mark.parametrize("text", ["abc", "12a", "", "1/2", "0x10", "nan", "inf", "--1", "1_000"])
def test_not_numbers(text: str) -> None:
    p = read_number(text)
    assert isinstance(p, Problem) and p.code == "E640"


def test_number_fact(plan: Plan) -> None:
    assert ok(plan, "score", "-2.5") == Fraction(-5, 2)
    p = problem(plan, "score", "95%")
    assert p.code == "E640" and "percentage" in p.message
    p = problem(plan, "score", "true")
    assert p.code == "E640" and p.message == "expected a number (1200 or 1200.5) for 'score', " \
        "found 'true'"


# --- counts -------------------------------------------------------------------------------


def test_count_is_a_whole_number_at_least_zero(plan: Plan) -> None:
    assert ok(plan, "received", "0") == 0
    assert ok(plan, "received", "1200") == 1200
    assert ok(plan, "received", "1200.0") == 1200  # exactly whole
    negative = problem(plan, "received", "-3")
    assert negative.code == "E643" and "negative" in negative.message
    fractional = problem(plan, "received", "12.5")
    assert fractional.code == "E643" and "whole" in fractional.message
    assert problem(plan, "received", "1.200").code == "E641"
    assert problem(plan, "received", "12 dossiers").code == "E640"


# --- shares -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("95%", Fraction(19, 20)), ("95 %", Fraction(19, 20)), ("0.95", Fraction(19, 20)),
    ("100%", 1), ("0%", 0), ("1", 1), ("0", 0), ("99.5%", Fraction(199, 200)),
    ("29%", Fraction(29, 100)), ("0.333", Fraction(333, 1000)),
])
def test_share_as_percent_or_fraction(plan: Plan, text: str, value: object) -> None:
    assert ok(plan, "satisfaction", text) == value


def test_share_without_percent_sign_is_refused(plan: Plan) -> None:
    p = problem(plan, "satisfaction", "95")
    assert p.code == "E645"
    assert p.help == "write 95% or 0.95"
    assert problem(plan, "satisfaction", "87.5").help == "write 87.5% or 0.875"


@pytest.mark.parametrize("text", ["120%", "100.01%", "-5%", "-0.1", "1.5%0"])
def test_share_out_of_range(plan: Plan, text: str) -> None:
    p = problem(plan, "satisfaction", text)
    if text == "1.5%0":
        assert p.code == "E640"
    else:
        assert p.code == "E644", p


def test_share_with_vietnamese_decimal_comma(plan: Plan) -> None:
    p = problem(plan, "satisfaction", "95,5%")
    assert p.code == "E642" and p.help is not None and p.help.startswith("write 95.5")


# --- booleans -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("false", False), ("TRUE", True), ("False", False),
    ("có", True), ("Có", True), ("không", False), ("KHÔNG", False),
    (unicodedata.normalize("NFD", "không"), False), (unicodedata.normalize("NFD", "Có"), True),
])
def test_bool_words(plan: Plan, text: str, value: bool) -> None:
    assert ok(plan, "plan_issued", text) is value


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "y", "n", "1", "0", "x", "đã",
                                  "co", "khong", "null"])
def test_other_bool_words_are_refused(plan: Plan, text: str) -> None:
    p = problem(plan, "plan_issued", text)
    assert p.code == "E646"
    assert p.help == "write true or false (or có / không)"


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("2023-01-09", dt.date(2023, 1, 9)), ("09/01/2023", dt.date(2023, 1, 9)),
    ("9/1/2023", dt.date(2023, 1, 9)), ("31/12/2023", dt.date(2023, 12, 31)),
    ("29/02/2024", dt.date(2024, 2, 29)),
])
def test_dates_iso_or_day_first(plan: Plan, text: str, value: dt.date) -> None:
    assert ok(plan, "issued_on", text) == value


def test_day_first_never_month_first(plan: Plan) -> None:
    # 01/02/2023 is the first of February, never January the second
    assert ok(plan, "issued_on", "01/02/2023") == dt.date(2023, 2, 1)
    p = problem(plan, "issued_on", "01/13/2023")
    assert p.code == "E648"
    assert "day first" in p.message
    assert p.help == "if you meant January 13, write 13/01/2023 or 2023-01-13"


@pytest.mark.parametrize(("text", "code", "words"), [
    ("31/02/2023", "E648", "February 2023 has 28 days"),
    ("2023-02-30", "E648", "February 2023 has 28 days"),
    ("29/02/2023", "E648", "February 2023 has 28 days"),
    ("2023-13-01", "E648", "there is no month 13"),
    ("00/01/2023", "E648", "January 2023 has 31 days"),
    ("2023-1-9", "E647", "yyyy-mm-dd"),
    ("09.01.2023", "E647", "accepted form"),
    ("09-01-2023", "E647", "accepted form"),
    ("09/01/23", "E647", "two-digit year"),
    ("2023-01-09T10:00", "E647", "time of day"),
    ("44935", "E647", "expected a date"),
    ("true", "E647", "expected a date"),
    ("ngày 9 tháng 1", "E647", "expected a date"),
])
def test_bad_dates(plan: Plan, text: str, code: str, words: str) -> None:
    p = problem(plan, "issued_on", text)
    assert p.code == code
    assert words in p.message, p.message


# --- categories ---------------------------------------------------------------------------


def test_category_compared_after_nfc(plan: Plan) -> None:
    nfd = unicodedata.normalize("NFD", "Trung bình")
    assert nfd != "Trung bình"
    value = ok(plan, "rating", nfd)
    assert value == "Trung bình"
    assert unicodedata.is_normalized("NFC", str(value))


def test_category_outside_the_allowed_values(plan: Plan) -> None:
    p = problem(plan, "rating", "Tot")
    assert p.code == "E649"
    assert p.message == "'Tot' is not an allowed value of 'rating' (Tốt, Khá, Trung bình, Yếu)"
    assert p.help == "did you mean 'Tốt'?"
    lower = problem(plan, "group", "b")
    assert lower.help == "did you mean 'B'? (categories are case-sensitive)"
    assert problem(plan, "group", "E").help == "write one of: A, B, C, D"


# --- writing values back ------------------------------------------------------------------


@pytest.mark.parametrize(("fact", "value", "text"), [
    ("received", 1200, "1200"), ("score", Fraction(-5, 2), "-2.5"),
    ("satisfaction", Fraction(19, 20), "95%"), ("satisfaction", Fraction(1, 3), "1/3"),
    ("plan_issued", False, "false"), ("issued_on", dt.date(2023, 1, 9), "2023-01-09"),
    ("rating", "Khá", "Khá"),
])
def test_format_value(plan: Plan, fact: str, value: object, text: str) -> None:
    if "/" in text:
        with pytest.raises(ValueError):
            format_fact_value(plan.facts[fact], value)  # type: ignore[arg-type]
        return
    assert format_fact_value(plan.facts[fact], value) == text  # type: ignore[arg-type]
    assert read_value(plan.facts[fact], text) == value


@given(st.one_of(st.integers(-10**30, 10**30), st.sampled_from(
    [0, 1, -1, 10**24 - 1, 10**24, -10**24, -10**24 + 1, 10**17, 10**18 - 1])),
       st.sampled_from(["number", "count", "share"]))
def test_a_whole_number_in_memory_reads_as_its_digits(value: int, kind: str) -> None:
    """An ``int`` given in memory reads as the text of its digits reads (value, or the same
    problem in the same words): the shortcut for a whole number changes nothing."""
    from engine.fact_values import _fraction_text, read_python, unambiguous
    from engine.model import FactDef, Label

    fdef = FactDef("x", kind, Label("x"), "all", ("snv",), ("q1",))  # type: ignore[arg-type]
    got = read_python(fdef, value)
    if abs(value) >= 10**24:
        assert isinstance(got, Problem) and got.code == "E640"
        return
    expected = read_value(fdef, unambiguous(_fraction_text(Fraction(value))))
    assert got == expected and type(got) is type(expected)
