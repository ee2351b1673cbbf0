"""Run-time values: exact numbers, booleans, dates, text, and :class:`Unknown`.

Numbers are ``int`` or ``fractions.Fraction``: exact, so ``29 / 100 * 100 == 29`` and a value on
a threshold compares equal to it. Floats never enter evaluation.

An :class:`Unknown` stands for a value that cannot be known, and says why: which facts of which
agencies are missing, a division by zero, or nothing to measure (an empty population).

Exact numbers have a bound on their size, as CEL bounds the cost of an expression: every number
an operation makes has a numerator and a denominator below ``2**MAX_EXACT_BITS`` (every number
of up to :data:`MAX_EXACT_DIGITS` digits), or the operation has no value (:class:`TooLarge`).
Facts, literals and the values of indicators are within it, so no evaluation computes with
numbers larger than about twice the bound, and each step costs microseconds.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Any, Literal, TypeAlias, cast

ReasonKind = Literal["missing", "division_by_zero", "empty", "not_measured", "invalid"]


@dataclass(frozen=True, slots=True, order=True)
class Reason:
    """Why a value is unknown. ``missing``: ``fact`` of ``agency`` was not reported;
    ``division_by_zero``; ``empty``: nothing to measure; ``not_measured``: the fact is not
    reported in this period; ``invalid``: an operation has no value, ``detail`` says which (a
    date moved outside the calendar, or by a number of days that is not whole). How each
    kind is worded: :data:`engine.messages.REASON_WORDS`.

        >>> Reason("missing", "received", "snv")
        Reason(kind='missing', fact='received', agency='snv', detail='')
        >>> Unknown.of(Reason("division_by_zero")).only_empty
        False
    """

    kind: ReasonKind
    fact: str = ""
    agency: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known, with every reason why (a set: order never matters)."""

    reasons: frozenset[Reason]

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value; use Kleene logic")

    @staticmethod
    def of(*reasons: Reason) -> Unknown:
        return Unknown(frozenset(reasons))

    @staticmethod
    def missing(fact: str, agency: str = "") -> Unknown:
        return Unknown(frozenset((Reason("missing", fact, agency),)))

    @property
    def missing_facts(self) -> list[tuple[str, str]]:
        """``(agency, fact)`` pairs that were not reported, sorted."""
        return sorted((r.agency, r.fact) for r in self.reasons if r.kind == "missing")

    @property
    def only_empty(self) -> bool:
        """True when the only reasons are 'nothing to measure' (or 'not measured')."""
        return all(r.kind in ("empty", "not_measured") for r in self.reasons)

    def sorted_reasons(self) -> list[Reason]:
        return sorted(self.reasons)


def merge(values: Iterable[object]) -> Unknown:
    """One Unknown carrying the reasons of every Unknown among ``values``."""
    reasons: set[Reason] = set()
    for v in values:
        if isinstance(v, Unknown):
            reasons |= v.reasons
    return Unknown(frozenset(reasons))


Num: TypeAlias = int | Fraction
Known: TypeAlias = int | Fraction | bool | dt.date | str
Value: TypeAlias = int | Fraction | bool | dt.date | str | Unknown


def norm(value: Num) -> Num:
    """A number in its one representation: an integral Fraction as an int (keeps values small
    and fast); an int as it is."""
    return value.numerator if value.denominator == 1 else value


# Arithmetic
# ---------------------------------------------------------------------------------------------
# The language's arithmetic, exactly, for known operands: one set of primitives that the
# reference closures (engine.evaluator) and the generated code (engine.codegen) both call. An
# operation that has no value here raises Undefined with the reason; the reference turns it
# into an Unknown, the generated code hands the case over to the reference.


