"""Fact files: what agencies report for one period, checked against the plan's facts catalogue.

Three formats carry the same content (see ``docs/facts.md``):

* YAML and JSON: ``{plan: ID, period: ID, agencies: {AGENCY: {FACT: VALUE, ...}, ...}}``;
* CSV in long form: a header with ``agency,fact,value`` (and optionally ``period``, ``label``,
  ``note``), one row per fact.

Values are read from their text according to the fact's type in the catalogue, never guessed:
numbers are exact (``int`` or :class:`~fractions.Fraction`), and the ways Vietnamese officers
write numbers that would otherwise be misread (``1.200``, ``1,5``, ``1 200``) are refused with a
hint. An empty value means "not reported": such a fact is simply absent from :class:`Facts`, which
is different from a value such as ``false`` ("reported as not done").

Every problem is a :class:`~engine.diagnostics.Diagnostic` with an ``E6xx`` code at the file, line
and column of the offending text; :func:`load_facts` raises one
:class:`~engine.diagnostics.FactsError` carrying all of them.

Codes:

``E600``  a fact file cannot be read (missing, not a file, not a fact file type, none given)
``E601``-``E605``  YAML/JSON: syntax, duplicate key, alias bomb, tag, non-text key
``E606``  a file is not UTF-8 text
``E610``  a part of a YAML/JSON file has the wrong shape (e.g. a list where a value is expected)
``E611``  unknown top-level key in a YAML/JSON file
``E612``  missing top-level key (``plan`` or ``agencies``)
``E613``  the file is for another plan
``E614``  CSV header: missing, unknown or repeated column
``E615``  CSV row: more cells than the header, no agency or fact, or unreadable
``E620``  unknown period
``E621``  no period: neither in the file nor given as an argument
``E622``  periods disagree (file and argument, or files, or rows)
``E630``  unknown agency
``E631``  unknown fact
``E632``  the agency does not report this fact
``E633``  the fact is not reported in this period
``E634``  the same fact of the same agency is reported twice
``E640``  not a number
``E641``  a number written with thousands separators (``1.200``, ``1 200``, ``1,234,567``)
``E642``  a number written with a decimal comma (``1,5``)
``E643``  a count that is negative or not whole
``E644``  a share below 0% or above 100%
``E645``  a share written as a bare number above 1 (``95``: write ``95%`` or ``0.95``)
``E646``  not true or false
``E647``  not a date in an accepted format
``E648``  a date that is not in the calendar (``31/02/2023``, ``01/13/2023``)
``E649``  a category outside the allowed values
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import TypeAlias

from .diagnostics import Diagnostic, FactsError, did_you_mean, sort_key
from .files import FACT_FILES, Unreadable, read_text
from .messages import unreadable
from .model import FactDef, Plan
from .source import Source, Span
from .values import Known, Num, norm
from .yamlsrc import YMap, YNode, YScalar, read_yaml

#: File name endings read as fact files (case-insensitive); a directory means every such file.
FACT_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
#: CSV columns: required, then optional (``label`` and ``note`` are ignored when loading).
CSV_REQUIRED = ("agency", "fact", "value")
CSV_OPTIONAL = ("period", "label", "note")
#: Words read as booleans (after NFC normalisation and case folding).
TRUE_WORDS = ("true", "có")
FALSE_WORDS = ("false", "không")

PathArg: TypeAlias = "str | os.PathLike[str]"
_EMPTY: Mapping[str, Known] = MappingProxyType({})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """Facts reported for one period of one plan, checked against its catalogue. Immutable.

    ``values[agency][fact]`` holds only what was reported: a fact left empty is absent (not
    reported), never 0 or false. Agencies follow the order of the plan's registry and facts the
    order of its catalogue, whatever the order of files, rows or keys. Two ``Facts`` are equal
    when they are for the same plan and period and hold the same values; where each value came
    from (``origins``, ``files``) does not take part in equality.
    """

    plan: str
    period: str
    values: Mapping[str, Mapping[str, Known]]
    origins: Mapping[tuple[str, str], Span] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False)
    files: tuple[str, ...] = field(default=(), compare=False)

    def for_agency(self, agency: str) -> Mapping[str, Known]:
        """The facts ``agency`` reported (empty when it reported nothing)."""
        return self.values.get(agency, _EMPTY)

    def get(self, agency: str, fact: str) -> Known | None:
        """The value ``agency`` reported for ``fact``, or None when it was not reported."""
        return self.for_agency(agency).get(fact)

    def is_reported(self, agency: str, fact: str) -> bool:
        return fact in self.for_agency(agency)

    @property
    def reported_agencies(self) -> tuple[str, ...]:
        """Agencies that reported at least one fact, in registry order."""
        return tuple(a for a, facts in self.values.items() if facts)

    @property
    def count(self) -> int:
        """How many (agency, fact) values were reported."""
        return sum(len(facts) for facts in self.values.values())

    def items(self) -> Iterator[tuple[str, str, Known]]:
        """Every reported ``(agency, fact, value)``, in registry then catalogue order."""
        for agency, facts in self.values.items():
            for fact, value in facts.items():
                yield agency, fact, value

    def origin(self, agency: str, fact: str) -> Span | None:
        """Where the value was written (file, line, column), for explanations."""
        return self.origins.get((agency, fact))

    def where(self, agency: str, fact: str) -> str | None:
        """``FILE:LINE:COL`` of the value, or None when it was not reported."""
        span = self.origin(agency, fact)
        if span is None:
            return None
        b = span.begin
        return f"{b.file}:{b.line}:{b.col}"

    def missing(self, plan: Plan) -> tuple[tuple[str, str], ...]:
        """Every ``(agency, fact)`` the plan expects in this period that was not reported."""
        return tuple((agency, fid) for fid, fdef in plan.facts.items()
                     if self.period in fdef.periods
                     for agency in fdef.reporters if not self.is_reported(agency, fid))


# ---------------------------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a value text was refused."""

    code: str
    message: str
    help: str | None = None


