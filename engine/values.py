"""Run-time values: exact numbers, booleans, dates, text, and :class:`Unknown`.

Numbers are ``int`` or ``fractions.Fraction``: exact, so ``29 / 100 * 100 == 29`` and a value on
a threshold compares equal to it. Floats never enter evaluation.

An :class:`Unknown` stands for a value that cannot be known, and says why: which facts of which
agencies are missing, a division by zero, or nothing to measure (an empty population).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, TypeAlias

ReasonKind = Literal["missing", "division_by_zero", "empty", "not_measured", "invalid"]


@dataclass(frozen=True, slots=True, order=True)
class Reason:
    """Why a value is unknown. ``missing``: ``fact`` of ``agency`` was not reported;
    ``division_by_zero``; ``empty``: nothing to measure; ``not_measured``: the fact is not
    reported in this period; ``invalid``: an operation has no value, ``detail`` says which (a
    date moved outside the calendar, or by a number of days that is not whole).

        >>> Reason("missing", "received", "snv").describe()
        'received of snv was not reported'
        >>> Unknown.of(Reason("division_by_zero")).only_empty
        False
    """

    kind: ReasonKind
    fact: str = ""
    agency: str = ""
    detail: str = ""

    def describe(self) -> str:
        match self.kind:
            case "missing":
                who = f" of {self.agency}" if self.agency else ""
                return f"{self.fact}{who} was not reported"
            case "division_by_zero":
                return "division by zero" + (f" ({self.detail})" if self.detail else "")
            case "empty":
                return "nothing to measure" + (f" ({self.detail})" if self.detail else "")
            case "invalid":
                return self.detail or "no valid value"
            case _:
                return f"{self.fact} is not reported in this period"


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


def norm(value: Fraction) -> Num:
    """An integral Fraction as an int (keeps values small and fast)."""
    return value.numerator if value.denominator == 1 else value


#: The fixed-point scale. A row also holds each of its numbers as an integer count of
#: millionths, when it is one exactly (every whole number, and every decimal of up to six
#: places: every share people report), so that the generated code sums integers in C instead
#: of fractions (:mod:`engine.codegen`).
FIXED_SCALE = 10**6


def fixed_point(facts: Mapping[str, object]) -> dict[str, int]:
    """The numbers among ``facts`` that are whole multiples of ``1 / FIXED_SCALE``, as those
    multiples; anything else (a third, a boolean, a date, an unknown) is left out.

        >>> fixed_point({"a": 3, "b": Fraction(9, 10), "c": Fraction(1, 3), "d": True})
        {'a': 3000000, 'b': 900000}
    """
    out: dict[str, int] = {}
    for name, v in facts.items():
        if type(v) is int:
            out[name] = v * FIXED_SCALE
        elif type(v) is Fraction and not FIXED_SCALE % v.denominator:
            out[name] = v.numerator * (FIXED_SCALE // v.denominator)
    return out


def is_number(value: object) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)
