"""How a fact's value is read from the text an officer wrote, and written back.

Values are read according to the fact's type in the catalogue, never guessed: numbers are exact
(``int`` or :class:`~fractions.Fraction`); shares are ``95%`` or ``0.95``; dates are
``yyyy-mm-dd`` or day first (``dd/mm/yyyy``); booleans are ``true``/``false`` or ``có``/``không``;
categories are one of the fact's allowed values. The ways Vietnamese officers write numbers that
would otherwise be misread (``1.200``, ``1,5``, ``1 200``) are refused with a hint that says what
to write instead.

:func:`read_value` gives a value or a :class:`Problem` (code ``E640``-``E649`` and its words);
the caller locates it. :func:`format_fact_value` is its inverse: the text a fact file holds for a
value.

    >>> read_number("1200.5")
    Fraction(2401, 2)
    >>> read_number("1.200").code
    'E641'
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import re
from dataclasses import dataclass
from fractions import Fraction

from .diagnostics import did_you_mean
from .files import nfc
from .i18n import N_, _, current
from .lazyre import lazy as _lazy
from .messages import show
from .model import FactDef
from .values import Known, Num, norm

__all__ = [
    "EXPECTED",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "Problem",
    "format_decimal",
    "format_fact_value",
    "read_number",
    "read_python",
    "read_value",
    "unambiguous",
]

#: Words read as booleans (after NFC normalisation and case folding).
TRUE_WORDS = ("true", "có")
FALSE_WORDS = ("false", "không")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a value text was refused."""

    code: str
    message: str
    help: str | None = None


#: What each type expects, in words (messages and templates).
EXPECTED: dict[str, str] = {
    "number": N_("a number (1200 or 1200.5)"),
    "count": N_("a whole number >= 0"),
    "share": N_("a share (95% or 0.95)"),
    "bool": N_("true or false (or có / không)"),
    "date": N_("a date (2023-01-09 or 09/01/2023)"),
    "category": N_("one of the allowed values"),
}

