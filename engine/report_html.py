"""The report as one self-contained HTML page, for people: to read on a phone, to print on A4,
to hand to the steering committee.

    html = render_html(report, lang="vi")     # what `cchc evaluate --format html` writes

The page needs nothing but itself: styles are inline, charts are inline SVG drawn here, there
is no script, no font or image to fetch, and a Content-Security-Policy forbids every request,
so opening it makes no network access. It prints on A4 (a print stylesheet: a page per area,
table headers repeated on every page) and reads on a narrow screen.

This module only shapes the report into a view (words, numbers formatted, geometry of the
charts); the markup is in ``engine/templates/`` (Jinja2). Every value reaches the page through
the template, which escapes it (autoescape) after :func:`engine.escape.visible` has written out
its control and bidirectional characters (the environment's ``finalize``), so a name such as
``<script>`` or ``\\x1b[2J`` reads as written and does nothing.

Every word the page shows is in :data:`WORDS` (Vietnamese and English), and every number goes
through :func:`engine.numbers.format_number_local` (Vietnamese: ``99,72%``, ``1.234``), the
one function every human-readable output writes numbers with, so both can be swapped for a
message catalogue and a locale in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .escape import visible
from .i18n import Words, check
from .messages import describe_reason
from .model import Indicator, Plan
from .nodes import Binary, Compare, Expr, In, Name, Number, Text, Unary
from .numbers import format_number_local, format_percent
from .render import KIND_HEADINGS, agency_name
from .report import STATUSES, AgencyResult, IndicatorResult, Report, Status
from .values import Reason, Unknown, Value

__all__ = ["WORDS", "agency_name", "format_number_local", "render_html"]

#: Every word of the page, in Vietnamese and in English (the same keys in both).
WORDS = Words("HTML report", {
    "report": "Progress report",
    "decision": "Decision",
    "decision_on": "of",
    "period": "Period",
    "window": "Window",
    "due": "report due",
    "as_of": "Facts as of",
    "coverage": "Agencies reported",
    "coverage_of": "{reported} of {due} agencies",
    "agency": "Report of",
    "indicators": "Indicators",
    "contents": "Contents",
    "summary": "Summary",
    "chart": "Indicators by status",
    "status": "Status",
    "count": "Indicators",
    "share": "Share",
    "total": "Total",
    "by_area": "By area",
    "area": "Area",
    "attention": "Indicators that need attention",
    "attention_none": "No indicator is not met, unknown or pending.",
    "number": "No.",
    "indicator": "Indicator",
    "value": "Value",
    "target": "Target",
    "holds_back": "What holds it back",
    "lead": "Lead agency",
    "details": "Details: formula, facts, each unit",
    "formula": "Formula",
    "target_formula": "Target (formula)",
    "applicable": "Applies when",
    "deadline": "Deadline",
    "owner": "Owner",
    "scope": "Scope",
    "scope_of": "{n} agencies",
    "source": "Source",
    "source_of": "Section {source} of the plan",
    "reported": "Reported",
    "inputs": "The facts that decided it",
    "term": "Term",
    "fact": "Fact",
    "inputs_many": "Facts of {n} agencies: see each unit below, or the command cchc explain.",
    "why": "Why",
    "breakdown": "By unit",
    "unit": "Unit",
    "with_below": "with {n} agencies below it",
    "target_line": "line: the target",
    "axis": "Axis",
    "not_reported": "Agencies that have not reported",
    "not_reported_none": "Every agency reported all its facts.",
    "missing_facts": "Missing facts",
    "affects": "Indicators affected",
    "treated": "Rules applied for missing facts",
    "rule": "Rule",
    "matrix": "Results by agency",
    "matrix_intro": "The result of each department, agency and district for the indicators that "
                    "have a result per unit (columns are indicator numbers).",
    "matrix_none": "No indicator has a result per department, agency or district.",
    "matrix_not_in_scope": "not in scope",
    "legend": "Key",
    "missing_note": "{facts} facts missing from {agencies} agencies",
    "treated_note": "the rule for missing facts applied to {facts} facts from {agencies} agencies",
    "below_note": "{n} units below target",
    "and_more": "and {n} more",
    "more": "… and {n} more (see the JSON report)",
    "not_applicable_note": "does not apply: {formula} is false",
    "yes": "Yes",
    "no": "No",
    "true": "true",
    "false": "false",
    "unknown_value": "—",
    "made_by": "Made with cchc {version} from the plan {plan}.",
    "back_to_top": "Back to top",
    ">": "above {n}",
    ">=": "at least {n}",
    "<": "below {n}",
    "<=": "at most {n}",
    "==": "{n}",
    "!=": "other than {n}",
    "between": "from {lo} to {hi}",
    "one_of": "one of: {options}",
    "and": " and ",
    "must_hold": "Yes",
    "value_word": "the value",
})

#: The status words and the sign that goes with each (so a status reads without colour).
STATUS_WORDS = Words("HTML report: status", {
    "met": "Met",
    "not_met": "Not met",
    "pending": "Pending",
    "unknown": "Unknown",
    "not_applicable": "Not applicable",
})
STATUS_SIGNS: Mapping[str, str] = {"met": "✓", "not_met": "✗", "pending": "◷", "unknown": "?",
                                   "not_applicable": "–"}

#: Statuses listed first in the summary, in this order ("the indicators not met first").
ATTENTION: tuple[Status, ...] = ("not_met", "unknown", "pending")

#: Units whose values are shares (shown as percentages, charted from 0% to 100%).
_SHARE_UNITS = ("percent", "rate")
#: How many indicator columns one table of the matrix has (it fits A4 and a phone turned).
MATRIX_COLUMNS = 8
#: How many agencies a single row's note names before "and N more".
_NAMED = 4
#: Inputs are listed agency by agency up to this many agencies (beyond: the breakdown).
_INPUT_AGENCIES = 12
#: Reasons and rules applied listed in an indicator's details, at most (then "and N more").
_LISTED = 30


# -- numbers, dates and values, the one place they are formatted ------------------------------


def format_date(day: dt.date, lang: str) -> str:
    """``14/03/2023`` in Vietnamese, ``2023-03-14`` in English."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if lang == "vi" else day.isoformat()


