"""Scaffold next year's plan: a child plan that ``extends`` this one, dates moved a year on.

``new_year(plan, parent_ref, year)`` returns the YAML text of a plan that inherits everything,
with the year, id and title updated, the periods and every date in deadlines and formulas moved
to ``year`` (the last day of a month stays the last day of its month, so leap years come out
right), and a comment at each place a person must decide: thresholds, and baselines or
last-year facts that should become this year's results.

A date that cannot move (``9999-12-31`` has no next year) is refused with ``E804`` at the date,
before anything is written. Text of the plan that lands in a comment is shown with
:func:`engine.escape.visible`, so a line break in a name cannot add a line of YAML.

The names of indicators and areas and the labels of facts have their year moved too, where it is
unambiguous (:func:`engine.wording.move_years`): "năm 2023" becomes "năm 2024", and a date
becomes the date its deadline or period moved to ("10/01/2023" becomes "10/01/2024"). A label
of a fact whose id holds a year (``papi_score_2022``) keeps it; any other year or date is left
as it is and marked for a person, so the plan it writes validates with no ``W903``/``W904``.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from typing import Any

from .diagnostics import ArgumentError, Diagnostic
from .escape import visible
from .i18n import _, ngettext
from .messages import year_left
from .model import Indicator, Label, Plan
from .nodes import Date, Expr, Number, walk
from .printer import to_text
from .wording import fact_years, formula_dates, move_years
from .yamlout import scalar

DECIDE = "QUYẾT ĐỊNH (decide)"


def shift_date(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; a month's last day stays its month's last day."""
    year = day.year + years
    last_old = calendar.monthrange(day.year, day.month)[1]
    last_new = calendar.monthrange(year, day.month)[1]
    if day.day == last_old:
        return dt.date(year, day.month, last_new)
    return dt.date(year, day.month, min(day.day, last_new))


def _shift_expr(expr: Expr, years: int) -> Expr:
    """The expression with every date literal moved, rebuilt node by node (a text that happens
    to look like a date is left alone)."""
    if isinstance(expr, Date):
        return dataclasses.replace(expr, value=shift_date(expr.value, years))
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(expr):
        value = getattr(expr, f.name)
        if isinstance(value, tuple) and value and all(_is_node(v) for v in value):
            changes[f.name] = tuple(_shift_expr(v, years) for v in value)
        elif _is_node(value):
            changes[f.name] = _shift_expr(value, years)
    return dataclasses.replace(expr, **changes) if changes else expr


def _is_node(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type) and \
        type(value).__module__ == Date.__module__


def _has_date(expr: Expr) -> bool:
    return any(isinstance(n, Date) for n in walk(expr))


def _line(text: str) -> str:
    """``text`` as a YAML value on its key's line (a comment may follow it)."""
    return scalar(text, inline=True)


def _flow(text: str) -> str:
    """``text`` as a value inside ``{...}``."""
    return scalar(text, flow=True)


def _retitle(text: str, old: int, new: int) -> str:
    return text.replace(str(old), str(new))


def _unmovable(plan: Plan, year: int) -> list[Diagnostic]:
    """``E804`` for each period and each date of a formula that moving the plan to ``year``
    would take out of the calendar (past 9999-12-31), located at the date as the plan wrote it
    (a period by its id)."""
    years = year - plan.year
    problems: list[Diagnostic] = []

    def moves(day: dt.date) -> bool:
        return dt.MINYEAR <= day.year + years <= dt.MAXYEAR

    def help_(day: dt.date) -> str:
        return ngettext("a date in {year} in a plan for {plan_year} is probably mistyped: fix "
                        "it in the plan (new-year moves every date by {n} year)",
                        "a date in {year} in a plan for {plan_year} is probably mistyped: fix "
                        "it in the plan (new-year moves every date by {n} years)",
                        abs(years)).format(year=day.year, plan_year=plan.year, n=years)

    for p in plan.periods.values():
        for key, day in (("from", p.start), ("until", p.end), ("due", p.due)):
            if not moves(day):
                problems.append(Diagnostic(
                    "E804", _("period '{p}' cannot move to {year}: its '{key}' date {day} would "
                               "fall in the year {value}, past the last date there is "
                               "({max})").format(
                                p=p.id, year=year, key=key, day=day, value=day.year + years,
                                    max=dt.date.max), p.span, help_(day)))
                break
    for ind in plan.indicators.values():
        for fld, formula in (("value", ind.value), ("applicable", ind.applicable),
                             ("deadline", ind.deadline)):
            for node in walk(formula.expr) if formula is not None else ():
                if isinstance(node, Date) and not moves(node.value):
                    problems.append(Diagnostic(
                        "E804", _("the date {node} in the {fld} of '{ind}' cannot move to the "
                                   "year {value}, past the last date there is ({max})").format(
                                    node=node.value, fld=fld, ind=ind.id,
                                        value=node.value.year + years, max=dt.date.max), node.span,
                                            help_(node.value)))
    return problems