class Undefined(Exception):
    """An operation of the language has no value for these operands: ``reason`` says why
    (a division by zero; a date moved by part of a day, or off the calendar)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


DIVISION_BY_ZERO = Reason("division_by_zero")

#: The bound on exact numbers, in decimal digits: far above any real value (a fact has at most
#: 24 whole digits and 15 decimals, engine.fact_values; a product of a few facts stays under
#: 200 digits), far below what makes arithmetic slow.
MAX_EXACT_DIGITS = 1000
#: The same bound as it is checked, in bits: a number fits when its numerator and its
#: denominator are below ``2**MAX_EXACT_BITS``. ``10**1000 < 2**3322``, so every number of up to
#: 1,000 digits fits (and a few of 1,001), none of 1,002.
MAX_EXACT_BITS = math.ceil(MAX_EXACT_DIGITS * math.log2(10))
#: The bound itself: a number fits when ``-EXACT_LIMIT < n < EXACT_LIMIT`` for its numerator
#: and its denominator (two comparisons of integers, cheaper than ``int.bit_length()``).
EXACT_LIMIT = 1 << MAX_EXACT_BITS
_LIMIT = EXACT_LIMIT
_NEG_LIMIT = -EXACT_LIMIT
# Fraction keeps its parts in slots; reading them directly skips the property call.
_NUM = attrgetter("_numerator")
_DEN = attrgetter("_denominator")
#: How a number beyond the bound is described, in a reason and in a diagnostic.
BEYOND_LIMIT = f"beyond the limit of exact arithmetic ({MAX_EXACT_DIGITS} digits)"


class TooLarge(Undefined):
    """An operation made a number beyond the bound (:data:`MAX_EXACT_DIGITS`). The evaluator
    turns it into an ``invalid`` reason that names the operator and where it is written
    (:meth:`located`)."""

    def __init__(self) -> None:
        super().__init__(Reason("invalid", detail=f"a number {BEYOND_LIMIT}"))

    @staticmethod
    def located(what: str, where: str) -> Reason:
        """The reason for a number beyond the bound made by ``what`` (``'*'``, ``sum()``)
        written at ``where`` (``FILE:LINE:COL``, or empty when the formula has no source).

            >>> print(TooLarge.located("'*'", "plan.yaml:3:14").detail)
            '*' at plan.yaml:3:14 makes a number beyond the limit of exact arithmetic (1000 digits)
        """
        at = f" at {where}" if where else ""
        return Reason("invalid", detail=f"{what}{at} makes a number {BEYOND_LIMIT}")


def fits(value: Num) -> bool:
    """Whether ``value`` is within the bound: its numerator and denominator below
    ``2**MAX_EXACT_BITS``.

        >>> fits(10**1000 - 1), fits(10**1001), fits(Fraction(1, 10**1001))
        (True, False, False)
    """
    if type(value) is Fraction:
        return _NEG_LIMIT < value.numerator < _LIMIT and value.denominator < _LIMIT
    return bool(_NEG_LIMIT < value < _LIMIT)


def checked(value: Num) -> Num:
    """``value`` in its one representation (:func:`norm`) when it fits the bound;
    :class:`TooLarge` otherwise. The check costs two comparisons of integers."""
    if type(value) is int:
        if _NEG_LIMIT < value < _LIMIT:
            return value
        raise TooLarge
    num: int = _NUM(value)
    den: int = _DEN(value)
    if den == 1:
        if _NEG_LIMIT < num < _LIMIT:
            return num
    elif _NEG_LIMIT < num < _LIMIT and den < _LIMIT:
        return value
    raise TooLarge


def _fraction_from_parts(numerator: int, denominator: int) -> Fraction:
    q: Fraction = object.__new__(Fraction)
    q._numerator = numerator  # type: ignore[attr-defined]
    q._denominator = denominator  # type: ignore[attr-defined]
    return q


def _fraction_normalizing(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator)


#: ``Fraction(numerator, denominator)`` for parts already in lowest terms with a positive
#: denominator (the caller divided by their greatest common divisor): the fraction is made
#: from its parts, skipping the checks and the division the constructor repeats, where
#: Fraction keeps its parts in the two slots it has had since Python 3.
fraction = (_fraction_from_parts if getattr(Fraction, "__slots__", ()) == ("_numerator",
                                                                         "_denominator")
            else _fraction_normalizing)


def divide(a: Num, b: Num) -> Num:
    """``a / b`` exactly; :class:`Undefined` when ``b`` is zero, :class:`TooLarge` when the
    quotient is beyond the bound (never for two whole numbers within it)."""
    if b == 0:
        raise Undefined(DIVISION_BY_ZERO)
    if type(a) is int and type(b) is int:
        g = math.gcd(a, b)
        if b < 0:
            g = -g
        if g != 1:
            a //= g
            b //= g
        return a if b == 1 else fraction(a, b)
    return checked(Fraction(a) / b)


def multiply(a: Num, b: Num) -> Num:
    """``a * b`` exactly; :class:`TooLarge` beyond the bound."""
    r = a * b
    if type(r) is int and _NEG_LIMIT < r < _LIMIT:
        return r
    return checked(r)


def add(a: Num | dt.date, b: Num | dt.date) -> Num | dt.date:
    """``a + b``: two numbers, or a date and a number of days (in either order);
    :class:`TooLarge` beyond the bound."""
    if isinstance(a, dt.date):
        return shift(a, b)  # type: ignore[arg-type]  # the checker allows no date + date
    if isinstance(b, dt.date):
        return shift(b, a)
    r = a + b
    if type(r) is int and _NEG_LIMIT < r < _LIMIT:
        return r
    return checked(r)


def subtract(a: Num | dt.date, b: Num | dt.date) -> Num | dt.date:
    """``a - b``: two numbers, two dates (the days between), or a date less a number of days;
    :class:`TooLarge` beyond the bound."""
    if isinstance(a, dt.date):
        if isinstance(b, dt.date):
            return (a - b).days
        return shift(a, -b)
    r = a - b  # type: ignore[operator]  # the checker allows no number - date
    if type(r) is int and _NEG_LIMIT < r < _LIMIT:
        return r
    return checked(r)


def total(values: Sequence[Num]) -> Num:
    """The sum of ``values`` (numbers within the bound), exactly; :class:`TooLarge` when the
    sum, or the common denominator of its terms, is beyond the bound.

    The rule about the common denominator is what bounds the cost: the sum of many fractions
    with different denominators (``sum(1 / x)`` over thousands of agencies) would otherwise
    build a denominator of millions of digits before the result could be checked. It is found
    first, stopping as soon as it is too large; then every term is a whole multiple of it.

        >>> total([1, Fraction(1, 2), Fraction(1, 3)])
        Fraction(11, 6)
    """
    kinds = set(map(type, values))
    if Fraction in kinds:
        return sum_with_fractions(values, int in kinds)
    return checked(sum(values))


def sum_with_fractions(values: Sequence[Num], ints: bool) -> Num:
    """:func:`total` of ``values`` that hold a ``Fraction`` (and an ``int`` when ``ints``):
    over the common denominator of the fractions, which is small for the shares people report
    (percentages and decimals)."""
    fractions = cast(list[Fraction], [v for v in values if type(v) is Fraction]
                     if ints else values)
    whole = sum([v for v in values if type(v) is not Fraction]) if ints else 0
    dens = set(map(_DEN, fractions))
    common = common_denominator(dens)
    if len(dens) == 1:
        num = sum(map(_NUM, fractions))
    else:
        num = sum([n * (common // d) for n, d in zip(map(_NUM, fractions), map(_DEN, fractions),
                                                       strict=True)])
    return checked(Fraction(num + whole * common, common))


def common_denominator(denominators: Iterable[int]) -> int:
    """The least common multiple of ``denominators``; :class:`TooLarge` as soon as it is beyond
    the bound (so that finding it never costs more than numbers of the bound's size)."""
    common = 1
    for d in denominators:
        common = math.lcm(common, d)
        if common >= _LIMIT:
            raise TooLarge
    return common


def shift(date: dt.date, days: Num) -> dt.date:
    """``date`` moved by ``days``; :class:`Undefined` unless that is a whole number of days
    that stays on the calendar."""
    if type(days) is not int:
        if days.denominator != 1:
            raise Undefined(Reason(
                "invalid", detail=f"{format_number(days)} is not a whole number of days"))
        days = days.numerator
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        raise Undefined(Reason(
            "invalid", detail="the date falls outside the calendar (years 1 to 9999)")) from None


#: The fixed-point scale: a number that is an integer count of millionths (every whole number,
#: and every decimal of up to six places: every share people report) can be summed as that
#: integer, in C, instead of as a fraction; a float of a JSON document is read as one
#: (:func:`float_millionths`, :meth:`engine.evaluator.RawPopulation.column_total`).
FIXED_SCALE = 10**6


def fixed_point(facts: Mapping[str, object]) -> dict[str, int]:
    """The numbers among ``facts`` that are whole multiples of ``1 / FIXED_SCALE``, as those
    multiples; anything else (a third, a boolean, a date, an unknown) is left out.

    Evaluation reads only numbers within the bound (:data:`MAX_EXACT_DIGITS`): a number
    beyond it is a ``ValueError`` here, where a row of facts is made, as the readers of facts
    and the parser refuse one with a located error.

        >>> fixed_point({"a": 3, "b": Fraction(9, 10), "c": Fraction(1, 3), "d": True})
        {'a': 3000000, 'b': 900000}
    """
    out: dict[str, int] = {}
    for name, v in facts.items():
        if type(v) is int:
            if _NEG_LIMIT < v < _LIMIT:
                out[name] = v * FIXED_SCALE
                continue
        elif type(v) is Fraction:
            num, den = _NUM(v), _DEN(v)
            if _NEG_LIMIT < num < _LIMIT and den < _LIMIT:
                if not FIXED_SCALE % den:
                    out[name] = num * (FIXED_SCALE // den)
                continue
        else:
            continue
        # a number beyond the bound
        raise ValueError(f"{name} is a number {BEYOND_LIMIT}")
    return out


def is_number(value: object) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


# Formatting values
# ---------------------------------------------------------------------------------------------


def round_half_away(x: Num, digits: int) -> Num:
    """Round half away from zero (the rule of Vietnamese statistics), exactly;
    :class:`TooLarge` when the rounded number is beyond the bound (a number near the bound
    rounded to many decimals)."""
    scaled = Fraction(x) * 10**digits
    q, r = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return checked(Fraction(q if scaled >= 0 else -q, 10**digits))


def format_number(value: int | Fraction, *, places: int | None = None) -> str:
    """Plain decimal notation, never an exponent: ``29``, ``0.99``, ``-1.5``.

    A number with a finite decimal form is written exactly (every digit, however many) unless
    ``places`` is given; one without (1/3) is rounded half away from zero to ``places`` digits
    (10 when not given). Trailing zeros are dropped.

        >>> format_number(Fraction(29, 100) * 100), format_number(Fraction(1, 3))
        ('29', '0.3333333333')
        >>> format_number(Fraction(-5, 2), places=0), format_number(10**30)
        ('-3', '1000000000000000000000000000000')
    """
    frac = Fraction(value)
    digits = _decimal_places(frac) if places is None else places
    if digits is None:
        digits = 10
    scaled = abs(frac) * 10**digits
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    text = _digits(q).rjust(digits + 1, "0")
    whole, decimals = text[: len(text) - digits], text[len(text) - digits :].rstrip("0")
    sign = "-" if frac < 0 and q else ""
    return sign + whole + ("." + decimals if decimals else "")


def _decimal_places(frac: Fraction) -> int | None:
    """How many decimals ``frac`` has when written out, or None if they never end (1/3)."""
    den, twos, fives = frac.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    return max(twos, fives) if den == 1 else None


_CHUNK = 10**4000


def _digits(n: int) -> str:
    """``str(n)`` for a non-negative int of any size (Python limits str() to 4300 digits)."""
    chunk = _CHUNK
    if n < chunk:
        return str(n)
    parts: list[str] = []
    while n >= chunk:
        n, low = divmod(n, chunk)
        parts.append(str(low).rjust(4000, "0"))
    return str(n) + "".join(reversed(parts))


def quote_text(value: str) -> str:
    """A text as a literal of the language: in double quotes, with escapes.

        >>> print(quote_text('Sở "Nội vụ"'))
        "Sở \\"Nội vụ\\""
    """
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + body.replace("\t", "\\t") + '"'


def type_of(value: Value) -> str:
    """The language type name of a run-time value (``unknown`` for :class:`Unknown`)."""
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "text"
    return "number"


def format_value(value: Value) -> str:
    """Canonical one-line text: ``true``, ``unknown``, ``0.99``, ``2023-01-10``, ``"B"``."""
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return quote_text(value)
    return format_number(value)


_FLOAT_EXACT = 2**53
#: The denominators of decimals of up to six places: each with the factor that makes it a
#: power of ten, and that power (n/d == n * factor / power, which int division rounds to the
#: nearest float, as float() of its decimal text does).
_DECIMAL_SCALES: dict[int, tuple[int, int]] = {
    2**a * 5**b: (10**max(a, b) // (2**a * 5**b), 10**max(a, b))
    for a in range(7) for b in range(7) if a or b}


_TEN_PLACES = 10**10


def json_value(value: Value) -> Any:
    """The JSON form of a value: number, boolean, ISO date string, text, or None if unknown.

    Numbers with no finite decimal form are rounded to 10 decimal places; numbers too large for
    a float's precision are rounded to a whole number (JSON integers are exact at any size).

        >>> from fractions import Fraction
        >>> json_value(Fraction(1, 3)), json_value(Fraction(99, 100)), json_value(1200)
        (0.3333333333, 0.99, 1200)
    """
    t = type(value)
    if t is int or t is bool or t is str:
        return value
    if t is Unknown:
        return None
    if t is Fraction:
        num, den = _NUM(value), _DEN(value)
        if -_FLOAT_EXACT < num < _FLOAT_EXACT:
            scaled = _DECIMAL_SCALES.get(den)
            if scaled is not None:  # a decimal of a few places: the float nearest it
                return num * scaled[0] / scaled[1]
        if -_FLOAT_EXACT * den < num < _FLOAT_EXACT * den:
            # What the text of format_number reads back as, without writing it (a share of
            # two counts, 97/113, took 15 µs that way): a decimal that ends is the float
            # nearest it, as int / int is; one that does not is rounded half away from zero
            # to ten places, the float nearest that, or the whole number it is.
            if pow(10, den.bit_length(), den) == 0:
                return num / den
            q, r = divmod(-num * _TEN_PLACES if num < 0 else num * _TEN_PLACES, den)
            if 2 * r >= den:
                q += 1
            if q % _TEN_PLACES:
                return -q / _TEN_PLACES if num < 0 else q / _TEN_PLACES
            return -(q // _TEN_PLACES) if num < 0 else q // _TEN_PLACES
    if isinstance(value, Unknown):
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    if abs(value) >= 2**53:  # beyond a float's precision (and perhaps its range): whole number
        return int(format_number(value, places=0))
    text = format_number(value)
    return int(text) if "." not in text else float(text)


# Values from Python and JSON
# ---------------------------------------------------------------------------------------------
# The facts of an agency given in code (a JSON document, a form) hold floats, decimals and
# decimal texts. Each becomes the exact number it writes: a float the shortest decimal that
# reads back as the same float (what ``repr`` prints, and what a fact file holds when a
# spreadsheet or a JSON encoder wrote the float), so ``0.93`` is exactly 93/100.

#: Below this magnitude a float is at most one multiple of a millionth away (its spacing is
#: below half a millionth): then the multiple that reads back as the float is its shortest
#: decimal whenever that has at most six places (:func:`from_float`).
_FIXED_FLOAT_MAX = 2.0**31
#: Exact numbers already made from a count of millionths (:func:`from_millionths`): the shares
#: people report take few values, so most cost a dictionary read instead of a Fraction.
_MILLIONTHS: dict[int, Num] = {}
_MILLIONTHS_MAX = 1 << 16
_INF = math.inf


def from_millionths(n: int) -> Num:
    """The exact number ``n / FIXED_SCALE`` (an int when it is whole)."""
    q = _MILLIONTHS.get(n)
    if q is None:
        g = math.gcd(n, FIXED_SCALE)
        q = n // g if g == FIXED_SCALE else fraction(n // g, FIXED_SCALE // g)
        if len(_MILLIONTHS) >= _MILLIONTHS_MAX:
            _MILLIONTHS.clear()
        _MILLIONTHS[n] = q
    return q


def float_millionths(value: float) -> int | None:
    """The shortest decimal of ``value`` as a count of millionths, when it has at most six
    places and ``value`` is below 2**31 in magnitude; None otherwise (then
    :func:`from_float` writes the decimal out)."""
    if -_FIXED_FLOAT_MAX < value < _FIXED_FLOAT_MAX:
        n = round(value * 1e6)
        if n / 1e6 == value:
            return n
    return None


#: Counts of millionths of the ints and floats seen in columns (:func:`column_millionths`),
#: keyed by the value itself. Only a value that has a count is ever a key (a float within
#: ``2**31`` whose shortest decimal has at most six places, a whole number within it), so a
#: value found here is known to be one: the test and the bound are paid once per distinct
#: value, not once per agency. (Equal keys are equal numbers, with equal counts: ``1`` and
#: ``1.0`` share an entry; ``True`` would too, which is why callers refuse bools first.)
_COUNTS: dict[object, int] = {}
_COUNTS_MAX = 1 << 16


def column_millionths(column: list[Any]) -> int | None:
    """The sum of ``column`` in millionths, when every value is an ``int`` or a ``float`` with a
    count (:func:`float_millionths`); None when one has none (a NaN, an infinity, a value at
    or beyond ``2**31``, a float with more than six places). The caller has checked that every
    value is an ``int`` or a ``float`` (not a ``bool``).

    Equal to ``sum(float_millionths(v) for v in column)`` when every count exists: a value
    found in :data:`_COUNTS` has the count that was worked out for an equal value, and equal
    ints and floats have equal counts (for ``|v| < 2**31``, ``v * 1e6`` is below ``2**53`` and so
    exact for a whole ``v``). The lookups and the sum run in C; a value not seen before is
    worked out once, however many agencies give it."""
    return _column_counts(column, _COUNTS, float_millionths)


def _column_counts(column: list[Any], counts: dict[Any, int],
                   count: Callable[[Any], int | None]) -> int | None:
    """The sum of the counts of ``column``'s values, from the table ``counts`` (filled first
    with ``count`` of each distinct value not in it); None when a value has no count."""
    try:
        return sum(map(counts.__getitem__, column))
    except KeyError:  # values not seen before
        pass
    new = set(column).difference(counts)  # (in C: each value looked up in the table)
    if len(counts) + len(new) > _COUNTS_MAX:  # full: start again with this column's values
        counts.clear()
        new = set(column)
    if len(new) > _COUNTS_MAX:  # more distinct values than the table holds: one by one
        total_ = 0
        for v in column:
            n = count(v)
            if n is None:
                return None
            total_ += n
        return total_
    for v in new:
        n = count(v)
        if n is None:
            return None
        counts[v] = n
    return sum(map(counts.__getitem__, column))


#: Counts of millionths of the decimal texts seen in columns (:func:`texts_millionths`).
_TEXT_COUNTS: dict[str, int] = {}


def texts_millionths(column: list[str]) -> int | None:
    """The sum of a column of decimal texts (a number given as ``"0.93"``) in millionths, when
    every text is a decimal of at most six places that :func:`from_python` reads as a number
    (``from_python(t, number=True) == count / FIXED_SCALE``); None otherwise (then the caller
    converts each, and the conversion says what is wrong). The sum is not bounded: the caller
    checks it. Each distinct text is read once (:data:`_TEXT_COUNTS`)."""
    return _column_counts(column, _TEXT_COUNTS, text_millionths)


def text_millionths(text: str) -> int | None:
    """A decimal text of at most six places as its count of millionths, read as
    :func:`from_python` reads a text for a number; None for any other text."""
    s = text.strip()
    if _DECIMAL_TEXT.fullmatch(s) is None or len(s) > MAX_EXACT_DIGITS:
        return None
    whole, _, places = s.partition(".")
    if len(places) > 6:
        return None
    # "-0.5" is "-0" and "500000": int() of the digits, the sign in front
    return int(whole + places.ljust(6, "0"))


def from_float(value: float) -> Num:
    """The exact number a float stands for: the shortest decimal that reads back as it
    (``repr(value)``), as the fact readers read a decimal. A float that is not finite has no
    number: ``ValueError``.

        >>> from_float(0.93), from_float(120.0), from_float(1e-07), from_float(1e23)
        (Fraction(93, 100), 120, Fraction(1, 10000000), 100000000000000000000000)
        >>> from_float(0.1 + 0.2)  # 0.30000000000000004
        Fraction(7500000000000001, 25000000000000000)
    """
    if -_FIXED_FLOAT_MAX < value < _FIXED_FLOAT_MAX:
        n = round(value * 1e6)
        if n / 1e6 == value:
            return from_millionths(n)
    if not -_INF < value < _INF:
        raise ValueError(f"{value!r} is not a number")
    q = Fraction(repr(value))
    return q.numerator if q.denominator == 1 else q


_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def from_python(value: object, number: bool = False) -> Known:
    """A value given in code or read from JSON, as a run-time value: ``int``, ``float``
    (:func:`from_float`), ``Fraction`` and ``Decimal`` numbers exactly; ``bool``, ``str`` and
    ``datetime.date`` as they are. With ``number`` (the name is a number), a text is read as a
    decimal (``"0.93"``, ``"-12"``), exactly.

    A value of another kind is a ``TypeError``; a number that is not finite, or beyond the bound
    of exact numbers (:data:`MAX_EXACT_DIGITS`), or a text for a number that is not a decimal,
    a ``ValueError``.

        >>> from_python(0.93), from_python("0.93", number=True), from_python(True)
        (Fraction(93, 100), Fraction(93, 100), True)
    """
    t = type(value)
    if t is int:
        if _NEG_LIMIT < value < _LIMIT:  # type: ignore[operator]
            return cast(int, value)
        raise ValueError(f"a number {BEYOND_LIMIT}")
    if t is float:
        return from_float(cast(float, value))
    if t is bool or t is dt.date:
        if number:
            raise TypeError(f"expected a number, found {value!r}")
        return cast(Known, value)
    if t is str:
        text = cast(str, value)
        if not number:
            return text
        s = text.strip()
        if _DECIMAL_TEXT.fullmatch(s) is None:
            raise ValueError(f"expected a decimal number, found {text!r}")
        if len(s) > MAX_EXACT_DIGITS:
            raise ValueError(f"a number {BEYOND_LIMIT}")
        return int(s) if "." not in s else norm(Fraction(s))
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return checked(norm(Fraction(value)))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        if not value.is_zero() and not -MAX_EXACT_DIGITS < value.adjusted() < MAX_EXACT_DIGITS:
            raise ValueError(f"a number {BEYOND_LIMIT}")
        return checked(norm(Fraction(value)))
    raise TypeError(f"{type(value).__name__} is not a value of the language "
                    "(give a number, a bool, a text or a datetime.date)")