def show_value(value: Value, unit: str, lang: str) -> str:
    """A value as the page shows it: a percentage for shares and rates, yes or no, a date, a
    category, a number; a dash when it is unknown."""
    w = WORDS[lang]
    if isinstance(value, Unknown):
        return w["unknown_value"]
    if isinstance(value, bool):
        return w["yes"] if value else w["no"]
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, str):
        return value
    if unit in _SHARE_UNITS:
        return format_percent(value, lang)
    return format_number_local(value, lang)


# -- names ------------------------------------------------------------------------------------


def _fact_label(plan: Plan, fact: str, lang: str) -> str:
    f = plan.facts.get(fact)
    return f.label.text(lang) if f is not None else fact


def _name_label(plan: Plan, name: str, lang: str) -> str:
    """A name of a formula in words: a fact's label, an indicator's name, else the name."""
    if name in plan.facts:
        return _fact_label(plan, name, lang)
    if name in plan.indicators:
        return plan.indicators[name].name.text(lang)
    return name


# -- targets in words -------------------------------------------------------------------------


def target_words(plan: Plan, indicator: Indicator, lang: str) -> str | None:
    """The target said in words (``trên 99%``, ``từ 8% đến 10%``, ``một trong: A, B``), or
    None when its formula has a shape that is better shown as written."""
    w = WORDS[lang]
    percent = indicator.unit in _SHARE_UNITS
    expr = indicator.target.expr

    def side(node: Expr) -> str | None:
        match node:
            case Name(name="value"):
                return w["value_word"]
            case Name(name=n):
                return _name_label(plan, n, lang)
            case Number(value=v, percent=p):
                return format_percent(v, lang) if p or (percent and v in (0, 1)) \
                    else format_number_local(v, lang, places=None)
            case Unary(op="-", operand=Number(value=v, percent=p)):
                return format_percent(-v, lang) if p else format_number_local(-v, lang,
                                                                              places=None)
            case Text(value=t):
                return t
        return None

    def said(node: Expr) -> str | None:
        match node:
            case Name(name="value") if indicator.unit == "bool":
                return w["must_hold"]
            case Binary(op="and", left=a, right=b):
                between = _between(a, b)
                if between is not None:
                    lo, hi = (side(n) for n in between)
                    return w["between"].format(lo=lo, hi=hi) if lo and hi else None
                left, right = said(a), said(b)
                return f"{left}{w['and']}{right}" if left and right else None
            case Compare(ops=(op,), operands=(a, b)):
                if isinstance(b, Name) and b.name == "value" and not (
                        isinstance(a, Name) and a.name == "value"):
                    op, a, b = _MIRROR[op], b, a
                left, right = side(a), side(b)
                if left is None or right is None:
                    return None
                phrase = w[op].format(n=right)
                return phrase if isinstance(a, Name) and a.name == "value" \
                    else f"{left} {phrase}"
            case In(item=Name(name="value"), options=options):
                shown = [side(o) for o in options]
                if any(s is None for s in shown):
                    return None
                return w["one_of"].format(options=", ".join(s for s in shown if s))
        return None

    return said(expr)


