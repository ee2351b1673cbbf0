"""The words of a plan against its formulas: the warnings ``W9xx``.

The last stage of loading, after :mod:`engine.consistency`. Officers read an indicator's
Vietnamese name; the engine checks its target. When the two say different things (a name left
at "tối thiểu từ 85%" after the target became ``value >= 87%``, "năm 2023" left in a 2024
plan), every result of that indicator is doubted. This stage reads each name the way an officer
does and compares it with the formulas:

``W901``  a number in an indicator's name that is not its target's threshold
``W902``  the comparator words of the name ("trên", "từ … trở lên", "tối thiểu", "ít nhất",
          "đạt", "100%", "dưới", "không quá", "tối đa") disagree with the target's comparison
``W903``  a year in a name, a fact label, a period name or the title that is not the plan's
          year (nor the year a fact's id holds, nor a year the text compares with)
``W904``  a date in a name or a fact label that no formula or period of the plan has

Warnings never stop a load: the plan carries them (:attr:`engine.model.Plan.warnings`),
``cchc validate`` prints them and exits 0, ``--strict`` makes them errors. Texts are compared
in NFC and words case-insensitively; numbers are read the Vietnamese way (``99,5%``, ``85 %``,
``1.000``). Each warning points at the words or the number in the YAML file.

The same reading serves ``cchc new-year`` (:func:`move_years`): a year or a date it can move
unambiguously it moves, the rest it leaves to a person.

    >>> [(t.op, str(t.values[0])) for t in thresholds("Trên 99% hồ sơ, tối thiểu 85,5 %")]
    [('>', '99/100'), ('>=', '171/200')]
    >>> say_target(">", Fraction(99, 100), percent=True)
    'trên 99%'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from . import messages
from .diagnostics import Collector
from .files import nfc
from .i18n import N_, _
from .model import Indicator
from .nodes import Binary, Compare, Date, Expr, Name, Number, walk
from .registry import Registry
from .source import Source, Span
from .values import format_number
from .yamlsrc import YMap, YNode, YScalar, scalar_source

__all__ = ["Threshold", "check_wording", "move_years", "say_target", "thresholds"]

# ---------------------------------------------------------------------------------------------
# Numbers and the words around them
# ---------------------------------------------------------------------------------------------

#: A number as written in Vietnamese: ``85``, ``99,5``, ``99.5``, ``1.000`` (thousands).
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d{1,6})?|\d{1,12}(?:[.,]\d{1,6})?"
_PERCENT = re.compile(
    rf"(?<![\w.,/])(?P<lo>{_NUM})\s?%?\s*(?:-|–|—|(?<!\w)(?:đến|tới)(?!\w))\s*"
    rf"(?P<hi>{_NUM})\s?%"
    rf"|(?<![\w.,/])(?P<n>{_NUM})\s?%", re.IGNORECASE)
#: A number without %: a threshold only when comparator words come with it.
_PLAIN = re.compile(rf"(?<![\w.,/%])(?P<n>{_NUM})(?!\d|[.,]\d|/|\s?%)")

#: Comparator words before a number: the comparison they say, and whether they decide it
#: ("trên" does; "đạt" only says the number is to be reached, "từ" waits for "trở lên").
_WORDS: dict[str, tuple[str, bool]] = {
    "không vượt quá": ("<=", True), "không quá": ("<=", True), "tối đa": ("<=", True),
    "không cao hơn": ("<=", True), "không lớn hơn": ("<=", True),
    "không nhiều hơn": ("<=", True),
    "không dưới": (">=", True), "không thấp hơn": (">=", True), "không ít hơn": (">=", True),
    "tối thiểu": (">=", True), "ít nhất": (">=", True),
    "dưới": ("<", True), "thấp hơn": ("<", True), "ít hơn": ("<", True), "nhỏ hơn": ("<", True),
    "trên": (">", True), "hơn": (">", True), "cao hơn": (">", True), "lớn hơn": (">", True),
    "nhiều hơn": (">", True),
    "đúng": ("==", True), "bằng": ("==", True),
    "từ": (">=", False), "đạt": (">=", False), "phấn đấu": (">=", False),
    "đảm bảo": (">=", False), "bảo đảm": (">=", False), "hoàn thành": (">=", False),
    "khoảng": ("~", False), "xấp xỉ": ("~", False),
}
_PHRASES = "|".join(p.replace(" ", r"\s+") for p in sorted(_WORDS, key=len, reverse=True))
_BEFORE = re.compile(rf"(?<!\w)({_PHRASES})\s*$", re.IGNORECASE)
_AFTER = re.compile(r"\s*(trở\s+lên|trở\s+xuống)(?!\w)", re.IGNORECASE)
_AFTER_OPS = {"trở lên": ">=", "trở xuống": "<="}
#: How far before a number comparator words are looked for, and how many in a row.
_WINDOW, _CHAIN = 40, 4

#: The comparisons, in words (English, for messages).
_MEANING = {">": N_("more than {n}"), ">=": N_("{n} or more"), "<": N_("less than {n}"),
            "<=": N_("{n} or less"), "==": N_("exactly {n}"), "~": N_("about {n}")}
#: The mirror of a comparison, for a threshold written on the left (``85% <= value``).
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "=="}


@dataclass(frozen=True, slots=True)
class Threshold:
    """A threshold said in words: ``trên 99%``, ``từ 85% trở lên``, ``khoảng 8-10%``.

    Offsets are into the NFC text: ``start``/``end`` the whole phrase (comparator words, the
    number, "trở lên"), ``num_start``/``num_end`` the number or the range. ``values`` are
    exact (85% is 17/20); ``op`` is ``>``, ``>=``, ``<``, ``<=``, ``==``, ``~`` (khoảng) or
    ``range`` (8-10%, từ 8% đến 10%). A bare number (``80% số cơ sở``) reads as ``>=`` with
    ``worded`` False.
    """

    start: int
    end: int
    num_start: int
    num_end: int
    values: tuple[Fraction, ...]
    percent: bool
    op: str
    worded: bool


def _number(text: str, percent: bool) -> Fraction:
    """A number as Vietnamese writes it: a decimal comma, dots between thousands; in a
    percentage a dot can only be a decimal point (99.5%)."""
    if "," in text:
        whole, _sep, decimals = text.partition(",")
        whole = whole.replace(".", "")
    elif not percent and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        whole, decimals = text.replace(".", ""), ""
    else:
        whole, _sep, decimals = text.partition(".")
    value = Fraction(int(whole + decimals), 10 ** len(decimals))
    return value / 100 if percent else value


def _words_before(text: str, at: int) -> tuple[int, list[tuple[str, bool]]]:
    """The comparator words right before offset ``at`` (closest first), and where they
    begin."""
    found: list[tuple[str, bool]] = []
    pos = at
    for _unused in range(_CHAIN):
        lo = max(0, pos - _WINDOW)
        m = _BEFORE.search(text, lo, pos)
        if m is None:
            break
        found.append(_WORDS[" ".join(m.group(1).lower().split())])
        pos = m.start(1)
    return pos, found


def thresholds(text: str) -> list[Threshold]:
    """Every threshold said in ``text`` (NFC): each percentage, and each number that comes with
    comparator words ("trên 30 ngày", "từ 2 trở lên"), in the order of the text."""
    out: list[Threshold] = []
    taken: list[tuple[int, int]] = []
    for m in _PERCENT.finditer(text):
        if m.group("n") is not None:
            out.append(_threshold(text, m.start(), m.end(),
                                  (_number(m.group("n"), True),), True))
        else:
            lo, hi = _number(m.group("lo"), True), _number(m.group("hi"), True)
            out.append(_threshold(text, m.start(), m.end(), (lo, hi), True))
        taken.append((m.start(), m.end()))
    for m in _PLAIN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        t = _threshold(text, m.start(), m.end(), (_number(m.group("n"), False),), False)
        if t.worded:
            out.append(t)
    return sorted(out, key=lambda t: t.start)


def _threshold(text: str, start: int, end: int, values: tuple[Fraction, ...],
               percent: bool) -> Threshold:
    begin, words = _words_before(text, start)
    after = _AFTER.match(text, end)
    finish = after.end() if after else end
    if len(values) == 2:
        return Threshold(begin, finish, start, end, values, percent, "range", True)
    strong = next((op for op, decides in words if decides), None)
    if strong is not None:
        op = strong
    elif after is not None:
        op = _AFTER_OPS[" ".join(after.group(1).lower().split())]
    elif words:
        op = words[0][0]
    else:
        return Threshold(start, end, start, end, values, percent, ">=", False)
    return Threshold(begin, finish, start, end, values, percent, op, True)


# ---------------------------------------------------------------------------------------------
# What a target says
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """One comparison of ``value`` with a number in a target: ``value >= 85%``."""

    op: str
    value: Fraction
    percent: bool


def bounds(expr: Expr) -> tuple[Bound, ...] | None:
    """The comparisons of ``value`` with numbers that make up a target (``value > 99%``,
    ``value >= 8% and value <= 10%``, ``80% <= value <= 90%``); None for any other target."""
    if isinstance(expr, Binary) and expr.op == "and":
        left, right = bounds(expr.left), bounds(expr.right)
        return None if left is None or right is None else left + right
    if not isinstance(expr, Compare):
        return None
    out: list[Bound] = []
    for op, a, b in zip(expr.ops, expr.operands, expr.operands[1:], strict=False):
        if op not in _FLIP:
            return None
        if isinstance(a, Name) and a.name == "value" and isinstance(b, Number):
            out.append(Bound(op, Fraction(b.value), b.percent))
        elif isinstance(b, Name) and b.name == "value" and isinstance(a, Number):
            out.append(Bound(_FLIP[op], Fraction(a.value), a.percent))
        else:
            return None
    return tuple(out)


def say_number(value: Fraction | int, percent: bool) -> str:
    """A number as a Vietnamese name writes it: ``99,5%``, ``30``."""
    text = format_number(value * 100 if percent else value, places=6).replace(".", ",")
    return text + ("%" if percent else "")


def formula_number(value: Fraction, percent: bool) -> str:
    """A number as a formula writes it: ``99.5%``, ``30``."""
    return format_number(value * 100 if percent else value, places=6) + ("%" if percent else "")


def say_target(op: str, value: Fraction | int, *, percent: bool,
               upper: Fraction | int | None = None) -> str:
    """The canonical Vietnamese words for ``value OP threshold`` (``upper``: the top of a
    range ``value >= a and value <= b``), as this stage reads them back.

        >>> say_target(">=", Fraction(17, 20), percent=True)
        'từ 85% trở lên'
        >>> say_target("==", Fraction(1), percent=True), say_target("<=", 5, percent=False)
        ('100%', 'không quá 5')
    """
    n = say_number(value, percent)
    if upper is not None:
        return f"từ {n} đến {say_number(upper, percent)}"
    if percent and value == 1 and op in (">=", "=="):
        return n
    return {">": "trên {n}", ">=": "từ {n} trở lên", "<": "dưới {n}", "<=": "không quá {n}",
            "==": "đúng {n}"}[op].format(n=n)


def _canonical(found: tuple[Bound, ...]) -> str:
    lower = [b for b in found if b.op in (">=", ">")]
    upper = [b for b in found if b.op in ("<=", "<")]
    if len(found) == 2 and len(lower) == 1 and len(upper) == 1 and lower[0].op == ">=" and \
            upper[0].op == "<=":
        return say_target(">=", lower[0].value, percent=lower[0].percent,
                          upper=upper[0].value)
    b = found[0]
    return say_target(b.op, b.value, percent=b.percent)


def _agrees(said: Threshold, found: tuple[Bound, ...]) -> bool:
    """Whether the comparison ``said`` in words is the one the target makes."""
    if said.op == "range":
        lo, hi = said.values
        return any(b.op == ">=" and b.value == lo for b in found) and \
            all(b.op not in ("<", "<=") or (b.op == "<=" and b.value == hi) for b in found)
    for b in found:
        if b.value != said.values[0]:
            continue
        full = said.percent and b.value == 1
        if said.op == b.op or (full and {said.op, b.op} <= {">=", "=="}) or \
                (said.op == "~" and b.op in (">=", "==")):
            return True
    return False


def _meaning(op: str, values: tuple[Fraction, ...], percent: bool) -> str:
    if op == "range":
        return _("{low} to {high}").format(low=say_number(values[0], percent),
                                           high=say_number(values[1], percent))
    return _(_MEANING[op]).format(n=say_number(values[0], percent))


def _target_meaning(found: tuple[Bound, ...]) -> str:
    return _(" and ").join(_(_MEANING[b.op]).format(n=say_number(b.value, b.percent))
                           for b in found)


def _holds(op: str, x: Fraction, t: Fraction) -> bool:
    return {">": x > t, ">=": x >= t, "<": x < t, "<=": x <= t, "==": x == t, "~": x >= t}[op]


# ---------------------------------------------------------------------------------------------
# Years and dates
# ---------------------------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?<![\w/.-])(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>{_YEAR})"
    rf"(?![\d/.-]?\d)"
    rf"|(?<![\w/.-])(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d)(?![\d-])"
    rf"|(?<!\w)ngày\s+(?P<wd>\d{{1,2}})\s+tháng\s+(?P<wm>\d{{1,2}})\s+năm\s+(?P<wy>{_YEAR})"
    rf"(?!\d)", re.IGNORECASE)
_YEAR_RE = re.compile(
    rf"(?<!\w)(?:năm\s+|(?:quý\s+[ivx]+|quý\s+\d|tháng\s+\d{{1,2}})\s*/\s*)(?P<y>{_YEAR})"
    rf"(?![\d/])(?!\s*[-–]\s*\d)", re.IGNORECASE)
#: A year in English (new-year moves the English gloss of a name too).
_EN_YEAR = re.compile(rf"(?<![\d/.-])(?P<y>{_YEAR})(?![\d/-])")
_COMPARE = re.compile(r"(?<!\w)so\s+với(?!\w)", re.IGNORECASE)
#: Every date and year read above has a year of four digits: a text without one (most names
#: of a plan) is passed over with this search alone.
_ANY_YEAR = re.compile(_YEAR)
_UNTIL = re.compile(r"(?<!\w)(?:đến|tới)\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateSaid:
    """A date in a text: ``10/01/2023``, ``2023-01-10``, ``ngày 10 tháng 01 năm 2023``;
    ``day`` is None when it is no date of the calendar (``31/02/2023``)."""

    start: int
    end: int
    day: dt.date | None
    #: (start, end) of the day, the month and the year digits, to rewrite them in place
    parts: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class YearSaid:
    """A year in a text: ``năm 2023``, ``Quý I/2023``, ``tháng 12/2022``. ``context`` is
    ``compare`` after "so với" (a year compared with), ``until`` after "đến"/"tới" (a year
    aimed at), else None."""

    start: int
    end: int
    year: int
    digits: tuple[int, int]
    context: str | None


def dates_said(text: str) -> list[DateSaid]:
    if _ANY_YEAR.search(text) is None:
        return []
    out = []
    for m in _DATE.finditer(text):
        d, mo, y = next(names for names in (("d", "m", "y"), ("id", "im", "iy"),
                                            ("wd", "wm", "wy")) if m.group(names[2]) is not None)
        try:
            day: dt.date | None = dt.date(int(m.group(y)), int(m.group(mo)), int(m.group(d)))
        except ValueError:
            day = None
        out.append(DateSaid(m.start(), m.end(), day, (m.span(d), m.span(mo), m.span(y))))
    return out


def years_said(text: str, english: bool = False,
               dates_in: list[DateSaid] | None = None) -> list[YearSaid]:
    """The years ``text`` names, outside its dates (``dates_in``: its :func:`dates_said`,
    when the caller has them)."""
    if _ANY_YEAR.search(text) is None:
        return []
    dates = [(d.start, d.end) for d in (dates_said(text) if dates_in is None else dates_in)]
    out = []
    for m in (_EN_YEAR if english else _YEAR_RE).finditer(text):
        if any(a <= m.start("y") < b for a, b in dates):
            continue
        context = None
        # the last "so với" before the year
        compare = max(_COMPARE.finditer(text, max(0, m.start() - 60), m.start()),
                      key=lambda c: c.start(), default=None)
        if compare is not None and not (english or _YEAR_RE.search(text, compare.end(),
                                                                   m.start())):
            context = "compare"  # and no other year between them
        elif _UNTIL.search(text, max(0, m.start() - 8), m.start()):
            context = "until"
        out.append(YearSaid(m.start(), m.end(), int(m.group("y")), m.span("y"), context))
    return out


def fact_years(fact_id: str) -> set[int]:
    """The years a fact's id holds: ``papi_score_2022`` holds 2022."""
    return {int(y) for y in re.findall(rf"(?:^|_)({_YEAR})(?=_|$)", fact_id)}


