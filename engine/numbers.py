"""Numbers as people write them: the one place that decides how a number reads in Vietnamese
(``99,72%``, ``1.234``: a dot between thousands, a decimal comma) and in English (``99.72%``,
``1,234``). Every human-readable output (the terminal table, Markdown, ``explain``, the HTML
report, the Word annex) goes through it; JSON and CSV keep the machine form of
:func:`engine.values.format_number`.

    >>> format_number_local(Fraction(9972, 10000) * 100), format_number_local(1234)
    ('99,72', '1.234')
    >>> format_percent(Fraction(9972, 10000), "en"), format_number_local(-1234567, "en")
    ('99.72%', '-1,234,567')
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from .values import format_number

__all__ = ["format_date_local", "format_number_local", "format_percent"]


def format_number_local(value: int | Fraction, lang: str = "vi", *,
                        places: int | None = 2) -> str:
    """A number as people of ``lang`` write it: Vietnamese ``1.234,5`` (dots between
    thousands, a decimal comma), English ``1,234.5``; rounded half away from zero to ``places``
    decimals (None: exact when it has a finite decimal form, else 10 decimals), trailing zeros
    dropped.

        >>> format_number_local(Fraction(9972, 10000) * 100), format_number_local(1234)
        ('99,72', '1.234')
        >>> format_number_local(Fraction(-12345, 10), "en")
        '-1,234.5'
    """
    text = format_number(value, places=places)
    sign = "-" if text.startswith("-") else ""
    whole, _, decimals = text.lstrip("-").partition(".")
    thousands, point = (".", ",") if lang == "vi" else (",", ".")
    head = len(whole) % 3 or 3
    grouped = thousands.join([whole[:head], *(whole[i:i + 3]
                                               for i in range(head, len(whole), 3))])
    return sign + grouped + (point + decimals if decimals else "")


def format_percent(value: int | Fraction, lang: str = "vi", *, places: int = 2) -> str:
    """A share as a percentage with up to ``places`` decimals: ``99,72%`` (``99.72%`` in
    English)."""
    return format_number_local(Fraction(value) * 100, lang, places=places) + "%"


def format_date_local(day: dt.date, lang: str = "vi") -> str:
    """A date as people of ``lang`` write it: day first in Vietnamese (``14/03/2023``), ISO in
    English (``2023-03-14``).

        >>> format_date_local(dt.date(2023, 3, 14)), format_date_local(dt.date(2023, 3, 14), "en")
        ('14/03/2023', '2023-03-14')
    """
    if lang == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return day.isoformat()