#: What each type expects, in words (messages and templates).
EXPECTED: dict[str, str] = {
    "number": "a number (1200 or 1200.5)",
    "count": "a whole number >= 0",
    "share": "a share (95% or 0.95)",
    "bool": "true or false (or có / không)",
    "date": "a date (2023-01-09 or 09/01/2023)",
    "category": "one of the allowed values",
}

_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_THOUSANDS_DOT = re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_THOUSANDS_SPACE = re.compile(r"-?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?")
_THOUSANDS_COMMA = re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_VN_GROUPED = re.compile(r"(-?[0-9]{1,3}(?:\.[0-9]{3})+),([0-9]+)")
_EN_GROUPED = re.compile(r"(-?[0-9]{1,3}(?:,[0-9]{3})+)\.([0-9]+)")
_BARE_POINT = re.compile(r"-?(?:\.[0-9]+|[0-9]+\.)")
_EXPONENT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_LOOSE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_DMY_OTHER = re.compile(r"([0-9]{1,2})[.\-]([0-9]{1,2})[.\-]([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}")
_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9].*")


def show(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut when long, invisible characters made visible."""
    text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c
                   for c in text)
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _digits(text: str) -> str:
    return re.sub(r"[^0-9\-]", "", text)


def read_number(text: str) -> Num | Problem:
    """An exact decimal number from its text (``-12``, ``1200.5``), or why it was refused."""
    n = _number(text.strip())
    if n is None:
        return Problem("E640", f"expected a number, found {show(text.strip())}",
                       "write digits with an optional decimal point, e.g. 1200 or 1200.5")
    return n


_NO_SEPARATORS = "no thousands separators; the decimal separator is a dot"


def _number(t: str, unit: str = "") -> Num | Problem | None:
    """A number, a problem with a number-like text, or None when the text is nothing like one.

    ``unit`` (``%``) is what followed the number in the file: it is shown in the message and
    in the suggested fixes.
    """
    u = unit
    if _DECIMAL.fullmatch(t) and not _THOUSANDS_DOT.fullmatch(t):
        # the common case first, without building any message
        return int(t) if "." not in t else norm(Fraction(t))
    shown = show(t + u)
    if _DECIMAL.fullmatch(t):
        if _THOUSANDS_DOT.fullmatch(t):
            whole, _, frac = t.partition(".")
            decimal = (whole + "." + frac.rstrip("0")).rstrip(".")
            if decimal == t:
                decimal = t + "0"
            return Problem(
                "E641", f"{shown} is ambiguous: the dot looks like a thousands separator",
                f"write {_digits(t)}{u} if the dot separates thousands, or {decimal}{u} if it is "
                f"a decimal point ({_NO_SEPARATORS})")
        return norm(Fraction(t))
    if _THOUSANDS_DOT.fullmatch(t) or _THOUSANDS_COMMA.fullmatch(t):
        return Problem("E641", f"{shown} is written with thousands separators",
                       f"write {_digits(t)}{u} ({_NO_SEPARATORS})")
    if _THOUSANDS_SPACE.fullmatch(t):
        plain = re.sub(r"[ \u00a0\u202f]", "", t).replace(",", ".")
        return Problem("E641", f"{shown} is written with spaces between digit groups",
                       f"write {plain}{u} ({_NO_SEPARATORS})")
    if m := (_VN_GROUPED.fullmatch(t) or _EN_GROUPED.fullmatch(t)):
        return Problem("E641", f"{shown} is written with thousands separators",
                       f"write {_digits(m.group(1))}.{m.group(2)}{u} ({_NO_SEPARATORS})")
    if _DECIMAL_COMMA.fullmatch(t):
        whole, _, frac = t.partition(",")
        if len(frac) == 3 and not whole.lstrip("-").startswith("0"):
            return Problem("E642", f"{shown} is ambiguous: the comma is either a decimal "
                           "comma or a thousands separator",
                           f"write {whole}.{frac}{u} if it is a decimal comma, or {whole}{frac}{u} "
                           f"if it separates thousands ({_NO_SEPARATORS})")
        return Problem("E642", f"{shown} is written with a decimal comma",
                       f"write {whole}.{frac}{u} (the decimal separator is a dot)")
    if _BARE_POINT.fullmatch(t):
        fixed = t[:-1] if t.endswith(".") else t.replace(".", "0.", 1)
        return Problem("E640", f"{shown} is not a complete number", f"write {fixed}{u}")
    if _EXPONENT.fullmatch(t):
        exact = _fraction_text(Fraction(t)) if len(t) < 30 else "/"
        return Problem("E640", f"{shown} is written in exponent notation",
                       "write the number out in full" if "/" in exact
                       else f"write the number out in full: {_unambiguous(exact)}{u}")
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
            return Problem("E646", f"expected true or false for '{fdef.id}', found {show(t)}",
                           "write true or false (or có / không)")
        case "date":
            return _read_date(fdef, t)
        case _:
            return _read_category(fdef, t)


def _read_number_fact(fdef: FactDef, t: str) -> Known | Problem:
    if t.endswith("%"):
        return Problem("E640", f"{show(t)} is a percentage, but '{fdef.id}' is a {fdef.type}",
                       "write the number without %")
    n = _number(t)
    if n is None:
        return Problem("E640", f"expected {EXPECTED[fdef.type]} for '{fdef.id}', found "
                       f"{show(t)}", "write a whole number, e.g. 1200" if fdef.type == "count"
                       else "write digits with an optional decimal point, e.g. 1200 or 1200.5")
    if isinstance(n, Problem) or fdef.type != "count":
        return n
    if n < 0:
        return Problem("E643", f"a count cannot be negative: {show(t)} for '{fdef.id}'",
                       "write 0 or a positive whole number")
    if not isinstance(n, int):
        return Problem("E643", f"a count is a whole number: {show(t)} for '{fdef.id}'",
                       "write a whole number, e.g. 1200")
    return n


def _read_share(fdef: FactDef, t: str) -> Known | Problem:
    percent = t.endswith("%")
    body = t[:-1].rstrip() if percent else t
    n = _number(body, "%" if percent else "")
    if n is None:
        return Problem("E640", f"expected {EXPECTED['share']} for '{fdef.id}', found {show(t)}",
                       "write a percentage such as 95% or a fraction such as 0.95")
    if isinstance(n, Problem):
        return n
    if not percent and n > 1:
        return Problem("E645", f"{show(t)} is not a share: a bare number must be between 0 "
                       "and 1", f"write {body}% or {_fraction_text(Fraction(n) / 100)}"
                       if n <= 100 else "write a percentage such as 95% or a fraction such as 0.95")
    value = Fraction(n) / 100 if percent else Fraction(n)
    if value > 1:
        return Problem("E644", f"a share cannot be above 100%: {show(t)} for '{fdef.id}'",
                       "write a share between 0% and 100%")
    if value < 0:
        return Problem("E644", f"a share cannot be below 0%: {show(t)} for '{fdef.id}'",
                       "write a share between 0% and 100%")
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
        return Problem("E648", f"{show(t)} is not a date: dates are written day first "
                       "(dd/mm/yyyy), and there is no month " + str(m),
                       f"if you meant {calendar.month_name[d]} {m}, write "
                       f"{m:02d}/{d:02d}/{y} or {y}-{d:02d}-{m:02d}")
    if not 1 <= m <= 12:
        return Problem("E648", f"{show(t)} is not a date: there is no month {m}",
                       "write dd/mm/yyyy or yyyy-mm-dd")
    days = calendar.monthrange(y, m)[1]
    return Problem("E648", f"{show(t)} is not a date: {calendar.month_name[m]} {y} has "
                   f"{days} days", f"check the day of '{fdef.id}'")


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
        return Problem("E647", f"{show(t)} has a time of day; '{fdef.id}' is a date",
                       f"write the date alone: {m.group(1)}")
    if _ISO_LOOSE.fullmatch(t):
        y, mo, d = (int(g) for g in t.split("-"))
        return Problem("E647", f"{show(t)} is not a date in the form yyyy-mm-dd",
                       f"write {y:04d}-{mo:02d}-{d:02d} (two digits for the month and the day)")
    if m := _DMY_OTHER.fullmatch(t):
        d, mo, y = (int(g) for g in m.groups())
        return Problem("E647", f"{show(t)} is not a date in an accepted form",
                       f"write {d:02d}/{mo:02d}/{y} or {y}-{mo:02d}-{d:02d}")
    if _DMY_SHORT_YEAR.fullmatch(t):
        return Problem("E647", f"{show(t)} has a two-digit year",
                       "write the year in full: dd/mm/yyyy or yyyy-mm-dd")
    return Problem("E647", f"expected a date for '{fdef.id}', found {show(t)}",
                   "write 2023-01-09 or 09/01/2023 (day first); leave it empty if not reported")


def _read_category(fdef: FactDef, t: str) -> Known | Problem:
    allowed = {nfc(v): v for v in fdef.values}
    v = nfc(t)
    if v in allowed:
        return allowed[v]
    listing = ", ".join(fdef.values)
    folded = [a for a in fdef.values if nfc(a).casefold() == v.casefold()]
    hint = (f"did you mean '{folded[0]}'? (categories are case-sensitive)" if folded
            else did_you_mean(v, fdef.values))
    return Problem("E649", f"{show(t)} is not an allowed value of '{fdef.id}' ({listing})",
                   hint or f"write one of: {listing}")


def format_value(fdef: FactDef, value: Known) -> str:
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
            return _unambiguous(text) + "%"
    text = _fraction_text(Fraction(value))
    if "/" in text:
        raise ValueError(f"{value} has no exact decimal form")
    return _unambiguous(text)


def _unambiguous(text: str) -> str:
    """``1.234`` as ``1.2340``: three decimals after 1-3 digits read as thousands otherwise."""
    return text + "0" if _THOUSANDS_DOT.fullmatch(text) else text


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _At:
    """A place in a file: a span, and for CSV a note naming the row and column."""

    span: Span
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    """One ``agency / fact / value`` as written."""

    agency: str
    agency_at: _At
    fact: str
    fact_at: _At
    value: str | None
    value_at: _At


@dataclass(frozen=True, slots=True)
class _Stated:
    """A plan or period id as stated in a file."""

    text: str
    at: _At


@dataclass
class _File:
    name: str
    source: Source
    plan: _Stated | None = None
    periods: list[_Stated] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    #: agencies named with nothing under them (checked even though they report nothing)
    bare_agencies: list[_Stated] = field(default_factory=list)
    #: the file was read far enough to know whether it states a period
    readable: bool = False


def display_name(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _expand(paths: PathArg | Iterable[PathArg], errors: list[Diagnostic]) -> list[Path]:
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not given:
        errors.append(Diagnostic("E600", "no fact files given", file="<facts>",
                                 help="give fact files or a directory of them"))
    files: list[Path] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and p.name.lower().endswith(FACT_SUFFIXES)
                           and not p.name.startswith("."))
            if not found:
                errors.append(Diagnostic(
                    "E600", "this directory holds no fact files",
                    file=display_name(path),
                    help="fact files end in .yaml, .yml, .json or .csv"))
            files.extend(found)
        elif not path.exists():
            errors.append(Diagnostic("E600", "cannot read the file: there is no such file",
                                     file=display_name(path), help="check the path"))
        elif not path.name.lower().endswith(FACT_SUFFIXES):
            hint = ("save the sheet as 'CSV UTF-8'" if path.suffix.lower() in (".xlsx", ".xls",
                                                                              ".ods")
                    else "fact files end in .yaml, .yml, .json or .csv")
            errors.append(Diagnostic(
                "E600", "cannot read the file: it is not a fact file",
                file=display_name(path), help=hint))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def _decode(path: Path, name: str, errors: list[Diagnostic]) -> str | None:
    text = read_text(path, name)
    if isinstance(text, Unreadable):
        errors.append(unreadable(text, name, FACT_FILES))
        return None
    return text


def _read_tree(f: _File, text: str, json: bool, errors: list[Diagnostic]) -> None:
    # In JSON a raw tab can only be whitespace, which YAML refuses as indentation: a space in
    # its place keeps every offset and column.
    tree, diags = read_yaml(text.replace("\t", " ") if json else text, f.name, "E60")
    errors.extend(diags)
    if tree is None:
        return
    f.source = tree.span.source
    if not isinstance(tree, YMap):
        errors.append(Diagnostic("E610", "a fact file must be a mapping with the keys plan, "
                                 "period and agencies", tree.span,
                                 help="see docs/facts.md, or start from `cchc template`"))
        return
    known = ("plan", "period", "agencies")
    for key, (kscalar, _) in tree.items.items():
        if key not in known:
            errors.append(Diagnostic("E611", f"unknown key '{key}'", kscalar.span,
                                     help=did_you_mean(key, known) or
                                     "a fact file has the keys plan, period and agencies"))
    for key in ("plan", "agencies"):
        if key not in tree.items:
            errors.append(Diagnostic("E612", f"missing key '{key}'", Span(f.source, 0, 0),
                                     help=f"add '{key}:' at the top level"
                                     + (" with the plan's id" if key == "plan" else "")))
    f.readable = True
    plan = tree.get("plan")
    if plan is not None:
        f.plan = _scalar_id(plan, "plan", errors)
        if f.plan is None and isinstance(plan, YScalar):
            errors.append(Diagnostic("E612", "'plan' has no value", plan.span,
                                     help="write the plan's id after 'plan:'"))
    period = tree.get("period")
    if period is not None:
        stated = _scalar_id(period, "period", errors)
        if stated is not None:
            f.periods.append(stated)
    agencies = tree.get("agencies")
    if agencies is None or _is_null(agencies):
        return
    if not isinstance(agencies, YMap):
        errors.append(Diagnostic("E610", "'agencies' must map agency ids to their facts",
                                 agencies.span, help="write `agencies:` then `  snv:` then "
                                 "`    fact_id: value` on indented lines"))
        return
    for agency, (akey, facts) in agencies.items.items():
        if _is_null(facts) or (isinstance(facts, YMap) and not facts.items):
            f.bare_agencies.append(_Stated(agency, _At(akey.span)))
            continue
        if not isinstance(facts, YMap):
            errors.append(Diagnostic("E610", f"the facts of '{agency}' must map fact ids to "
                                     "values", facts.span,
                                     help="write `fact_id: value` on indented lines"))
            continue
        for fact, (fkey, value) in facts.items.items():
            if not isinstance(value, YScalar):
                errors.append(Diagnostic("E610", f"the value of '{fact}' must be a single "
                                         "value, not a list or mapping", value.span,
                                         help="write one value after the colon"))
                continue
            written = None if _is_null(value) else value.text
            f.entries.append(_Entry(agency, _At(akey.span), fact, _At(fkey.span), written,
                                    _At(value.span)))


def _is_null(node: YNode) -> bool:
    if not isinstance(node, YScalar):
        return False
    if node.style is None and node.text.lower() in ("", "~", "null"):
        return True
    return not node.text.strip()


def _scalar_id(node: YNode, key: str, errors: list[Diagnostic]) -> _Stated | None:
    if not isinstance(node, YScalar):
        errors.append(Diagnostic("E610", f"'{key}' must be an id", node.span))
        return None
    if _is_null(node):
        return None
    return _Stated(nfc(node.text.strip()), _At(node.span))


def _record_cells(raw: str, delimiter: str) -> list[tuple[int, int]]:
    """Start and end offsets of each cell of one CSV record (the Excel dialect of ``csv``)."""
    spans: list[tuple[int, int]] = []
    start, i, quoted = 0, 0, False
    n = len(raw)
    while i < n:
        c = raw[i]
        if quoted:
            if c == '"':
                if i + 1 < n and raw[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
        elif c == '"' and i == start:
            quoted = True
        elif c == delimiter:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    return spans


def _content(raw: str, begin: int, end: int) -> tuple[int, int]:
    """The part of a raw cell to point at: inside quotes, without surrounding spaces."""
    if end - begin >= 2 and raw[begin] == '"' and raw[end - 1] == '"':
        begin, end = begin + 1, end - 1
    while begin < end and raw[begin] == " ":
        begin += 1
    while end > begin and raw[end - 1] == " ":
        end -= 1
    return begin, end


@dataclass(frozen=True, slots=True)
class _Record:
    """One CSV record: its cells, and where each cell's content is in the file."""

    cells: list[str]
    places: list[tuple[int, int]]
    source: Source

    def at(self, i: int, name: str) -> _At:
        if i < len(self.places):
            b, e = self.places[i]
        else:
            b = e = self.places[-1][1]
        span = Span(self.source, b, e)
        return _At(span, (f"CSV row {span.begin.line}, column {i + 1} ({name})",))

    def cell(self, i: int) -> str:
        return self.cells[i].strip() if 0 <= i < len(self.cells) else ""


def _delimiter(text: str) -> str:
    """``,`` unless the header row uses ``;`` or a tab instead (spreadsheets in some locales)."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        if ";" in first_line:
            return ";"
        if "\t" in first_line:
            return "\t"
    return ","


def _records(source: Source, delimiter: str, errors: list[Diagnostic]) -> list[_Record]:
    """Every non-blank record of a CSV text, with the offsets of its cells."""
    text = source.text
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter, strict=True)
    records: list[_Record] = []
    consumed = 0
    while True:
        first = consumed
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            begin = starts[min(first, len(starts) - 1)]
            if "end of data" in str(e):
                message, hint = ("a quoted cell of this row is never closed",
                                 'close the cell with a double quote (")')
            elif "expected after" in str(e):
                message, hint = (f"a quote inside a cell is not doubled ({e})",
                                 'inside a quoted cell write a double quote as ""')
            else:  # pragma: no cover - other csv errors (field too large)
                message, hint = f"unreadable CSV row: {e}", "check this row"
            errors.append(Diagnostic("E615", message,
                                     Span(source, begin, begin + len(lines[first])),
                                     help=hint))
            return records
        consumed = reader.line_num
        begin = starts[first]
        raw = "\n".join(lines[first:consumed])
        cells = _record_cells(raw, delimiter)
        if len(cells) != len(row):  # pragma: no cover - the scanner follows the csv dialect
            cells = [(0, len(raw))] * len(row)
        places = [(begin + b, begin + e) for b, e in (_content(raw, *c) for c in cells)]
        if any(cell.strip() for cell in row):
            records.append(_Record(row, places, source))
    return records


def _read_csv(f: _File, text: str, errors: list[Diagnostic]) -> None:
    records = _records(f.source, _delimiter(text), errors)
    if not records:
        errors.append(Diagnostic("E614", "the CSV file has no header row", Span(f.source, 0, 0),
                                 help="the first row must name the columns: agency,fact,value"))
        return
    head, rows = records[0], records[1:]
    header = [nfc(c.strip()).lower() for c in head.cells]
    known = CSV_REQUIRED + CSV_OPTIONAL
    columns: dict[str, int] = {}
    bad = False
    for i, name in enumerate(header):
        if name in columns:
            _error(errors, "E614", f"column '{name}' appears twice", head.at(i, name),
                   "keep one of the two")
            bad = True
        elif name not in known:
            _error(errors, "E614", f"unknown column {show(head.cell(i))}", head.at(i, name),
                   did_you_mean(name, known) or
                   "the columns are agency, fact, value and optionally period, label, note")
            bad = True
        else:
            columns[name] = i
    for name in CSV_REQUIRED:
        if name not in columns:
            errors.append(Diagnostic(
                "E614", f"the header has no '{name}' column",
                Span(f.source, head.places[0][0], head.places[-1][1]),
                help="the first row must name the columns: agency,fact,value "
                     "(and optionally period, label, note)"))
            bad = True
    if bad:
        return
    f.readable = True
    for row in rows:
        if len(row.cells) > len(header) and any(c.strip() for c in row.cells[len(header):]):
            _error(errors, "E615", f"this row has {len(row.cells)} cells but the header has "
                   f"{len(header)}", row.at(len(header), "extra"),
                   "a value containing the delimiter must be in double quotes")
            continue
        agency, fact, value = (row.cell(columns[c]) for c in CSV_REQUIRED)
        if "period" in columns and row.cell(columns["period"]):
            f.periods.append(_Stated(nfc(row.cell(columns["period"])),
                                     row.at(columns["period"], "period")))
        if not (agency or fact or value):
            continue  # a row with only a label or a note
        if not agency or not fact:
            missing = "agency" if not agency else "fact"
            _error(errors, "E615", f"this row has no {missing}", row.at(columns[missing], missing),
                   f"fill in the {missing} id")
            continue
        f.entries.append(_Entry(agency, row.at(columns["agency"], "agency"), fact,
                                row.at(columns["fact"], "fact"), value or None,
                                row.at(columns["value"], "value")))


# ---------------------------------------------------------------------------------------------
# Checking against the plan
# ---------------------------------------------------------------------------------------------


def _error(errors: list[Diagnostic], code: str, message: str, at: _At,
           help: str | None = None, notes: Iterable[str] = ()) -> None:
    errors.append(Diagnostic(code, message, at.span, help, notes=(*notes, *at.notes)))


def _where(span: Span) -> str:
    b = span.begin
    return f"{b.file}:{b.line}:{b.col}"


def _resolve_period(plan: Plan, files: list[_File], period: str | None,
                    errors: list[Diagnostic]) -> str | None:
    """The period of the facts, reporting unknown, missing and disagreeing periods."""
    resolved: str | None = None
    if period is not None:
        period = nfc(period.strip())
        if period in plan.periods:
            resolved = period
        else:
            errors.append(Diagnostic(
                "E620", f"unknown period '{period}'", file="--period",
                help=did_you_mean(period, plan.periods) or
                f"the periods of plan '{plan.id}' are {', '.join(plan.periods)}"))
    stated: list[tuple[str, int, _Stated]] = []
    for f in files:
        seen: dict[str, int] = {}
        for s in f.periods:
            seen[s.text] = seen.get(s.text, 0) + 1
            if seen[s.text] > 1:
                continue
            if s.text not in plan.periods:
                _error(errors, "E620", f"unknown period {show(s.text)}", s.at,
                       did_you_mean(s.text, plan.periods) or
                       f"the periods of plan '{plan.id}' are {', '.join(plan.periods)}")
            else:
                stated.append((f.name, s.at.span.start, s))
        if period is None and f.readable and not f.periods:
            csv_file = f.name.lower().endswith(".csv")
            errors.append(Diagnostic(
                "E621", "this file does not say which period its facts are for",
                Span(f.source, 0, 0),
                help="add a 'period' column or give the period (--period)" if csv_file else
                "add 'period: <id>' at the top level, or give the period (--period)"))
    stated.sort(key=lambda x: (x[0], x[1]))
    if period is not None:
        for _, _, s in stated:
            if resolved is not None and s.text != resolved:
                _error(errors, "E622", f"this file is for period '{s.text}', but the period "
                       f"given is '{resolved}'", s.at,
                       "give the period of the files, or the files of that period")
        return resolved
    if not stated:
        return None
    reference = stated[0][2]
    disagree = False
    for _, _, s in stated[1:]:
        if s.text != reference.text:
            disagree = True
            same = s.at.span.source is reference.at.span.source
            _error(errors, "E622", f"the {'rows' if same else 'files'} disagree on the period: "
                   f"'{s.text}' here, '{reference.text}' at {_where(reference.at.span)}", s.at,
                   "the rows of a file must be for one period" if same else
                   "fact files loaded together must be for the same period")
    return None if disagree else reference.text


def _unknown_agency(plan: Plan, text: str) -> str:
    by_name = {nfc(a.name.vi).casefold(): a.id for a in plan.agencies.values()}
    found = by_name.get(text.casefold())
    if found:
        return f"write the agency id '{found}' ({plan.agencies[found].name.vi})"
    return did_you_mean(text, plan.agencies) or "agency ids are listed in the plan's agencies"


def _reporters_help(plan: Plan, fdef: FactDef) -> str:
    if not fdef.reporters:
        return f"no agency reports '{fdef.id}'"
    if len(fdef.reporters) == 1:
        rid = fdef.reporters[0]
        name = plan.agencies[rid].name.vi if rid in plan.agencies else rid
        return f"'{fdef.id}' is reported only by '{rid}' ({name})"
    return (f"'{fdef.id}' is reported by the agencies of '{fdef.reported_by}' "
            f"({len(fdef.reporters)} agencies)")


def _check(plan: Plan, files: list[_File], period: str | None, errors: list[Diagnostic]
           ) -> dict[tuple[str, str], list[tuple[Known, _At]]]:
    found: dict[tuple[str, str], list[tuple[Known, _At]]] = {}
    reporters: dict[str, frozenset[str]] = {}  # a set per fact: reporters can be hundreds
    for f in files:
        if f.plan is not None and f.plan.text != nfc(plan.id):
            _error(errors, "E613", f"this file is for plan {show(f.plan.text)}, not "
                   f"'{plan.id}'", f.plan.at,
                   f"check that the facts are for this plan, then write 'plan: {plan.id}'")
        for bare in f.bare_agencies:
            if nfc(bare.text.strip()) not in plan.agencies:
                _error(errors, "E630", f"unknown agency {show(nfc(bare.text.strip()))}",
                       bare.at, _unknown_agency(plan, nfc(bare.text.strip())))
        for e in f.entries:
            agency, fact = nfc(e.agency.strip()), nfc(e.fact.strip())
            known_agency = agency in plan.agencies
            if not known_agency:
                _error(errors, "E630", f"unknown agency {show(agency)}", e.agency_at,
                       _unknown_agency(plan, agency))
            fdef = plan.facts.get(fact)
            if fdef is None:
                _error(errors, "E631", f"unknown fact {show(fact)}", e.fact_at,
                       did_you_mean(fact, plan.facts) or "fact ids are listed in the plan's facts")
                continue
            if fact not in reporters:
                reporters[fact] = frozenset(fdef.reporters)
            if known_agency and agency not in reporters[fact]:
                _error(errors, "E632", f"'{agency}' does not report '{fact}'", e.fact_at,
                       _reporters_help(plan, fdef))
            elif period is not None and period not in fdef.periods:
                _error(errors, "E633", f"'{fact}' is not reported in period '{period}'",
                       e.fact_at, f"'{fact}' is reported in: {', '.join(fdef.periods)}"
                       if fdef.periods else f"'{fact}' is not reported in any period")
            if e.value is None or not e.value.strip():
                continue
            value = read_value(fdef, e.value)
            if isinstance(value, Problem):
                _error(errors, value.code, value.message, e.value_at, value.help)
                continue
            found.setdefault((agency, fact), []).append((value, e.value_at))
    for (agency, fact), places in found.items():
        if len(places) < 2:
            continue
        places.sort(key=lambda p: (p[1].span.begin.file, p[1].span.start))
        first = places[0][1].span
        for _, at in places[1:]:
            _error(errors, "E634", f"'{fact}' of '{agency}' is reported twice: here and at "
                   f"{_where(first)}", at, "keep one of the two values",
                   (f"first reported at {_where(first)}: {first.text.strip()}",))
    return found


def load_facts(plan: Plan, paths: PathArg | Iterable[PathArg],
               period: str | None = None) -> Facts:
    """Load fact files for ``plan`` and check them against its facts catalogue.

    ``paths`` is one path or a list; a directory means every ``*.yaml``, ``*.yml``, ``*.json``
    and ``*.csv`` file in it (not recursively), in name order. ``period`` is the period id when
    the files do not say it (CSV without a ``period`` column), and must agree with the files
    when both say it. Raises :class:`FactsError` carrying every problem found.
    """
    errors: list[Diagnostic] = []
    files: list[_File] = []
    for path in _expand(paths, errors):
        name = display_name(path)
        text = _decode(path, name, errors)
        if text is None:
            continue
        f = _File(name, Source(name, text))
        lower = path.name.lower()
        if lower.endswith(".csv"):
            _read_csv(f, text, errors)
        else:
            _read_tree(f, text, lower.endswith(".json"), errors)
        files.append(f)
    resolved = _resolve_period(plan, files, period, errors)
    found = _check(plan, files, resolved, errors)
    errors = [d for d in errors if d.severity == "error"]
    if errors or resolved is None:
        if not errors:  # pragma: no cover - a missing period is always reported
            errors.append(Diagnostic("E621", "no period", file="<facts>"))
        raise FactsError(sorted(_unique(errors), key=sort_key))
    return _build(plan, resolved, found, [f.name for f in files])


def _unique(errors: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    out: list[Diagnostic] = []
    for d in errors:
        key = (d.code, d.message, d.location)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _build(plan: Plan, period: str,
           found: Mapping[tuple[str, str], list[tuple[Known, _At]]],
           files: list[str]) -> Facts:
    values: dict[str, Mapping[str, Known]] = {}
    origins: dict[tuple[str, str], Span] = {}
    for agency in plan.agencies:
        reported: dict[str, Known] = {}
        for fact in plan.facts:
            places = found.get((agency, fact))
            if places:
                reported[fact] = places[0][0]
                origins[(agency, fact)] = places[0][1].span
        if reported:
            values[agency] = MappingProxyType(reported)
    return Facts(plan.id, period, MappingProxyType(values), MappingProxyType(origins),
                 tuple(files))