# Compiling the fifteen patterns below on import took a first run 2 ms, and a run needs few.
_DECIMAL = _lazy(__name__, "_DECIMAL", r"-?[0-9]+(?:\.[0-9]+)?")
_THOUSANDS_DOT = _lazy(__name__, "_THOUSANDS_DOT", r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_THOUSANDS_SPACE = _lazy(__name__, "_THOUSANDS_SPACE",
                         r"-?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?")
_THOUSANDS_COMMA = _lazy(__name__, "_THOUSANDS_COMMA", r"-?[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}")
_DECIMAL_COMMA = _lazy(__name__, "_DECIMAL_COMMA", r"-?[0-9]+,[0-9]+")
_VN_GROUPED = _lazy(__name__, "_VN_GROUPED", r"(-?[0-9]{1,3}(?:\.[0-9]{3})+),([0-9]+)")
_EN_GROUPED = _lazy(__name__, "_EN_GROUPED", r"(-?[0-9]{1,3}(?:,[0-9]{3})+)\.([0-9]+)")
_BARE_POINT = _lazy(__name__, "_BARE_POINT", r"-?(?:\.[0-9]+|[0-9]+\.)")
_EXPONENT = _lazy(__name__, "_EXPONENT", r"-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+")
_ISO = _lazy(__name__, "_ISO", r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY = _lazy(__name__, "_DMY", r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_LOOSE = _lazy(__name__, "_ISO_LOOSE", r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_DMY_OTHER = _lazy(__name__, "_DMY_OTHER", r"([0-9]{1,2})[.\-]([0-9]{1,2})[.\-]([0-9]{4})")
_DMY_SHORT_YEAR = _lazy(__name__, "_DMY_SHORT_YEAR", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}")
_DATETIME = _lazy(__name__, "_DATETIME", r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9].*")


def _digits(text: str) -> str:
    return re.sub(r"[^0-9\-]", "", text)


def read_number(text: str) -> Num | Problem:
    """An exact decimal number from its text (``-12``, ``1200.5``), or why it was refused."""
    n = _number(text.strip())
    if n is None:
        return Problem("E640", _("expected a number, found {text}").format(text=show(text.strip())),
                       _("write digits with an optional decimal point, e.g. 1200 or 1200.5"))
    return n


_NO_SEPARATORS = N_("no thousands separators; the decimal separator is a dot")


#: The most digits a fact value may have before and after the decimal point: far beyond any
#: real count, share, or amount of money (a trillion trillion), and far below what makes exact
#: arithmetic slow or Python's conversions fail (docs/facts.md).
MAX_WHOLE_DIGITS = 24
MAX_DECIMALS = 15
_WHOLE_LIMIT = 10**MAX_WHOLE_DIGITS
_DENOMINATOR_LIMIT = 10**MAX_DECIMALS


def _magnitude(t: str, u: str = "") -> Problem | None:
    """A problem when the decimal ``t`` has more digits than any real fact value."""
    whole, _sep, frac = t.lstrip("-").partition(".")
    if len(whole.lstrip("0")) <= MAX_WHOLE_DIGITS and len(frac) <= MAX_DECIMALS:
        return None
    return _too_big(show(t + u) if len(t) <= 40 else f"a number of {len(whole) + len(frac)} "
                    "digits")


def _too_big(shown: str) -> Problem:
    return Problem("E640", _("{shown} has more digits than any real value").format(shown=shown),
                   _("a fact value has at most {MAX_WHOLE_DIGITS} digits before the decimal "
                      "point and {MAX_DECIMALS} after it: check the cell").format(
                       MAX_WHOLE_DIGITS=MAX_WHOLE_DIGITS, MAX_DECIMALS=MAX_DECIMALS))


def _number(t: str, unit: str = "") -> Num | Problem | None:
    """A number, a problem with a number-like text, or None when the text is nothing like one.

    ``unit`` (``%``) is what followed the number in the file: it is shown in the message and
    in the suggested fixes.
    """
    if t.isdigit() and t.isascii() and len(t) <= MAX_DECIMALS + 2:
        return int(t)  # the common case first: a whole number of a few digits
    u = unit
    decimal_text = _DECIMAL.fullmatch(t) is not None
    if decimal_text:
        # Only a text longer than the shortest one past the bound ("0." and 16 decimals) can be
        # past it, so the common, short number pays nothing for the check.
        if len(t) > MAX_DECIMALS + 2 and (too_big := _magnitude(t, u)) is not None:
            return too_big
        if not _THOUSANDS_DOT.fullmatch(t):
            # the common case first, without building any message
            return int(t) if "." not in t else norm(Fraction(t))
    shown = show(t + u)
    if decimal_text:
        if _THOUSANDS_DOT.fullmatch(t):
            whole, _sep, frac = t.partition(".")
            decimal = (whole + "." + frac.rstrip("0")).rstrip(".")
            if decimal == t:
                decimal = t + "0"
            return Problem(
                "E641", _("{shown} is ambiguous: the dot looks like a thousands separator").format(
                            shown=shown),
                _("write {digits}{u} if the dot separates thousands, or {decimal}{u} if it is a "
                   "decimal point ({sep})").format(
                    digits=_digits(t), u=u, decimal=decimal, sep=_(_NO_SEPARATORS)))
        return norm(Fraction(t))
    if _THOUSANDS_DOT.fullmatch(t) or _THOUSANDS_COMMA.fullmatch(t):
        return Problem("E641", _("{shown} is written with thousands separators").format(
                                   shown=shown),
                       _("write {digits}{u} ({sep})").format(
                           digits=_digits(t), u=u, sep=_(_NO_SEPARATORS)))
    if _THOUSANDS_SPACE.fullmatch(t):
        plain = re.sub(r"[ \u00a0\u202f]", "", t).replace(",", ".")
        return Problem("E641", _("{shown} is written with spaces between digit groups").format(
                                   shown=shown),
                       _("write {plain}{u} ({sep})").format(
                           plain=plain, u=u, sep=_(_NO_SEPARATORS)))
    if m := (_VN_GROUPED.fullmatch(t) or _EN_GROUPED.fullmatch(t)):
        return Problem("E641", _("{shown} is written with thousands separators").format(
                                   shown=shown),
                       _("write {digits}.{group}{u} ({sep})").format(
                           digits=_digits(m.group(1)), group=m.group(2), u=u,
                               sep=_(_NO_SEPARATORS)))
    if _DECIMAL_COMMA.fullmatch(t):
        whole, _sep, frac = t.partition(",")
        if len(frac) == 3 and not whole.lstrip("-").startswith("0"):
            return Problem("E642", _("{shown} is ambiguous: the comma is either a decimal comma "
                                      "or a thousands separator").format(shown=shown),
                           _("write {whole}.{frac}{u} if it is a decimal comma, or "
                              "{whole}{frac}{u} if it separates thousands ({sep})").format(
                               whole=whole, frac=frac, u=u, sep=_(_NO_SEPARATORS)))
        return Problem("E642", _("{shown} is written with a decimal comma").format(shown=shown),
                       _("write {whole}.{frac}{u} (the decimal separator is a dot)").format(
                           whole=whole, frac=frac, u=u))
    if _BARE_POINT.fullmatch(t):
        fixed = t[:-1] if t.endswith(".") else t.replace(".", "0.", 1)
        return Problem("E640", _("{shown} is not a complete number").format(shown=shown),
            _("write {fixed}{u}").format(fixed=fixed, u=u))
    if _EXPONENT.fullmatch(t):
        exponent = int(re.split("[eE]", t)[1])
        exact = _fraction_text(Fraction(t)) if len(t) < 30 and abs(exponent) <= 30 else "/"
        return Problem("E640", _("{shown} is written in exponent notation").format(shown=shown),
                       _("write the number out in full") if "/" in exact
                       else _("write the number out in full: {unambiguous}{u}").format(
                                unambiguous=unambiguous(exact), u=u))
    return None


def read_value(fdef: FactDef, text: str) -> Known | Problem:
    """The value of ``fdef`` written as ``text`` (not empty), or why it was refused."""
    t = text.strip()
    match fdef.type:
        case "number" | "count":
            return _read_number_fact(fdef, t)
        case "share":
            return _read_share(fdef, t)
        case "bool":
            word = nfc(t).casefold()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            return Problem("E646", _("expected true or false for '{fdef}', found {t}").format(
                                       fdef=fdef.id, t=show(t)),
                           _("write true or false (or có / không)"))
        case "date":
            return _read_date(fdef, t)
        case _:
            return _read_category(fdef, t)


def _read_number_fact(fdef: FactDef, t: str) -> Known | Problem:
    if t.endswith("%"):
        return Problem("E640", _("{t} is a percentage, but '{fdef}' is a {type}").format(
                                   t=show(t), fdef=fdef.id, type=fdef.type),
                       _("write the number without %"))
    n = _number(t)
    if n is None:
        return Problem("E640", _("expected {what} for '{fdef}', found {t}").format(
                                   what=_(EXPECTED[fdef.type]), fdef=fdef.id, t=show(t)),
                                       _("write a whole number, e.g. 1200") if fdef.type == "count"
                       else _("write digits with an optional decimal point, e.g. 1200 or 1200.5"))
    if isinstance(n, Problem) or fdef.type != "count":
        return n
    if n < 0:
        return Problem("E643", _("a count cannot be negative: {t} for '{fdef}'").format(
                                   t=show(t), fdef=fdef.id),
                       _("write 0 or a positive whole number"))
    if not isinstance(n, int):
        return Problem("E643", _("a count is a whole number: {t} for '{fdef}'").format(
                                   t=show(t), fdef=fdef.id),
                       _("write a whole number, e.g. 1200"))
    return n


def _read_share(fdef: FactDef, t: str) -> Known | Problem:
    percent = t.endswith("%")
    body = t[:-1].rstrip() if percent else t
    n = _number(body, "%" if percent else "")
    if n is None:
        return Problem("E640", _("expected {what} for '{fdef}', found {t}").format(
                                   what=_(EXPECTED['share']), fdef=fdef.id, t=show(t)),
                       _("write a percentage such as 95% or a fraction such as 0.95"))
    if isinstance(n, Problem):
        return n
    if not percent and n > 1:
        return Problem("E645",
            _("{t} is not a share: a bare number must be between 0 and 1").format(
                                   t=show(t)), _("write {body}% or {fraction_text}").format(
                                    body=body, fraction_text=_fraction_text(Fraction(n) / 100))
                       if n <= 100 else _("write a percentage such as 95% or a fraction such as "
                                           "0.95"))
    value = Fraction(n) / 100 if percent else Fraction(n)
    if value > 1:
        return Problem("E644", _("a share cannot be above 100%: {t} for '{fdef}'").format(
                                   t=show(t), fdef=fdef.id),
                       _("write a share between 0% and 100%"))
    if value < 0:
        return Problem("E644", _("a share cannot be below 0%: {t} for '{fdef}'").format(
                                   t=show(t), fdef=fdef.id),
                       _("write a share between 0% and 100%"))
    return norm(value)


def _fraction_text(value: Fraction) -> str:
    """The exact decimal text of ``value`` when it has one (``0.955``), else ``n/d``."""
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    return format_decimal(value)


def format_decimal(value: Num) -> str:
    """The exact decimal text of a number with a terminating decimal expansion."""
    value = Fraction(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    if rest == 0:
        return f"{sign}{whole}"
    digits: list[str] = []
    frac = Fraction(rest, value.denominator)
    while frac and len(digits) < 40:
        frac *= 10
        d = frac.numerator // frac.denominator
        digits.append(str(d))
        frac -= d
    return f"{sign}{whole}." + "".join(digits)


def _date_problem(fdef: FactDef, t: str, y: int, m: int, d: int, dmy: bool) -> Problem:
    if dmy and m > 12 and 1 <= d <= 12:
        return Problem("E648", _("{t} is not a date: dates are written day first (dd/mm/yyyy), "
                                 "and there is no month {m}").format(t=show(t), m=m),
                       _("if you meant {month} {m}, write {m:02d}/{d:02d}/{y} or "
                         "{y}-{d:02d}-{m:02d}").format(month=_month(d), m=m, d=d, y=y))
    if not 1 <= m <= 12:
        return Problem("E648", _("{t} is not a date: there is no month {m}").format(t=show(t),
                                                                                    m=m),
                       _("write dd/mm/yyyy or yyyy-mm-dd"))
    days = calendar.monthrange(y, m)[1]
    return Problem("E648", _("{t} is not a date: {month} {y} has {days} days").format(
        t=show(t), month=_month(m), y=y, days=days), _("check the day of '{fact}'").format(
            fact=fdef.id))


def _month(m: int) -> str:
    """The name of month ``m`` (1-12): "March", "tháng 3"."""
    return _("month {m}").format(m=m) if current() != "en" else calendar.month_name[m]


def _read_date(fdef: FactDef, t: str) -> Known | Problem:
    if m := _ISO.fullmatch(t):
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError:
            return _date_problem(fdef, t, y, mo, d, dmy=False)
    if m := _DMY.fullmatch(t):
        d, mo, y = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d)
        except ValueError:
            return _date_problem(fdef, t, y, mo, d, dmy=True)
    if m := _DATETIME.fullmatch(t):
        return Problem("E647", _("{t} has a time of day; '{fdef}' is a date").format(
                                   t=show(t), fdef=fdef.id),
                       _("write the date alone: {group}").format(group=m.group(1)))
    if _ISO_LOOSE.fullmatch(t):
        y, mo, d = (int(g) for g in t.split("-"))
        return Problem("E647", _("{t} is not a date in the form yyyy-mm-dd").format(t=show(t)),
                       _("write {y:04d}-{mo:02d}-{d:02d} (two digits for the month and the "
                         "day)").format(
                           y=y, mo=mo, d=d))
    if m := _DMY_OTHER.fullmatch(t):
        d, mo, y = (int(g) for g in m.groups())
        return Problem("E647", _("{t} is not a date in an accepted form").format(t=show(t)),
                       _("write {d:02d}/{mo:02d}/{y} or {y}-{mo:02d}-{d:02d}").format(
                           d=d, mo=mo, y=y))
    if _DMY_SHORT_YEAR.fullmatch(t):
        return Problem("E647", _("{t} has a two-digit year").format(t=show(t)),
                       _("write the year in full: dd/mm/yyyy or yyyy-mm-dd"))
    return Problem("E647", _("expected a date for '{fdef}', found {t}").format(
                               fdef=fdef.id, t=show(t)),
                   _("write 2023-01-09 or 09/01/2023 (day first); leave it empty if not reported"))


def _read_category(fdef: FactDef, t: str) -> Known | Problem:
    allowed = {nfc(v): v for v in fdef.values}
    v = nfc(t)
    if v in allowed:
        return allowed[v]
    listing = ", ".join(fdef.values)
    folded = [a for a in fdef.values if nfc(a).casefold() == v.casefold()]
    hint = (_("did you mean '{folded}'? (categories are case-sensitive)").format(
        folded=folded[0]) if folded
            else did_you_mean(v, fdef.values))
    return Problem("E649", _("{t} is not an allowed value of '{fdef}' ({listing})").format(
                               t=show(t), fdef=fdef.id, listing=listing),
                   hint or _("write one of: {listing}").format(listing=listing))


def format_fact_value(fdef: FactDef, value: Known) -> str:
    """The text a fact file holds for ``value`` (what :func:`read_value` reads back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if fdef.type == "share":
        text = _fraction_text(Fraction(value) * 100)
        if "/" not in text:
            return unambiguous(text) + "%"
    text = _fraction_text(Fraction(value))
    if "/" in text:
        raise ValueError(f"{value} has no exact decimal form")
    return unambiguous(text)


def unambiguous(text: str) -> str:
    """``1.234`` as ``1.2340``: three decimals after 1-3 digits read as thousands otherwise (a
    number that is known to be one, such as a number cell of a workbook, is written so)."""
    return text + "0" if _THOUSANDS_DOT.fullmatch(text) else text


# ---------------------------------------------------------------------------------------------
# Values given in memory (a portal form, a test)
# ---------------------------------------------------------------------------------------------

#: The code of a value of the wrong kind, by fact type.
_WRONG_KIND = {"number": "E640", "count": "E640", "share": "E640", "bool": "E646",
               "date": "E647", "category": "E649"}
#: What to pass instead, by fact type.
_PASS = {
    "number": N_("pass an int, a Fraction, a Decimal or the text as written in a fact file "
                 "('1200.5')"),
    "count": N_("pass an int >= 0 (or its text, '1200')"),
    "share": N_("pass a Fraction or Decimal between 0 and 1, or the text '95%' or '0.95'"),
    "bool": N_("pass True or False (or the text 'có' / 'không')"),
    "date": N_("pass a datetime.date (or the text '2023-01-09' or '09/01/2023')"),
    "category": N_("pass the category as a str"),
}


#: The fact types a whole number given in memory is read as itself (when not too large and, for
#: a count, not negative): what writing it out and reading its digits back gives.
_WHOLE_KINDS = frozenset({"number", "count"})


def read_python(fdef: FactDef, value: object) -> Known | Problem:
    """The value of ``fdef`` given as a Python object (not None), or why it was refused.

    A ``str`` is read as the text of a fact file (:func:`read_value`); ``int``,
    :class:`~fractions.Fraction` and :class:`~decimal.Decimal` are numbers, ``bool`` a yes/no
    fact's value and :class:`datetime.date` a date's. A ``float`` is refused: it is not exact
    (``0.91`` is 0.91000000000000003108…), so pass a Fraction, a Decimal or a string. The same
    checks as for text apply (a count is whole and not negative, a share is between 0 and 1),
    with the same codes and messages.

        >>> from engine.model import FactDef, Label
        >>> received = FactDef("received", "count", Label("Số hồ sơ"), "all", ("snv",), ("q1",))
        >>> read_python(received, -10).message
        "a count cannot be negative: '-10' for 'received'"
        >>> read_python(received, True).code
        'E640'
    """
    kind = fdef.type
    if value.__class__ is int and kind in _WHOLE_KINDS and \
            (-1 if kind == "count" else -_WHOLE_LIMIT) < value < _WHOLE_LIMIT:
        return value  # (what reading its digits gives, at once)
    if isinstance(value, str):
        return read_value(fdef, value)
    if isinstance(value, bool):
        if kind == "bool":
            return value
        return _wrong_kind(fdef, value)
    if isinstance(value, float):
        return Problem(_WRONG_KIND[kind], _("{value} for '{fact}' is a float, which is not "
                                            "exact").format(value=show(repr(value)),
                                                            fact=fdef.id),
                       _("pass Fraction('{value}'), Decimal('{value}') or the string "
                         "'{value}'").format(value=repr(value))
                       if kind in ("number", "count", "share") else _(_PASS[kind]))
    if isinstance(value, int | Fraction | decimal.Decimal) and kind in ("number", "count",
                                                                         "share"):
        if isinstance(value, decimal.Decimal):
            if not value.is_finite():
                return _wrong_kind(fdef, value)
            # refused before it is converted: 1E+999999 would be a million-digit integer
            if not value.is_zero() and not (-MAX_DECIMALS - 1 <= value.adjusted()
                                            < MAX_WHOLE_DIGITS):
                return _too_big(show(str(value)))
            value = Fraction(value)
        if abs(value) >= _WHOLE_LIMIT or (isinstance(value, Fraction)
                                           and value.denominator > _DENOMINATOR_LIMIT):
            return _too_big("the number" if isinstance(value, int) else "the fraction")
        text = _fraction_text(Fraction(value))
        if "/" not in text:
            return read_value(fdef, unambiguous(text))
        # a fraction without a decimal form (1/3): the checks of the text, on the number
        if kind == "count":
            return Problem("E643", _("a count is a whole number: {text} for '{fdef}'").format(
                                       text=show(text), fdef=fdef.id),
                           _("write a whole number, e.g. 1200"))
        if kind == "share" and not 0 <= value <= 1:
            return Problem("E644", (_("a share cannot be above 100%: {text} for '{fdef}'")
                                    if value > 1 else
                                    _("a share cannot be below 0%: {text} for '{fdef}'")).format(
                text=show(text), fdef=fdef.id),
                           _("write a share between 0% and 100%"))
        return norm(Fraction(value))
    if isinstance(value, dt.date) and kind == "date":
        if isinstance(value, dt.datetime):
            return Problem("E647", _("{isoformat} has a time of day; '{fdef}' is a date").format(
                                       isoformat=show(value.isoformat()), fdef=fdef.id),
                               _("pass the date alone: {date!r}").format(date=value.date()))
        return value
    return _wrong_kind(fdef, value)


def _wrong_kind(fdef: FactDef, value: object) -> Problem:
    what = _(EXPECTED[fdef.type])
    if fdef.type == "category":
        what = _("one of {values}").format(values=", ".join(fdef.values))
    return Problem(_WRONG_KIND[fdef.type], _("expected {what} for '{fact}', found {value} "
                                             "({type})").format(
        what=what, fact=fdef.id, value=show(repr(value)), type=type(value).__name__),
                   _(_PASS[fdef.type]))