_MIRROR = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


def _between(a: Expr, b: Expr) -> tuple[Expr, Expr] | None:
    """``value >= lo and value <= hi``: the two bounds, else None."""
    if isinstance(a, Compare) and isinstance(b, Compare) and a.ops == (">=",) and \
            b.ops == ("<=",) and all(isinstance(x.operands[0], Name) and
                                     x.operands[0].name == "value" for x in (a, b)):
        return a.operands[1], b.operands[1]
    return None


def _threshold(indicator: Indicator) -> Fraction | None:
    """The one number the value is compared with (``value > 99%``: 99/100), for the target line
    of a chart; None when the target is not a single comparison with a number."""
    expr = indicator.target.expr
    if isinstance(expr, Compare) and len(expr.ops) == 1:
        a, b = expr.operands
        if isinstance(a, Name) and a.name == "value" and isinstance(b, Number):
            return Fraction(b.value)
        if isinstance(b, Name) and b.name == "value" and isinstance(a, Number):
            return Fraction(a.value)
    return None


# -- the view the template renders ------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    status: str
    sign: str
    word: str


@dataclass(frozen=True)
class Bar:
    """One bar of a unit's chart, in a 0..100 wide box: the bar from ``start`` to ``end``,
    the target line at ``target`` (None: no line)."""

    start: float
    end: float
    target: float | None


@dataclass(frozen=True)
class UnitRow:
    name: str
    below: str
    value: str
    badge: Badge
    bar: Bar | None
    missing: str


@dataclass(frozen=True)
class Line:
    """A row of two cells: a term and its value, a fact and its value, a rule and where."""

    cells: tuple[str, ...]
    code: bool = False


@dataclass(frozen=True)
class Detail:
    definitions: tuple[tuple[str, str, bool], ...]   # (term, description, is code)
    terms: tuple[Line, ...]
    inputs: tuple[tuple[str, tuple[Line, ...]], ...]  # (agency name, its facts)
    inputs_note: str
    reasons: tuple[str, ...]
    units: tuple[UnitRow, ...]
    chart_note: str
    not_reported: tuple[str, ...]
    treated: tuple[Line, ...]


@dataclass(frozen=True)
class Row:
    number: int
    id: str
    anchor: str
    name: str
    area: str
    value: str
    target: str
    target_code: bool
    badge: Badge
    note: str
    detail: Detail


@dataclass(frozen=True)
class AreaView:
    id: str
    anchor: str
    number: int
    name: str
    lead: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CountRow:
    badge: Badge
    count: int
    share: str
    bar: float          # width of the bar in the summary chart, 0..1
    y: int              # top of the row in the chart


@dataclass(frozen=True)
class MatrixCell:
    badge: Badge | None  # None: the agency is not a unit of this indicator's breakdown
    value: str


@dataclass(frozen=True)
class MatrixGroup:
    heading: str
    rows: tuple[tuple[str, tuple[MatrixCell, ...]], ...]


@dataclass(frozen=True)
class MatrixTable:
    columns: tuple[Row, ...]
    groups: tuple[MatrixGroup, ...]


@dataclass(frozen=True)
class Missing:
    name: str
    facts: str
    indicators: tuple[Row, ...]


@dataclass(frozen=True)
class Page:
    lang: str
    w: Mapping[str, str]
    title: str
    period: str
    header: tuple[tuple[str, str], ...]
    counts: tuple[CountRow, ...]
    total: int
    chart_height: int
    by_area: tuple[tuple[AreaView, tuple[int, ...]], ...]
    attention: tuple[Row, ...]
    areas: tuple[AreaView, ...]
    matrix: tuple[MatrixTable, ...]
    missing: tuple[tuple[str, tuple[Missing, ...]], ...]
    badges: tuple[Badge, ...]
    footer: str
    #: the report is narrowed to one agency (no agency × indicator matrix then)
    narrowed: bool