def _year_fits(said: YearSaid, year: int, allowed: set[int]) -> bool:
    return said.year in allowed or (said.context == "compare" and said.year < year) or \
        (said.context == "until" and said.year > year)


def formula_dates(ind: Indicator, fields: Iterable[str] = ("value", "target", "deadline",
                                                            "applicable")) -> set[dt.date]:
    """The date literals of an indicator's formulas."""
    out: set[dt.date] = set()
    for name in fields:
        formula = getattr(ind, name)
        if formula is not None:
            out |= {n.value for n in walk(formula.expr) if isinstance(n, Date)}
    return out


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


def _nfc_offsets(raw: str) -> list[int]:
    """For each offset of ``nfc(raw)`` (and its end), the offset in ``raw`` it comes from."""
    n = len(raw)
    if unicodedata.is_normalized("NFC", raw):
        return list(range(n + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(raw[j]):
            j += 1
        piece = unicodedata.normalize("NFC", raw[i:j])
        pieces.append(piece)
        offsets.extend([i] * len(piece))
        i = j
    offsets.append(n)
    if "".join(pieces) != nfc(raw):  # a script whose composition crosses our pieces
        size = len(nfc(raw))
        return [min(k, n) for k in range(size + 1)]
    return offsets


@dataclass
class _Stage:
    year: int
    plan_file: str
    collector: Collector
    period_dates: set[dt.date]
    plan_dates: set[dt.date]
    #: each scalar warned about: its text as a source mapped into the file, and the offsets
    #: of its NFC form in it (made once, however many warnings the text has)
    sources: dict[int, tuple[Source, list[int]]] = field(default_factory=dict)

    def span(self, node: YScalar, start: int, end: int) -> Span:
        found = self.sources.get(id(node))
        if found is None:
            found = (scalar_source(node, node.span.source.name), _nfc_offsets(node.text))
            self.sources[id(node)] = found
        source, offsets = found
        return Span(source, offsets[start], offsets[max(start, end)])

    def inherited(self, node: YScalar) -> str | None:
        """The file a text was inherited from, when it is not the plan's own file."""
        name = node.span.source.name
        return name if self.plan_file and name != self.plan_file else None

    def texts(self, node: YScalar, what: str, allowed_years: set[int],
              allowed_dates: set[dt.date], fact: str | None = None,
              dates_of: str = "") -> None:
        """Years and dates of one text (``what``: "the name of 'x'")."""
        text = nfc(node.text)
        from_file = self.inherited(node)
        dates = dates_said(text)
        for said in dates:
            if said.day is None or said.day not in allowed_dates:
                self.collector.add(messages.date_in_name(
                    what, text[said.start:said.end], said.day, sorted(allowed_dates
                                                                      - self.period_dates),
                    dates_of, self.span(node, said.start, said.end), from_file,
                    self.plan_file))
        id_years = fact_years(fact) if fact else set()
        for year in years_said(text, dates_in=dates):
            if _year_fits(year, self.year, id_years or allowed_years):
                continue
            self.collector.add(messages.year_in_name(
                what, text[year.start:year.end], year.year, self.year, sorted(id_years),
                self.span(node, year.start, year.end), from_file, self.plan_file))

    def indicator(self, ind: Indicator, node: YScalar, own_dates: set[dt.date]) -> None:
        """The name of ``ind``, whose formulas' date literals are ``own_dates``."""
        self.texts(node, _("the name of '{id}'").format(id=ind.id), {self.year},
                   own_dates | self.period_dates, dates_of=ind.id)
        found = bounds(ind.target.expr)
        if not found:
            return
        percent = ind.unit == "percent" or any(b.percent for b in found)
        found = tuple(Bound(b.op, b.value, percent) for b in found)  # 0.9 of a percent is 90%
        text = nfc(node.text)
        said = [t for t in thresholds(text) if t.percent == percent]
        if not said:
            return
        target = " ".join(ind.target.text.split())
        canonical = _canonical(found)
        from_file = self.inherited(node)
        numbers = {b.value for b in found}
        matching = [t for t in said if numbers & set(t.values)]
        if not matching:
            first = said[0]
            self.collector.add(messages.number_in_name(
                ind.id, text[first.num_start:first.num_end], text[first.start:first.end],
                target, _(" and ").join(say_number(b.value, b.percent) for b in found),
                _renumbered(text, first, found) or canonical, _suggest(first),
                self.span(node, first.num_start, first.num_end), from_file, self.plan_file))
            return
        if any(_agrees(t, found) for t in matching):
            return
        first = matching[0]
        boundary = None
        if first.op != "range":
            t = first.values[0]
            op = next(b.op for b in found if b.value == t)
            name_says, target_says = _holds(first.op, t, t), _holds(op, t, t)
            if name_says != target_says:
                boundary = (say_number(t, percent), name_says, target_says)
        self.collector.add(messages.comparator_in_name(
            ind.id, text[first.start:first.end],
            _meaning(first.op, first.values, percent) + ("" if first.worded else
                                                         _(", as a bare number reads")),
            target, _target_meaning(found), boundary, canonical, _suggest(first),
            self.span(node, first.start, first.end), from_file, self.plan_file))


def _renumbered(text: str, said: Threshold, found: tuple[Bound, ...]) -> str | None:
    """The words of ``said`` with the target's threshold for its number, when the words then
    say what the target does ("tối thiểu 85%" for ``value >= 87%``: "tối thiểu 87%")."""
    if said.op == "range" or len(found) != 1:
        return None
    phrase = (text[said.start:said.num_start] + say_number(found[0].value, said.percent)
              + text[said.num_end:said.end])
    again = thresholds(phrase)
    return phrase if len(again) == 1 and _agrees(again[0], found) else None


def _suggest(said: Threshold) -> str:
    """The target the words of ``said`` ask for."""
    if said.op == "range":
        return (f"value >= {formula_number(said.values[0], said.percent)} and "
                f"value <= {formula_number(said.values[1], said.percent)}")
    op = ">=" if said.op == "~" else said.op
    return f"value {op} {formula_number(said.values[0], said.percent)}"


def _vi(node: YNode | None) -> YScalar | None:
    """The ``vi`` scalar of a ``{vi: ..., en: ...}`` label."""
    if isinstance(node, YMap):
        vi = node.get("vi")
        if isinstance(vi, YScalar):
            return vi
    return None


def check_wording(year: int, indicators: Mapping[str, Indicator], registry: Registry,
                  collector: Collector, plan_file: str = "") -> None:
    """Add to ``collector`` a warning for each name, label or title of the plan whose words
    disagree with its formulas or its year. ``plan_file`` names the plan's own file: a text
    inherited from another is said to be so, with where to override it."""
    period_dates = {d for p in registry.periods.values() for d in (p.start, p.end, p.due)}
    own_dates = {iid: formula_dates(i) for iid, i in indicators.items()}  # walked once
    plan_dates = period_dates.union(*own_dates.values())
    stage = _Stage(year, plan_file, collector, period_dates, plan_dates)
    title = _vi(registry.tree.get("title"))
    if title is not None:
        stage.texts(title, _("the title"), {year}, plan_dates)
    for key, node in registry.collection("periods"):
        name = _vi(node.get("name"))
        period = registry.periods.get(key.text)
        if name is not None and period is not None:
            stage.texts(name, _("the name of period '{id}'").format(id=key.text),
                        {year, period.end.year, period.due.year},
                        plan_dates)
    for key, node in registry.collection("facts"):
        name = _vi(node.get("label"))
        if name is not None:
            stage.texts(name, _("the label of fact '{id}'").format(id=key.text), {year},
                        plan_dates,
                        fact=key.text)
    for aid, (_unused, node) in registry.areas.items():
        name = _vi(node.get("name"))
        if name is not None:
            stage.texts(name, _("the name of area '{id}'").format(id=aid), {year}, plan_dates)
    for iid, (_area, _key, node) in registry.indicators.items():
        ind = indicators.get(iid)
        name = _vi(node.get("name"))
        if ind is not None and name is not None:
            stage.indicator(ind, name, own_dates[iid])


# ---------------------------------------------------------------------------------------------
# Next year: moving the years and dates of a text
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moved:
    """A text with its years and dates moved, and what a person must still look at."""

    text: str
    left: tuple[str, ...]


def move_years(text: str, old: int, new: int, *, dates: Mapping[dt.date, dt.date],
               english: bool = False) -> Moved:
    """``text`` for next year's plan: the plan's year ``old`` moved to ``new``, and each date
    that ``dates`` maps moved to its image, in the form it was written. Any other year or date
    stays as it is and is listed in ``left`` for a person (a year the text compares with may be
    meant). ``english``: the text is an English gloss, whose years are bare numbers.

        >>> shift = {dt.date(2023, 1, 10): dt.date(2024, 1, 10)}
        >>> move_years("năm 2023, ngày 10/01/2023, so với năm 2022", 2023, 2024, dates=shift)
        Moved(text='năm 2024, ngày 10/01/2024, so với năm 2022', left=("'năm 2022'",))
    """
    text = nfc(text)
    edits: list[tuple[int, int, str]] = []
    left: list[str] = []
    found = dates_said(text)
    for said in found:
        image = dates.get(said.day) if said.day is not None else None
        if image is None:
            left.append(f"'{text[said.start:said.end]}'")
            continue
        for (a, b), number in zip(said.parts, (image.day, image.month, image.year),
                                  strict=True):
            edits.append((a, b, str(number).zfill(b - a)))
    for year in years_said(text, english, found):
        a, b = year.digits
        if year.year == old:
            edits.append((a, b, str(new)))
        else:
            left.append(f"'{text[year.start:year.end]}'")
    for a, b, replacement in sorted(edits, reverse=True):
        text = text[:a] + replacement + text[b:]
    return Moved(text, tuple(left))