def new_year(plan: Plan, parent_ref: str, year: int) -> str:
    """The YAML text of next year's draft plan, extending the plan at ``parent_ref``.

    Raises :class:`~engine.diagnostics.ArgumentError` (``E804``) when a date of the plan
    cannot move to ``year`` (it would leave the calendar)."""
    problems = _unmovable(plan, year)
    if problems:
        raise ArgumentError(problems)
    years = year - plan.year
    ref = visible(parent_ref)
    out = [
        f"# Kế hoạch CCHC năm {year}: bản nháp do `cchc new-year` tạo từ {ref}.",
        f"# Draft plan for {year}, written by `cchc new-year` from {ref}.",
        "# Everything not written here is inherited. Each line marked",
        f"# {DECIDE} needs a person: thresholds to keep or raise, baselines to update.",
        "cchc: 1",
        f"extends: {_line(parent_ref)}",
        f"id: {_line(_retitle(plan.id, plan.year, year))}",
        f"year: {year}",
        "title:",
        f"  vi: {_line(_retitle(plan.title.vi, plan.year, year))}",
    ]
    if plan.title.en:
        out.append(f"  en: {_line(_retitle(plan.title.en, plan.year, year))}")
    out += [
        f"# {DECIDE}: the decision that issues this plan, once it is signed:",
        "# decision: {number: ..., date: YYYY-MM-DD, signer: ...}",
        "",
        "periods:",
    ]
    for p in plan.periods.values():
        out.append(f"  {p.id}:")
        if str(plan.year) in p.name.vi or (p.name.en and str(plan.year) in p.name.en):
            out.append(f"    name: {{vi: {_flow(_retitle(p.name.vi, plan.year, year))}"
                       + (f", en: {_flow(_retitle(p.name.en, plan.year, year))}"
                          if p.name.en else "") + "}")
        for key, day in (("from", p.start), ("until", p.end), ("due", p.due)):
            out.append(f"    {key}: {shift_date(day, years).isoformat()}")
    moves = _Moves(plan.year, year, _date_moves(plan, years))
    out += moves.facts(plan)
    out += ["", "areas:"]
    for area in plan.areas.values():
        rendered = [_indicator(plan.indicators[iid], years, moves) for iid in area.indicators]
        name, left = moves.label(area.name)
        said = [f"{DECIDE}: {visible(year_left('the name', left))}"] if left else []
        if name is not None or any(changed for _, changed in rendered):
            out.append(f"  {area.id}:")
            out += [f"    # {n}" for n in said]
            out += [f"    name: {name}   # year moved"] if name is not None else []
            if any(changed for _, changed in rendered):
                out.append("    indicators:")
            out += [line for lines, _ in rendered for line in lines]
        else:
            out.append(f"  # {visible(area.id)}: inherited unchanged")
            out += [f"  #   {visible(n)}" for n in said]
            out += ["  #   " + line[8:] for lines, _ in rendered for line in lines]
    return "\n".join(out) + "\n"


def _indicator(ind: Indicator, years: int, moves: _Moves) -> tuple[list[str], bool]:
    """Lines for one indicator, and whether they override anything."""
    key = ind.id.split(".", 1)[1]
    real: list[str] = []
    name, left = moves.label(ind.name)
    if name is not None:
        real.append(f"        name: {name}   # year moved")
    for fld, formula in (("value", ind.value), ("applicable", ind.applicable),
                         ("deadline", ind.deadline)):
        if formula is not None and _has_date(formula.expr):
            real.append(f"        {fld}: {_line(to_text(_shift_expr(formula.expr, years)))}"
                        "   # dates moved a year")
    target = ind.target.text.strip().replace("\n", " ")
    thresholds = [n for n in walk(ind.target.expr) if isinstance(n, Number)]
    notes = [f"{DECIDE}: keep or raise the target `{visible(target)}`?" if thresholds
             else f"target `{visible(target)}` carried over"]
    if ind.baseline is not None:
        notes.append(f"{DECIDE}: the baseline should become last year's result")
    last_year = [f for f in ind.facts if re.search(r"_(19|20)\d\d\b", f)]
    if last_year:
        notes.append(f"{DECIDE}: last year's figures ({visible(', '.join(last_year))}) are "
                     "facts; check their labels")
    if left:
        notes.append(f"{DECIDE}: {visible(year_left('the name', left))}")
    if real:
        return [f"      {key}:", *(f"        # {n}" for n in notes), *real], True
    return [f"      # {key}: {notes[0]}", *(f"      #   {n}" for n in notes[1:])], False


def _date_moves(plan: Plan, years: int) -> dict[dt.date, dt.date]:
    """Each date this scaffold moves (the periods', and those of the formulas it rewrites:
    values, applicability and deadlines), and where it moves to; a name that says one of
    them says the moved one."""
    days = {d for p in plan.periods.values() for d in (p.start, p.end, p.due)}
    for ind in plan.indicators.values():
        days |= formula_dates(ind, ("value", "applicable", "deadline"))
    return {d: shift_date(d, years) for d in days}


@dataclasses.dataclass(frozen=True)
class _Moves:
    """Moves the years and dates of names and labels from ``old`` to ``new``."""

    old: int
    new: int
    dates: dict[dt.date, dt.date]

    def label(self, name: Label) -> tuple[str | None, tuple[str, ...]]:
        """The ``{vi: ..., en: ...}`` text of ``name`` moved (None when nothing moves), and
        what is left for a person in its Vietnamese text."""
        vi = move_years(name.vi, self.old, self.new, dates=self.dates)
        en = move_years(name.en, self.old, self.new, dates=self.dates, english=True) \
            if name.en else None
        if vi.text == name.vi and (en is None or en.text == name.en):
            return None, vi.left
        text = f"{{vi: {_flow(vi.text)}" + (f", en: {_flow(en.text)}" if en else "") + "}"
        return text, vi.left

    def facts(self, plan: Plan) -> list[str]:
        """The ``facts:`` lines: each label whose year moves; a fact whose id holds a year
        (``papi_score_2022``) keeps its label."""
        lines: list[str] = []
        changed = False
        for fact in plan.facts.values():
            if fact_years(fact.id):
                continue
            label, left = self.label(fact.label)
            if left:
                lines.append(f"  # {fact.id}: {DECIDE}: {year_left('the label', left)}")
            if label is not None:
                lines += [f"  {fact.id}:", f"    label: {label}   # year moved"]
                changed = True
        if not lines:
            return []
        return ["", "facts:" if changed else "# facts: inherited unchanged", *lines]