def _badge(status: str, lang: str) -> Badge:
    return Badge(status, STATUS_SIGNS[status], STATUS_WORDS[lang][status])


def _shown(report: Report, r: IndicatorResult) -> tuple[Value, Status, AgencyResult | None]:
    """Value and status of a row: the agency's own when the report is narrowed to one."""
    if report.agency is not None and r.agencies:
        own = r.agencies[0]
        return own.value, own.status, own
    return r.value, r.status, None


def _names(plan: Plan, agencies: Sequence[str], lang: str) -> str:
    w = WORDS[lang]
    shown = [agency_name(plan, a, lang) for a in agencies[:_NAMED]]
    if len(agencies) > _NAMED:
        shown.append(w["and_more"].format(n=len(agencies) - _NAMED))
    return ", ".join(shown)


def _in_order(plan: Plan, agencies: set[str]) -> list[str]:
    """``agencies`` in the order of the plan's registry."""
    return [a for a in plan.agencies if a in agencies]


def _note(report: Report, r: IndicatorResult, lang: str) -> str:
    """What holds an indicator back, in a few words with names."""
    w = WORDS[lang]
    plan = report.plan
    _, status, own = _shown(report, r)
    missing = own.missing if own is not None else r.missing
    treated = r.treated_in(own) if own is not None else r.treated
    if status == "unknown" and missing:
        agencies = _in_order(plan, {a for a, _ in missing})
        return w["missing_note"].format(facts=len(missing), agencies=len(agencies)) + ": " + \
            _names(plan, agencies, lang)
    if treated:
        agencies = _in_order(plan, {t.agency for t in treated})
        return w["treated_note"].format(facts=len(treated), agencies=len(agencies)) + ": " + \
            _names(plan, agencies, lang)
    if own is None:
        below = [a.agency for a in r.agencies if a.status in ("not_met", "pending")]
        if status in ("not_met", "pending", "met") and below:
            return w["below_note"].format(n=len(below)) + ": " + _names(plan, below, lang)
    if status in ("not_applicable", "unknown") and r.reasons:
        return _reason(plan, r.reasons[0], lang)
    if status == "not_applicable" and r.indicator.applicable is not None:
        return w["not_applicable_note"].format(formula=r.indicator.applicable.text.strip())
    return ""


def _reason(plan: Plan, reason: Reason, lang: str) -> str:
    """Why a value is unknown, in the shared wording, with names and labels instead of ids."""
    named = dataclasses.replace(
        reason, fact=f"“{_fact_label(plan, reason.fact, lang)}”" if reason.fact else "",
        agency=agency_name(plan, reason.agency, lang) if reason.agency else "")
    return describe_reason(named, lang)


def _bar(value: Value, lo: Fraction, hi: Fraction, threshold: Fraction | None) -> Bar | None:
    if isinstance(value, bool) or not isinstance(value, int | Fraction) or hi <= lo:
        return None

    def x(v: Fraction) -> float:
        return round(float((min(max(v, lo), hi) - lo) / (hi - lo) * 100), 2)

    zero, end = x(Fraction(0)), x(Fraction(value))
    return Bar(min(zero, end), max(zero, end), x(threshold) if threshold is not None else None)


def _scale(numbers: Sequence[Fraction], share: bool) -> tuple[Fraction, Fraction]:
    """The axis of a breakdown chart: from 0 (or the lowest value, if negative) to the highest
    value (100% for a share). When every value sits in the top part of that range (99% of
    dossiers on time), the axis starts at a round number below the lowest value instead, so
    that a unit below the target line shows as such; the chart's note gives the axis."""
    hi = max([Fraction(1) if share else Fraction(0), *numbers])
    lo = min([Fraction(0), *numbers])
    if lo < 0 or not numbers or hi <= 0:
        return lo, hi
    low = min(numbers)
    if low <= hi / 2:
        return Fraction(0), hi
    start = low - (hi - low) / 3
    step = Fraction(1)
    while step > (hi - start) and step > Fraction(1, 10**6):
        step /= 10
    while step * 10 <= (hi - start):
        step *= 10
    start = (start // step) * step
    return (Fraction(0) if start <= hi / 2 else start), hi


def _units(report: Report, r: IndicatorResult, lang: str) -> tuple[tuple[UnitRow, ...], str]:
    """The breakdown by unit with a bar each on one scale, and the chart's note."""
    plan = report.plan
    w = WORDS[lang]
    ind = r.indicator
    threshold = _threshold(ind)
    numbers = [Fraction(u.value) for u in r.agencies
               if isinstance(u.value, int | Fraction) and not isinstance(u.value, bool)]
    if threshold is not None:
        numbers.append(threshold)
    lo, hi = _scale(numbers, ind.unit in _SHARE_UNITS)
    rows = []
    for u in r.agencies:
        rows.append(UnitRow(
            agency_name(plan, u.agency, lang),
            (w["with_below"] if len(u.members) != 1 or lang != "en"
             else "with {n} agency below it").format(n=format_number_local(len(u.members),
                                                                          lang))
            if u.members else "",
            show_value(u.value, ind.unit, lang),
            _badge(u.status, lang),
            _bar(u.value, lo, hi, threshold),
            w["missing_note"].format(facts=len(u.missing),
                                     agencies=len({a for a, _ in u.missing}))
            if u.missing else ""))
    charted = any(row.bar is not None for row in rows)
    note = ""
    if charted:
        scale = f"{w['axis']} {show_value(lo, ind.unit, lang)} – {show_value(hi, ind.unit, lang)}"
        note = scale + (f"; {w['target_line']} {show_value(threshold, ind.unit, lang)}"
                        if threshold is not None else "")
    return tuple(rows), note


def _detail(report: Report, r: IndicatorResult, lang: str) -> Detail:
    plan = report.plan
    w = WORDS[lang]
    ind = r.indicator
    defs: list[tuple[str, str, bool]] = [(w["formula"], ind.value.text.strip(), True),
                                         (w["target_formula"], ind.target.text.strip(), True)]
    if ind.applicable is not None:
        shown = "" if r.applicable is None or isinstance(r.applicable, Unknown) else \
            f" → {w['true'] if r.applicable is True else w['false']}"
        defs.append((w["applicable"], ind.applicable.text.strip() + shown, True))
    if r.deadline is not None:
        defs.append((w["deadline"], format_date(r.deadline, lang), False))
    defs.append((w["owner"], agency_name(plan, ind.owner, lang), False))
    defs.append((w["scope"], w["scope_of"].format(n=len(ind.population))
                 + f" ({ind.scope})", False))
    if ind.source:
        defs.append((w["source"], w["source_of"].format(source=ind.source), False))
    owed = _owed(report, r)
    not_reported = [a for a, absent in owed if absent]
    if owed:
        defs.append((w["reported"], w["coverage_of"].format(
            reported=len(owed) - len(not_reported), due=len(owed)), False))
    within = _within(report)
    # narrowed to an agency, the sums over the whole scope are not what decided its result
    terms = [] if within is not None else [
        Line((t, show_value(v, "", lang)), code=True) for t, v in r.terms]
    terms += [Line((_name_label(plan, k, lang), show_value(
        v, plan.indicators[k].unit if k in plan.indicators else "", lang)))
        for k, v in r.references.items()]
    inputs: list[tuple[str, tuple[Line, ...]]] = []
    note = ""
    agencies = [a for a in r.inputs if within is None or a in within]
    if len(agencies) <= _INPUT_AGENCIES:
        for a in agencies:
            facts = r.inputs[a]
            inputs.append((agency_name(plan, a, lang), tuple(
                Line((_fact_label(plan, f, lang), _fact_value(plan, f, v, lang)))
                for f, v in facts.items())))
    else:
        note = w["inputs_many"].format(n=len(agencies))
    units, chart_note = _units(report, r, lang)
    reasons = [_reason(plan, x, lang) for x in r.reasons
               if within is None or x.kind != "missing" or x.agency in within]
    if len(reasons) > _LISTED:
        reasons[_LISTED:] = [w["more"].format(n=len(reasons) - _LISTED)]
    treated = [Line((agency_name(plan, t.agency, lang), _fact_label(plan, t.fact, lang), t.rule))
               for t in r.treated if within is None or t.agency in within]
    if len(treated) > _LISTED:
        treated[_LISTED:] = [Line((w["more"].format(n=len(treated) - _LISTED), "", ""))]
    return Detail(tuple(defs), tuple(terms), tuple(inputs), note, tuple(dict.fromkeys(reasons)),
                  units, chart_note, tuple(agency_name(plan, a, lang) for a in not_reported),
                  tuple(treated))


def _fact_value(plan: Plan, fact: str, value: Value, lang: str) -> str:
    f = plan.facts.get(fact)
    return show_value(value, "percent" if f is not None and f.type == "share" else "", lang)


def _rows(report: Report, lang: str) -> list[Row]:
    plan = report.plan
    rows = []
    for number, r in enumerate(report.results, start=1):
        ind = r.indicator
        value, status, _ = _shown(report, r)
        words = target_words(plan, ind, lang)
        rows.append(Row(
            number, ind.id, f"i-{ind.id}", ind.name.text(lang), ind.area,
            show_value(value, ind.unit, lang),
            words if words is not None else ind.target.text.strip(), words is None,
            _badge(status, lang), _note(report, r, lang), _detail(report, r, lang)))
    return rows


def _header(report: Report, lang: str, due: int, reported: int) -> tuple[tuple[str, str], ...]:
    w = WORDS[lang]
    plan = report.plan
    period = plan.periods[report.period]
    out: list[tuple[str, str]] = []
    if plan.decision is not None:
        d = plan.decision
        out.append((w["decision"], d.number + (f" {w['decision_on']} {format_date(d.date, lang)}"
                                               if d.date else "")
                    + (f" ({d.signer})" if d.signer else "")))
    out += [(w["period"], period.name.text(lang)),
            (w["window"], f"{format_date(period.start, lang)} – {format_date(period.end, lang)}"
                          f" ({w['due']} {format_date(period.due, lang)})"),
            (w["as_of"], format_date(report.as_of, lang))]
    if report.agency is not None:
        out.append((w["agency"], agency_name(plan, report.agency, lang)))
    out += [(w["coverage"], w["coverage_of"].format(reported=reported, due=due)),
            (w["indicators"], str(len(report.results)))]
    return tuple(out)


def _owed(report: Report, r: IndicatorResult) -> list[tuple[str, list[str]]]:
    """Each agency of ``r``'s scope (within the report's agency, when narrowed to one) that
    owed facts ``r`` reads in the report's period, with the facts it left out: the rule of
    :attr:`engine.report.IndicatorResult.coverage`."""
    plan = report.plan
    within = _within(report)
    read = [f for f in r.indicator.facts if report.period in plan.facts[f].periods]
    reporters = {f: frozenset(plan.facts[f].reporters) for f in read}
    out = []
    for row in r.context.population:
        if within is not None and row.agency not in within:
            continue
        owed = [f for f in read if row.agency in reporters[f]]
        if owed:
            out.append((row.agency, [f for f in owed if f not in row.facts]))
    return out


def _within(report: Report) -> set[str] | None:
    """The agencies a narrowed report is about: its agency and those below it (else None)."""
    if report.agency is None:
        return None
    return {report.agency, *report.plan.descendants(report.agency)}


def _not_reported(report: Report) -> tuple[list[str], dict[str, list[str]],
                                           dict[str, list[str]]]:
    """The agencies that owed facts the report's indicators read in its period (in registry
    order), and for those that left some out: which facts, and which indicators (ids)."""
    due: set[str] = set()
    facts: dict[str, list[str]] = {}
    indicators: dict[str, list[str]] = {}
    for r in report.results:
        for agency, absent in _owed(report, r):
            due.add(agency)
            if absent:
                known = facts.setdefault(agency, [])
                known += [f for f in absent if f not in known]
                indicators.setdefault(agency, []).append(r.id)
    return [a for a in report.plan.agencies if a in due], facts, indicators


def _matrix(report: Report, rows: Sequence[Row], lang: str) -> tuple[MatrixTable, ...]:
    """Agencies (but communes) × the indicators broken down by them, in tables of at most
    :data:`MATRIX_COLUMNS` indicators."""
    plan = report.plan
    by_id = {row.id: row for row in rows}
    results: list[IndicatorResult] = []
    agencies: set[str] = set()
    for r in report.results:
        units = {u.agency for u in r.agencies
                 if plan.agencies[u.agency].kind != "commune"}
        if units and report.agency is None:
            results.append(r)
            agencies |= units
    tables = []
    for start in range(0, len(results), MATRIX_COLUMNS):
        chunk = results[start:start + MATRIX_COLUMNS]
        cells = [{u.agency: u for u in r.agencies} for r in chunk]
        groups = []
        for kind, heading in KIND_HEADINGS[lang].items():
            members = [a.id for a in plan.agencies.values() if a.kind == kind and a.id in agencies]
            members = [a for a in members if any(a in c for c in cells)]
            if not members:
                continue
            groups.append(MatrixGroup(heading, tuple(
                (agency_name(plan, a, lang), tuple(
                    MatrixCell(_badge(c[a].status, lang),
                               show_value(c[a].value, r.indicator.unit, lang))
                    if a in c else MatrixCell(None, "")
                    for c, r in zip(cells, chunk, strict=True)))
                for a in members)))
        tables.append(MatrixTable(tuple(by_id[r.id] for r in chunk), tuple(groups)))
    return tuple(tables)


def _missing(report: Report, rows: Sequence[Row], facts: Mapping[str, list[str]],
             indicators: Mapping[str, list[str]], lang: str
             ) -> tuple[tuple[str, tuple[Missing, ...]], ...]:
    plan = report.plan
    by_id = {row.id: row for row in rows}
    out = []
    for kind, heading in KIND_HEADINGS[lang].items():
        members = [a.id for a in plan.agencies.values() if a.kind == kind and a.id in facts]
        if members:
            out.append((heading, tuple(
                Missing(agency_name(plan, a, lang),
                        "; ".join(_fact_label(plan, f, lang) for f in facts[a]),
                        tuple(by_id[i] for i in indicators[a]))
                for a in members)))
    return tuple(out)


def build_page(report: Report, lang: str = "vi") -> Page:
    """The view of ``report`` that the template renders (every text already in ``lang``)."""
    from . import __version__

    lang = check(lang, "build_page(lang=)")
    w = WORDS[lang]
    plan = report.plan
    rows = _rows(report, lang)
    counts: dict[str, int] = {s: 0 for s in STATUSES}
    for row in rows:
        counts[row.badge.status] += 1
    total = len(rows)
    most = max(counts.values()) or 1
    count_rows = tuple(
        CountRow(_badge(s, lang), n, format_percent(Fraction(n, total), lang) if total else "",
                 n / most, 8 + i * 30) for i, (s, n) in enumerate(counts.items()))
    areas = []
    for number, area in enumerate(
            (a for a in plan.areas.values() if any(r.area == a.id for r in rows)), start=1):
        areas.append(AreaView(
            area.id, f"a-{area.id}", number, area.name.text(lang),
            agency_name(plan, area.lead, lang) if area.lead else "",
            tuple(r for r in rows if r.area == area.id)))
    by_area = tuple((a, tuple(sum(1 for r in a.rows if r.badge.status == s) for s in STATUSES))
                    for a in areas)
    attention = tuple(r for s in ATTENTION for r in rows if r.badge.status == s)
    due, facts, indicators = _not_reported(report)
    header = _header(report, lang, len(due), len([a for a in due if a not in facts]))
    return Page(
        lang, w, plan.title.text(lang), plan.periods[report.period].name.text(lang), header,
        count_rows, total, 8 + len(STATUSES) * 30,
        by_area, attention, tuple(areas), _matrix(report, rows, lang),
        _missing(report, rows, facts, indicators, lang),
        tuple(_badge(s, lang) for s in STATUSES),
        w["made_by"].format(version=__version__, plan=plan.id), report.agency is not None)


# -- the template -----------------------------------------------------------------------------


def _finalize(value: object) -> object:
    """Every value a template prints: text (not markup the template made) is shown with its
    control and bidirectional characters written out; autoescaping then escapes it."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


@functools.cache
def environment() -> Any:
    """The Jinja2 environment of the report's templates (package data of ``engine``):
    autoescaping on, an undefined name an error."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("engine", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(report: Report, lang: str = "vi") -> str:
    """``report`` as one self-contained HTML page in ``lang`` ("vi" or "en"): a header (plan,
    decision, period, as-of date, coverage), a summary (a chart and the counts of each status,
    the indicators that need attention first), every indicator by area with its details
    (formula, facts, a chart of the units against the target, agencies that have not
    reported, rules applied for missing facts), the agency × indicator matrix and the agencies
    that have not reported. Another ``lang`` raises :class:`~engine.diagnostics.ArgumentError`
    (``E805``)."""
    lang = check(lang, "render_html(lang=)")
    return str(environment().get_template("report.html.j2").render(page=build_page(report, lang)))
