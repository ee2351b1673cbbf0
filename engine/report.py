"""Reports: a compiled plan evaluated against the facts of one period (statuses, breakdowns).

    report = evaluate(plan, facts, period="q1", as_of=datetime.date(2023, 3, 14))
    report.to_dict()   # exactly the JSON that `cchc evaluate --format json` prints

Statuses (see docs/report.md):

* ``met``: the target holds;
* ``not_met``: it does not, and its deadline (if any) is on or before the as-of date;
* ``pending``: it does not hold yet, and its deadline is after the as-of date;
* ``unknown``: it cannot be decided because facts are missing (listed in ``missing``), or the
  data is invalid: an indicator whose unit is a share of a population (``percent``) came out
  below 0% or above 100% (a reason of kind ``invalid`` names the values);
* ``not_applicable``: nothing to measure (empty population, ``applicable`` false, or a fact
  that is not reported in this period).

Arguments are checked before anything is evaluated, by :func:`check_arguments` (which the
command line uses too, with its option names as locations). An argument that names nothing in the
plan, or is not of its type, raises :class:`~engine.diagnostics.ArgumentError` located at the
argument (``evaluate(period=)``): ``E620`` unknown period, ``E630`` unknown agency, ``E801``
unknown area, ``E802`` unknown indicator (also from :meth:`Report.result`), ``E803`` not a date.
Facts loaded for another plan or another period raise
:class:`~engine.diagnostics.FactsError` (``E613``, ``E622``, as for a fact file).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .codegen import Bail, planned, unplanned
from .diagnostics import ArgumentError, Collector, Diagnostic, FactsError
from .evaluator import Context, Row
from .facts import Facts, facts_from_data
from .i18n import N_, _
from .messages import (
    describe_reason,
    share_out_of_range,
    show,
    unknown_agency,
    unknown_name,
    unknown_period,
)
from .model import Indicator, Plan
from .values import Reason, Unknown, Value, json_value

if TYPE_CHECKING:  # not at run time: a plan from the cache needs no parser (engine.cache)
    from .language import Formula

Status = Literal["met", "not_met", "pending", "unknown", "not_applicable"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "pending", "unknown", "not_applicable")


class FactSource(Protocol):
    """What evaluation needs of a fact set (``engine.facts.Facts`` is one)."""

    @property
    def period(self) -> str: ...

    @property
    def values(self) -> Mapping[str, Mapping[str, Value]]: ...


@dataclass(frozen=True, slots=True)
class SimpleFacts:
    """A fact set built in code: ``values[agency][fact]``. For tests and embedding."""

    period: str
    values: Mapping[str, Mapping[str, Value]]


@dataclass(frozen=True, slots=True)
class AgencyResult:
    """One unit of an indicator's breakdown: an agency with the agencies below it in scope."""

    agency: str
    status: Status
    value: Value
    members: tuple[str, ...] = ()
    missing: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "status": self.status, "value": json_value(self.value),
                "missing": [{"agency": a, "fact": f} for a, f in self.missing]}


@dataclass(frozen=True, slots=True, order=True)
class Treatment:
    """A fact an agency did not report, about which the plan's own rule for missing values
    decided: ``coalesce(x, fallback)`` used its fallback, or ``known(x)`` was false (for
    example, ``where known(x)`` left the agency out). ``rule`` is that call, as written."""

    agency: str
    fact: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        return {"agency": self.agency, "fact": self.fact, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Coverage:
    expected: int
    reported: int
    missing_agencies: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"expected": self.expected, "reported": self.reported,
                "missing_agencies": list(self.missing_agencies)}


@dataclass(frozen=True)
class IndicatorResult:
    """The outcome of one indicator, with everything needed to explain it."""

    indicator: Indicator
    status: Status
    value: Value
    target_value: Value
    deadline: dt.date | None
    applicable: Value | None
    reasons: tuple[Reason, ...]
    plan: Plan = field(repr=False, compare=False)
    period: str
    agencies: tuple[AgencyResult, ...] = ()
    references: Mapping[str, Value] = field(default_factory=dict)
    #: what the formulas saw; inputs and terms are derived from it only when asked for
    context: Context = field(default_factory=Context, repr=False, compare=False)

    @functools.cached_property
    def coverage(self) -> Coverage:
        """How many agencies of the scope owed the facts read, and how many reported them."""
        return _coverage(self.plan, self.indicator, self.period, self.context.population)

    @functools.cached_property
    def inputs(self) -> Mapping[str, Mapping[str, Value]]:
        """The facts the formulas read, by agency (only agencies that reported some)."""
        return _inputs(self.indicator, self.context.population, _same)

    @functools.cached_property
    def terms(self) -> tuple[tuple[str, Value], ...]:
        """The aggregates of the value formula with their values: the sums behind a ratio."""
        if any(r.kind == "not_measured" for r in self.reasons):
            return ()
        return _terms(self.indicator, self.context)

    @functools.cached_property
    def treated(self) -> tuple[Treatment, ...]:
        """The missing facts that the formulas' own rules (``coalesce``, ``known``) decided
        about: what the report must say was applied."""
        if any(r.kind == "not_measured" for r in self.reasons):
            return ()
        return _treated(self.indicator, self.context, self.value)

    def treated_in(self, unit: AgencyResult) -> tuple[Treatment, ...]:
        """The entries of :attr:`treated` for ``unit`` of the breakdown: its agency and the
        agencies below it in the scope."""
        treated = self.treated
        if not treated:
            return ()
        agencies = {unit.agency, *unit.members}
        return tuple(t for t in treated if t.agency in agencies)

    def over_unit(self, agency: str) -> IndicatorResult:
        """This result worked out again over the unit of the breakdown that holds ``agency``:
        the agency with the agencies below it in the scope (a district with its communes), or
        the unit an agency below one belongs to (a commune's district). Value, status, target,
        applicability, terms, inputs, coverage and the rules applied for missing facts are all
        that unit's, as its entry in :attr:`agencies` is; the breakdown is that one unit. The
        references to other indicators, the deadline and the as-of date stay the indicator's.
        A result over one agency, or not measured in this period, is its own unit.

        Raises :class:`ValueError` when ``agency`` is not in the indicator's scope."""
        ind = self.indicator
        if agency not in ind.population:
            raise ValueError(f"{show(agency)} is not in the scope of {ind.id}")
        if len(ind.population) == 1:
            return self
        unit, members = next((u, m) for u, m in ind.units if agency in m)
        by_agency = {r.agency: r for r in self.context.population}
        population = [by_agency[a] for a in members]
        scalars = self.context.scalars
        ctx = Context(scalars, population, unit)
        if any(r.kind == "not_measured" for r in self.reasons):
            from dataclasses import replace
            return replace(self, agencies=(), context=ctx)
        as_of = scalars["as_of"]
        assert isinstance(as_of, dt.date)
        status, value, target, applicable = _judge(ind, scalars, population, unit,
                                                   self.deadline, as_of)
        reasons = _reasons(target, applicable) if isinstance(target, Unknown) else ()
        missing = tuple(sorted({(r.agency, r.fact) for r in reasons if r.kind == "missing"}))
        own = AgencyResult(unit, status, value, members[1:], missing)
        return IndicatorResult(ind, status, value, target, self.deadline, applicable, reasons,
                               self.plan, self.period, (own,), self.references, ctx)

    @property
    def id(self) -> str:
        return self.indicator.id

    @property
    def missing(self) -> tuple[tuple[str, str], ...]:
        """``(agency, fact)`` pairs that were not reported and that the result needed."""
        return tuple(sorted({(r.agency, r.fact) for r in self.reasons if r.kind == "missing"}))

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON: what :func:`_result_dict_as_written` gives, for less (the
        breakdown's entries are made directly)."""
        ind = self.indicator
        treated = self.treated
        coverage = self.__dict__.get("coverage")
        inputs = None
        if coverage is None and "inputs" not in self.__dict__:
            coverage, inputs = _coverage_and_inputs(self.plan, ind, self.period,
                                                    self.context.population)
            self.__dict__["coverage"] = coverage  # (the cached property's value)
        elif coverage is None:
            coverage = self.coverage
        return {
            **_result_head(self),
            "missing": [{"agency": a, "fact": f} for a, f in self.missing],
            "treated": [t.to_dict() for t in treated],
            "reasons": [describe_reason(r) for r in self.reasons if r.kind != "missing"],
            "coverage": coverage.to_dict(),
            "agencies": [{"agency": a.agency, "status": a.status,
                          "value": v if (v := a.value).__class__ is int or v.__class__ is bool
                          else json_value(v),
                          "missing": [{"agency": m, "fact": f} for m, f in a.missing]
                          if a.missing else [],
                          "treated": [t.to_dict() for t in self.treated_in(a)] if treated
                          else []}
                         for a in self.agencies],
            "explanation": self._explanation(inputs),
        }

    def explanation(self) -> dict[str, Any]:
        return self._explanation(None)

    def _explanation(self, inputs: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
        """:meth:`explanation`, with its inputs when they were worked out already."""
        ind = self.indicator
        return {
            "value_formula": ind.value.text.strip(),
            "terms": [{"formula": t, "value": json_value(v)} for t, v in self.terms],
            "references": {k: json_value(v) for k, v in self.references.items()},
            "applicable_formula": ind.applicable.text.strip() if ind.applicable else None,
            "applicable": json_value(self.applicable) if self.applicable is not None else None,
            "inputs": inputs if inputs is not None else
            _inputs(self.indicator, self.context.population, json_value)
            if "inputs" not in self.__dict__ else
            {a: {f: json_value(v) for f, v in facts.items()} for a, facts in self.inputs.items()},
        }


def _result_head(self: IndicatorResult) -> dict[str, Any]:
    """The first keys of a result's JSON: the indicator, its status, value, target and
    deadline (shared by :meth:`IndicatorResult.to_dict` and its reference)."""
    ind = self.indicator
    return {
        "id": ind.id,
        "area": ind.area,
        "name": ind.name.to_dict(),
        "unit": ind.unit,
        "owner": ind.owner,
        "scope": ind.scope,
        "status": self.status,
        "value": json_value(self.value),
        "target": ind.target.text.strip(),
        "target_result": json_value(self.target_value),
        "deadline": self.deadline.isoformat() if self.deadline else None,
        "source": ind.source,
    }


def _result_dict_as_written(result: IndicatorResult) -> dict[str, Any]:
    """:meth:`IndicatorResult.to_dict` the straightforward way (its reference, for tests)."""
    self = result
    ind = self.indicator
    return {
        **_result_head(self),
        "missing": [{"agency": a, "fact": f} for a, f in self.missing],
        "treated": [t.to_dict() for t in self.treated],
        "reasons": [describe_reason(r) for r in self.reasons if r.kind != "missing"],
        "coverage": _coverage(self.plan, ind, self.period, self.context.population).to_dict(),
        "agencies": [{**a.to_dict(), "treated": [t.to_dict() for t in self.treated_in(a)]}
                     for a in self.agencies],
        "explanation": self.explanation(),
    }


def report_dict_as_written(report: Report) -> dict[str, Any]:
    """:meth:`Report.to_dict` the straightforward way, for tests: each result's JSON made
    as written (:func:`_result_dict_as_written`). Equal to :meth:`Report.to_dict`."""
    return {
        **heading(report.plan, report.period, report.as_of),
        "agency": report.agency,
        "files": list(report.files),
        "summary": {**report.summary, "total": len(report.results)},
        "indicators": [_result_dict_as_written(r) for r in report.results],
    }


def _same(value: Value) -> Value:
    return value


def _inputs(ind: Indicator, population: Iterable[Row], convert: Callable[[Value], Any]
            ) -> dict[str, dict[str, Any]]:
    """The facts of ``ind`` that each agency of ``population`` reported (agencies that
    reported none left out), in the order of ``ind.facts``, each value ``convert``-ed."""
    wanted = ind.facts
    every = frozenset(wanted)
    out: dict[str, dict[str, Any]] = {}
    for r in population:
        facts = r.facts
        if every <= facts.keys():  # (a whole number is its own JSON value)
            out[r.agency] = {f: v if (v := facts[f]).__class__ is int else convert(v)
                             for f in wanted}
        elif some := {f: v if (v := facts[f]).__class__ is int else convert(v)
                      for f in wanted if f in facts}:
            out[r.agency] = some
    return out


def _coverage_and_inputs(plan: Plan, ind: Indicator, period: str, population: Iterable[Row]
                         ) -> tuple[Coverage, dict[str, dict[str, Any]]]:
    """:func:`_coverage` and the JSON of :func:`_inputs` in one pass over ``population``, for
    a result's JSON: an agency that reported every fact the indicator reads has reported every
    fact it owes (those are some of them), which one test of its facts says for both."""
    wanted = ind.facts
    every = frozenset(wanted)
    facts_owed, by_agency = _compiled(ind).owed(plan, period)
    expected = 0
    reported = 0
    missing: list[str] = []
    out: dict[str, dict[str, Any]] = {}
    for row in population:
        agency, facts = row.agency, row.facts
        owed = by_agency.get(agency)
        if owed is None:  # (every agency of a population is in the scope)
            owed = frozenset(f for f in facts_owed if agency in plan.facts[f].reporters)
        if every <= facts.keys():  # (a whole number is its own JSON value)
            out[agency] = {f: v if (v := facts[f]).__class__ is int else json_value(v)
                           for f in wanted}
            if owed:
                expected += 1
                reported += 1
            continue
        if some := {f: v if (v := facts[f]).__class__ is int else json_value(v)
                    for f in wanted if f in facts}:
            out[agency] = some
        if owed:
            expected += 1
            if owed <= facts.keys():
                reported += 1
            else:
                missing.append(agency)
    return Coverage(expected, reported, tuple(missing)), out


@dataclass(frozen=True)
class Report:
    """Every indicator's result for one period, as of one date."""

    plan: Plan
    period: str
    as_of: dt.date
    results: tuple[IndicatorResult, ...]
    #: the agency the report is narrowed to: each result's breakdown is then that agency's
    #: own result (over the agency and the agencies below it in the scope)
    agency: str | None = None
    #: the fact files the facts were read from, in the order read (none for facts in memory)
    files: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {s: 0 for s in STATUSES}
        for r in self.results:
            counts[r.status] += 1
        return counts

    def result(self, indicator: str) -> IndicatorResult:
        """The result of ``indicator``. Raises :class:`ArgumentError` (``E802``) when the plan
        has no such indicator, or the report was narrowed (``area``, ``agency``) without it."""
        for r in self.results:
            if r.id == indicator:
                return r
        where = "Report.result()"
        if isinstance(indicator, str) and indicator in self.plan.indicators:
            narrowed = _("agency '{agency}'").format(
                agency=self.agency) if self.agency is not None else _("one area")
            raise ArgumentError([Diagnostic(
                "E802", _("indicator {indicator} is not in this report").format(
                            indicator=show(indicator)), file=where,
                help=_("the report is narrowed to {narrowed}; evaluate without it").format(
                         narrowed=narrowed))])
        raise ArgumentError([unknown_name("E802", N_("indicator"), str(indicator),
                                          self.plan.indicators, file=where)])

    def to_dict(self) -> dict[str, Any]:
        return {
            **heading(self.plan, self.period, self.as_of),
            "agency": self.agency,
            "files": list(self.files),
            "summary": {**self.summary, "total": len(self.results)},
            "indicators": [r.to_dict() for r in self.results],
        }


def heading(plan: Plan, period: str, as_of: dt.date) -> dict[str, Any]:
    """The keys that open every JSON document about one period of a plan (the report, the
    chase list): ``plan``, ``period``, ``period_window`` and ``as_of``."""
    p = plan.periods[period]
    return {
        "plan": {"id": plan.id, "year": plan.year, "title": plan.title.to_dict()},
        "period": period,
        "period_window": {"name": p.name.to_dict(), "from": p.start.isoformat(),
                          "until": p.end.isoformat(), "due": p.due.isoformat()},
        "as_of": as_of.isoformat(),
    }


def evaluate(plan: Plan, facts: FactSource | Mapping[str, Mapping[str, object]], *,
             period: str, as_of: dt.date | None = None, area: str | None = None,
             agency: str | None = None) -> Report:
    """Evaluate every indicator of ``plan`` (in dependency order) for ``period``.

    ``as_of`` defaults to the period's due date. ``area`` and ``agency`` narrow the report to
    one area, or to the indicators measured over one agency (with that agency's breakdown).
    Raises :class:`ArgumentError` for an argument that names nothing in the plan or is not a
    date, and :class:`FactsError` for facts loaded for another plan or period.
    """
    return _evaluate(plan, facts, period=period, as_of=as_of, area=area, agency=agency)


def evaluate_as_written(plan: Plan, facts: FactSource | Mapping[str, Mapping[str, object]], *,
                        period: str, as_of: dt.date | None = None, area: str | None = None,
                        agency: str | None = None) -> Report:
    """:func:`evaluate` the straightforward way, for tests: each unit of every breakdown
    judged by :func:`_judge`, every formula evaluated as written over the unit's population
    in a context of its own. Its report equals :func:`evaluate`'s."""
    return _evaluate(plan, facts, period=period, as_of=as_of, area=area, agency=agency,
                     as_written=True)


def _evaluate(plan: Plan, facts: FactSource | Mapping[str, Mapping[str, object]], *,
              period: str, as_of: dt.date | None, area: str | None, agency: str | None,
              as_written: bool = False) -> Report:
    check_arguments(plan, period=period, as_of=as_of, area=area, agency=agency)
    files = facts.files if isinstance(facts, Facts) else ()
    if not isinstance(facts, Mapping):
        _check_facts(plan, facts, period)  # a fact set of another plan or period
    if isinstance(facts, Mapping | SimpleFacts):  # checked as fact files are (FactsError)
        facts = facts_from_data(plan, facts.values if isinstance(facts, SimpleFacts) else facts,
                                period=period, other_periods=True)
    values = facts.values
    p = plan.periods[period]
    when = as_of if as_of is not None else p.due
    base: dict[str, Value] = {"period_start": p.start, "period_end": p.end,
                              "period_due": p.due, "as_of": when}
    rows = {a.id: Row(a.id, a.kind, values.get(a.id, {})) for a in plan.agencies.values()}
    computed: dict[str, Value] = {}
    results: list[IndicatorResult] = []
    for ind in plan.indicators.values():
        result = _evaluate_indicator(plan, ind, period, base, rows, computed, as_written)
        computed[ind.id] = result.value
        results.append(result)
    order = {iid: i for i, iid in enumerate(_file_order(plan))}
    results.sort(key=lambda r: order[r.id])
    if area is not None:
        results = [r for r in results if r.indicator.area == area]
    if agency is not None:
        results = [_narrow(r, plan, agency, rows, when) for r in results
                   if agency in r.indicator.population]
    return Report(plan, period, when, tuple(results), agency, files)


#: Where a diagnostic about an argument of :func:`evaluate` points: the argument, as written in
#: the call. The command line passes its option names instead (``--period``).
CALL_LABELS: Mapping[str, str] = {name: f"evaluate({name}=)" for name in
                                  ("period", "as_of", "area", "agency", "indicator", "facts")}


#: ``check_arguments(period=...)`` was not given (None is a value there: ``evaluate`` needs one)
_NOT_GIVEN: Any = object()


def check_arguments(plan: Plan, *, period: object = _NOT_GIVEN, as_of: object = None,
                    area: object = None, agency: object = None, indicator: object = None,
                    labels: Mapping[str, str] = CALL_LABELS) -> None:
    """Raise :class:`ArgumentError` carrying a diagnostic for every argument (not None) that
    names nothing in ``plan`` or, for ``as_of``, is not a ``datetime.date`` (whatever the
    arguments are: they come from callers who may not type-check). ``period`` is checked when
    given, even as None. ``labels`` maps an
    argument's name to the location its diagnostic shows (``{"period": "--period"}``).

        >>> from engine.loader import load_plan
        >>> try:
        ...     check_arguments(load_plan("plans/2023.yaml"), period="q5", area="procedure")
        ... except ArgumentError as err:
        ...     print(err.render())
        evaluate(area=): error[E801]: unknown area 'procedure'
          = help: did you mean 'procedures'?
        evaluate(period=): error[E620]: unknown period 'q5'
          = help: the periods of plan 'son-la-cchc-2023' are q1, h1, q3, year
    """
    def at(name: str) -> str:
        return labels.get(name) or CALL_LABELS[name]

    found = Collector()
    if period is not _NOT_GIVEN and (not isinstance(period, str) or period not in plan.periods):
        found.add(unknown_period(plan, str(period), file=at("period")))
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        found.add(not_a_date(as_of, file=at("as_of")))
    if area is not None and (not isinstance(area, str) or area not in plan.areas):
        found.add(unknown_name("E801", N_("area"), str(area), plan.areas, file=at("area")))
    if agency is not None and (not isinstance(agency, str) or agency not in plan.agencies):
        found.add(unknown_agency(plan, str(agency), file=at("agency")))
    if indicator is not None and (not isinstance(indicator, str)
                                  or indicator not in plan.indicators):
        found.add(unknown_name("E802", N_("indicator"), str(indicator), plan.indicators,
                               file=at("indicator")))
    found.raise_if_any(ArgumentError)


def not_a_date(value: object, *, file: str) -> Diagnostic:
    """``E803``: ``value``, given where a date is expected (``as_of``, ``--as-of``), is not a
    ``datetime.date``: a text (which the command line reads as YYYY-MM-DD), a datetime, or
    anything else. The help writes the date to give when the value names one."""
    if isinstance(value, dt.datetime):
        d = value.date()
        return Diagnostic("E803", _("expected a datetime.date, found a datetime.datetime"),
            file=file,
                          help=_("pass the date alone: datetime.date({year}, {month}, "
                                 "{day})").format(
                                   year=d.year, month=d.month, day=d.day))
    if isinstance(value, str):
        try:
            d = dt.date.fromisoformat(value.strip())
        except ValueError:
            return Diagnostic("E803", _("{value} is not a date").format(value=show(value)),
                file=file,
                              help=_("write the date as YYYY-MM-DD, e.g. 2023-03-14"))
        return Diagnostic("E803", _("expected a datetime.date, found the text {value}").format(
                                      value=show(value)),
                          file=file, help=_("pass datetime.date({year}, {month}, {day})").format(
                                              year=d.year, month=d.month, day=d.day))
    return Diagnostic("E803", _("expected a datetime.date, found {name} {value}").format(
                                  name=type(value).__name__, value=show(repr(value))), file=file,
                      help=_("pass a datetime.date, e.g. datetime.date(2023, 3, 14)"))


def _check_facts(plan: Plan, facts: FactSource, period: str) -> None:
    """Raise :class:`FactsError` when ``facts`` were loaded for another plan (``E613``) or
    another period (``E622``) than those of the call, as for a fact file."""
    where = CALL_LABELS["facts"]
    found = Collector()
    if isinstance(facts, Facts) and facts.plan != plan.id:
        found.error("E613", _("these facts are for plan {plan}, not '{plan2}'").format(
                                plan=show(facts.plan), plan2=plan.id),
                    file=where, help=_("load the facts with this plan: engine.load_facts(plan, "
                                        "paths)"))
    if facts.period != period:
        found.error("E622", _("these facts are for period {period}, but the period given is "
                               "'{period2}'").format(period=show(facts.period), period2=period),
                                   file=where,
                    help=_("give the period of the facts, or load the facts of that period"))
    found.raise_if_any(FactsError)


def _file_order(plan: Plan) -> list[str]:
    return [iid for a in plan.areas.values() for iid in a.indicators]


def _narrow(result: IndicatorResult, plan: Plan, agency: str, rows: Mapping[str, Row],
            as_of: dt.date) -> IndicatorResult:
    """The result with its breakdown replaced by ``agency``'s own result: the same formulas
    over the agency and the agencies below it in the scope."""
    from dataclasses import replace

    ind = result.indicator
    if len(ind.population) == 1 or any(r.kind == "not_measured" for r in result.reasons):
        return replace(result, agencies=())
    scope = set(ind.population)
    members = (agency, *(a for a in plan.descendants(agency) if a in scope))
    own = _unit_result(ind, result.context.scalars, rows, agency, members, result.deadline,
                       as_of)
    return replace(result, agencies=(own,))


def _status(target: Value, deadline: dt.date | None, as_of: dt.date) -> Status:
    if isinstance(target, Unknown):
        return "not_applicable" if target.only_empty and target.reasons else "unknown"
    if target is True:
        return "met"
    if deadline is not None and deadline > as_of:
        return "pending"
    return "not_met"


def _reasons(*values: Value | None) -> tuple[Reason, ...]:
    if not any(type(v) is Unknown for v in values):
        return ()
    out: set[Reason] = set()
    for v in values:
        if isinstance(v, Unknown):
            out |= v.reasons
    return tuple(sorted(out))


def _evaluate_indicator(plan: Plan, ind: Indicator, period: str, base: Mapping[str, Value],
                        rows: Mapping[str, Row], computed: Mapping[str, Value],
                        as_written: bool = False) -> IndicatorResult:
    references = {d: computed[d] for d in ind.depends_on if d in computed}
    scalars: dict[str, Value] = {**base, **references}
    if ind.baseline is not None:
        scalars["baseline"] = ind.baseline
    population = [rows[a] for a in ind.population]
    subject = ind.single_agency or ""
    if subject:
        scalars.update(rows[subject].facts)
    ctx = Context(scalars, population, subject)
    # A fact that is not reported in this period makes the indicator not measured now.
    off = [f for f in ind.facts if period not in plan.facts[f].periods]
    if off:
        unknown = Unknown(frozenset(Reason("not_measured", f) for f in off))
        return IndicatorResult(ind, "not_applicable", unknown, unknown, None, None,
                               tuple(sorted(unknown.reasons)), plan, period,
                               references=references, context=ctx)
    run = _as_written if as_written else _compiled(ind).once
    deadline_value = run(ind.deadline, ctx) if ind.deadline else None
    deadline = deadline_value if isinstance(deadline_value, dt.date) else None
    as_of: dt.date = base["as_of"]  # type: ignore[assignment]
    agencies: tuple[AgencyResult, ...] = ()
    if len(population) > 1:
        agencies = (_breakdown_as_written if as_written else _breakdown)(
            ind, scalars, rows, deadline, as_of)
    status, value, target, applicable = _judge(ind, scalars, population, subject, deadline,
                                               as_of, run)
    reasons = _reasons(target, applicable) if isinstance(target, Unknown) else ()
    return IndicatorResult(ind, status, value, target, deadline, applicable, reasons, plan, period,
                           agencies, references, ctx)


def _as_written(formula: Formula, ctx: Context) -> Value:
    return formula.evaluate(ctx)


def _judge(ind: Indicator, scalars: Mapping[str, Value], population: Sequence[Row],
           subject: str, deadline: dt.date | None, as_of: dt.date,
           run: Callable[[Formula, Context], Value] = _as_written
           ) -> tuple[Status, Value, Value, Value | None]:
    """Status, value, target and applicability of ``ind`` over ``population``: one rule for
    the indicator and for each unit of its breakdown. When applicability is unknown, a target
    that is not met is unknown too (it may not apply). Each formula is evaluated by ``run``
    (as written: :meth:`Formula.evaluate`)."""
    ctx = Context(scalars, population, subject)
    applicable = run(ind.applicable, ctx) if ind.applicable else None
    value = run(ind.value, ctx)
    if applicable is False:
        return "not_applicable", value, Unknown(frozenset()), applicable
    value = _valid_share(ind, value, ctx)
    target = run(ind.target, Context({**scalars, "value": value}, population, subject))
    if isinstance(applicable, Unknown) and target is not True:
        target = Unknown(applicable.reasons | (target.reasons if isinstance(target, Unknown)
                                               else frozenset()))
    return _status(target, deadline, as_of), value, target, applicable


#: The indicator unit that is a share of a population: its value is between 0% and 100%.
SHARE_UNIT = "percent"


def _valid_share(ind: Indicator, value: Value, ctx: Context) -> Value:
    """``value``, or an Unknown with an ``invalid`` reason when ``ind`` is a share of a
    population (unit ``percent``) and ``value`` is below 0% or above 100%: then the facts
    behind it are wrong (a part greater than its whole), and no status can be decided from
    them. The reason names the share and, when the value is a division, its two sides. A rate
    that may leave that range (growth, a cut) has the unit ``rate``, which is not checked."""
    if ind.unit != SHARE_UNIT or isinstance(value, bool) or \
            not isinstance(value, int | Fraction) or 0 <= value <= 1:
        return value
    part: Value | None = None
    whole: Value | None = None
    sides = _compiled(ind).share_sides
    if sides is not None:
        part, whole = (side.evaluate(ctx) for side in sides[:2])
    detail = share_out_of_range(value, part, whole, sides[2] if sides is not None else "")
    return Unknown.of(Reason("invalid", detail=detail))


def _unit_result(ind: Indicator, scalars: Mapping[str, Value], rows: Mapping[str, Row],
                 unit: str, members: tuple[str, ...], deadline: dt.date | None,
                 as_of: dt.date) -> AgencyResult:
    status, value, target, applicable = _judge(ind, scalars, [rows[a] for a in members], unit,
                                               deadline, as_of)
    if type(target) is not Unknown and type(applicable) is not Unknown:
        return AgencyResult(unit, status, value, members[1:])
    missing = tuple(sorted({(r.agency, r.fact) for r in _reasons(target, applicable)
                            if r.kind == "missing"}))
    return AgencyResult(unit, status, value, members[1:], missing)


def _breakdown_as_written(ind: Indicator, scalars: Mapping[str, Value],
                          rows: Mapping[str, Row], deadline: dt.date | None,
                          as_of: dt.date) -> tuple[AgencyResult, ...]:
    """The breakdown of ``ind`` the straightforward way: :func:`_unit_result` for each unit,
    every formula evaluated as written (the reference of :func:`_breakdown`)."""
    return tuple(_unit_result(ind, scalars, rows, unit, members, deadline, as_of)
                 for unit, members in ind.units)


_NO_TARGET: Any = object()
#: How many distinct values of a breakdown a target judges by its reference closures before
#: its generated code is made (:func:`_breakdown`)
_FEW_VALUES = 16


def _breakdown(ind: Indicator, scalars: Mapping[str, Value], rows: Mapping[str, Row],
               deadline: dt.date | None, as_of: dt.date) -> tuple[AgencyResult, ...]:
    """The breakdown of ``ind``: what :func:`_breakdown_as_written` gives (each unit judged
    as :func:`_judge` judges it), for less. It is most of what a report costs: a unit is a few
    sums over a handful of agencies, and the rest was overhead. Each formula's program runs
    over the unit's rows as they are (:meth:`~engine.evaluator.Program.run`: a context is made
    only when the reference answers), and a target that reads nothing but ``value`` and the
    scalars the units share (``value >= 80%``, no aggregate) is evaluated once per distinct
    known value rather than once per unit."""
    value_program = ind.value.program
    applicable_program = ind.applicable.program if ind.applicable is not None else None
    target_program = ind.target.program
    share = ind.unit == SHARE_UNIT
    shared = _compiled(ind).target_reads
    # The target's result depends on the value alone when every other name it reads is one
    # of the scalars (a name that is not would be missing *of the unit's agency*).
    targets: dict[object, Value] | None = None
    if shared is not None and all(scalars.get(n) is not None for n in shared):
        targets = {}
    late: Status = "pending" if deadline is not None and deadline > as_of else "not_met"
    get = rows.__getitem__
    # Program.run, written out in the loop: the generated code, the reference on a hand-over
    value_fast = value_program.fast or _hand_over
    value_fn, value_reads = value_program.fn, value_program.per_agency
    out: list[AgencyResult] = []
    for unit, members in ind.units:
        population = list(map(get, members))
        applicable = None if applicable_program is None else \
            applicable_program.run(scalars, population, unit)
        try:
            value = value_fast(scalars, population)
        except Exception as error:
            if not planned(error, value_reads):
                unplanned(error)
            value = value_fn(Context(scalars, population, unit), None)
        else:
            if type(value) is Fraction and value.denominator == 1:
                value = value.numerator
        if applicable is False:
            out.append(_unit(unit, "not_applicable", value, members[1:], ()))
            continue
        t = type(value)
        if share and (t is int or t is Fraction) and \
                not 0 <= value.numerator <= value.denominator:  # type: ignore[union-attr]
            value = _valid_share(ind, value, Context(scalars, population, unit))
            t = Unknown
        if targets is None:
            target = target_program.run({**scalars, "value": value}, population, unit)
        elif t is Unknown:  # (the generated code hands an unknown value over)
            target = target_program.fn(Context({**scalars, "value": value}, population, unit),
                                       None)
        else:
            key = (value.numerator, value.denominator) if type(value) is Fraction else \
                (t, value)
            target = targets.get(key, _NO_TARGET)
            if target is _NO_TARGET:
                # The first few by the reference (as _Compiled.once: no code made for a handful of
                # values), the others by the generated code (many distinct shares compare
                # faster cross-multiplied than as fractions)
                target = targets[key] = target_program.fn(
                    Context({**scalars, "value": value}, population, unit), None) \
                    if len(targets) < _FEW_VALUES else \
                    target_program.run({**scalars, "value": value}, population, unit)
        if type(applicable) is Unknown:
            if target is not True:
                target = Unknown(applicable.reasons | (target.reasons if type(target) is Unknown
                                                       else frozenset()))
        elif type(target) is not Unknown:
            out.append(_unit(unit, "met" if target is True else late, value, members[1:], ()))
            continue
        status = _status(target, deadline, as_of)
        missing = tuple(sorted({(r.agency, r.fact) for r in _reasons(target, applicable)
                                if r.kind == "missing"}))
        out.append(_unit(unit, status, value, members[1:], missing))
    return tuple(out)


_new_object = object.__new__
_set_agency, _set_status, _set_value, _set_members, _set_missing = (
    getattr(AgencyResult, name).__set__
    for name in ("agency", "status", "value", "members", "missing"))


def _unit(agency: str, status: Status, value: Value, members: tuple[str, ...],
          missing: tuple[tuple[str, str], ...]) -> AgencyResult:
    """``AgencyResult(agency, status, value, members, missing)``, made by setting its slots
    directly: a frozen dataclass's ``__init__`` sets each through ``object.__setattr__``,
    twice the cost, for some seven hundred units a report."""
    unit = _new_object(AgencyResult)
    _set_agency(unit, agency)
    _set_status(unit, status)
    _set_value(unit, value)
    _set_members(unit, members)
    _set_missing(unit, missing)
    return unit


def _hand_over(scalars: Mapping[str, Value], population: Sequence[Row]) -> Value:
    """The generated code of a program that has none: the reference answers."""
    raise Bail


class _Compiled:
    """What the explanation of an indicator evaluates besides its formulas, compiled once per
    indicator (a plan is immutable; reports of many fact sets share it), each part when first
    asked for (a table asks for the rules applied, not for the sums): the aggregates of the
    value formula with their text (:attr:`terms`), the ``coalesce``/``known`` calls of every
    formula (:attr:`treated`), and which facts each agency of the scope owes in a period."""

    __slots__ = ("_aggregated", "_share_sides", "_target_reads", "_terms", "_treated",
                 "coverage", "indicator")

    def __init__(self, ind: Indicator) -> None:
        self.indicator = ind  # keeps the indicator alive while its id is a key
        self._terms: list[tuple[str, Any]] | None = None
        self._treated: list[tuple[int, list[tuple[bool, Any, str]]]] | None = None
        self._target_reads: tuple[str, ...] | bool | None = False  # False: not worked out
        self._share_sides: tuple[Any, Any, str] | bool | None = False
        self.coverage: dict[str, tuple[list[str], dict[str, frozenset[str]]]] = {}
        #: for each of the indicator's own formulas (by its program's id), whether it has an
        #: aggregate (:meth:`once`)
        self._aggregated: dict[int, bool] = {}

    def once(self, formula: Formula, ctx: Context) -> Value:
        """``formula.evaluate(ctx)``, for a formula of the indicator that a report evaluates
        once (its own value, target, applicability, deadline): one without an aggregate is
        answered by its reference closures, the answer its generated code must give, since
        making that code (the source, then compile()) costs some 50 µs and saves less than one
        (issue 17, B6: a run made the code of some eighty such formulas to use each once)."""
        program = formula.program
        aggregated = self._aggregated.get(id(program))
        if aggregated is None:
            from .nodes import Aggregate, walk

            aggregated = self._aggregated[id(program)] = any(
                isinstance(n, Aggregate) for n in walk(program.expr))
        if aggregated:
            return program.evaluate(ctx)
        return program.fn(ctx, None)

    @property
    def share_sides(self) -> tuple[Any, Any, str] | None:
        """When the value formula is a division: the programs of its two sides (the
        reference's, :func:`_valid_share` names them) and its text; None otherwise."""
        if self._share_sides is False:
            from .evaluator import compile_expr
            from .nodes import Binary
            from .printer import to_text

            expr = self.indicator.value.expr
            facts = set(self.indicator.facts)
            self._share_sides = (compile_expr(expr.left, facts, fast=False),
                                 compile_expr(expr.right, facts, fast=False), to_text(expr)) \
                if isinstance(expr, Binary) and expr.op == "/" else None
        return self._share_sides  # type: ignore[return-value]

    @property
    def target_reads(self) -> tuple[str, ...] | None:
        """The names the target reads besides ``value``, or None when it has an aggregate
        (then it reads the population too): see :func:`_breakdown`."""
        if self._target_reads is False:
            from .nodes import Aggregate, Name, walk

            nodes = walk(self.indicator.target.expr)
            self._target_reads = None if any(isinstance(n, Aggregate) for n in nodes) else \
                tuple(sorted({n.name for n in nodes if isinstance(n, Name)} - {"value"}))
        return self._target_reads  # type: ignore[return-value]

    @property
    def terms(self) -> list[tuple[str, Any]]:
        """The aggregates of the value formula (not the formula itself), each with its text
        and its program."""
        if self._terms is None:
            from .evaluator import compile_expr
            from .nodes import Aggregate, walk
            from .printer import to_text

            ind = self.indicator
            facts = set(ind.facts)
            self._terms = [(to_text(node), compile_expr(node, facts))
                           for node in walk(ind.value.expr)
                           if isinstance(node, Aggregate) and node is not ind.value.expr]
        return self._terms

    @property
    def treated(self) -> list[tuple[int, list[tuple[bool, Any, str]]]]:
        """For each formula (value, target, applicability, deadline: by its index) with
        ``coalesce``/``known`` calls, each call: whether it is inside an aggregate (then it is
        evaluated for each agency), its argument's program and its text."""
        if self._treated is None:
            from .evaluator import compile_expr
            from .nodes import Aggregate, Call, walk
            from .printer import to_text

            ind = self.indicator
            self._treated = []
            formulas = [ind.value, ind.target, ind.applicable, ind.deadline]
            for i, formula in enumerate(formulas):
                if formula is None:
                    continue
                expr = formula.expr
                calls = [n for n in walk(expr)
                         if isinstance(n, Call) and n.func in ("coalesce", "known")]
                if not calls:
                    continue
                per_row = {id(n) for agg in walk(expr) if isinstance(agg, Aggregate)
                           for part in (agg.body, agg.filter) if part is not None
                           for n in walk(part)}
                self._treated.append((i, [(id(call) in per_row, compile_expr(call.args[0]),
                                           to_text(call)) for call in calls]))
        return self._treated

    def owed(self, plan: Plan, period: str) -> tuple[list[str], dict[str, frozenset[str]]]:
        """The facts read that are reported in ``period``, and the ones each agency owes."""
        found = self.coverage.get(period)
        if found is None:
            ind = self.indicator
            facts = [f for f in ind.facts if period in plan.facts[f].periods]
            reporters = {f: frozenset(plan.facts[f].reporters) for f in facts}
            if all(reporters[f].issuperset(ind.population) for f in facts):
                # every agency of the scope owes every fact (most indicators): one set
                by_agency = dict.fromkeys(ind.population, frozenset(facts))
            else:
                by_agency = {a: frozenset(f for f in facts if a in reporters[f])
                             for a in ind.population}
            found = self.coverage[period] = (facts, by_agency)
        return found


_COMPILED: dict[int, _Compiled] = {}


def _compiled(ind: Indicator) -> _Compiled:
    found = _COMPILED.get(id(ind))
    if found is None or found.indicator is not ind:
        if len(_COMPILED) > 50_000:  # many plans loaded in one process
            _COMPILED.clear()
        found = _COMPILED[id(ind)] = _Compiled(ind)
    return found


def _terms(ind: Indicator, ctx: Context) -> tuple[tuple[str, Value], ...]:
    """The aggregates of the value formula with their values: the sums behind a ratio."""
    return tuple((text, program.evaluate(ctx)) for text, program in _compiled(ind).terms)


def _treated(ind: Indicator, ctx: Context, value: Value) -> tuple[Treatment, ...]:
    """Every ``coalesce(x, ...)`` and ``known(x)`` of the indicator's formulas whose ``x`` is
    unknown because a fact was not reported: per agency of the scope when the call is inside an
    aggregate, once otherwise."""
    scopes = [ctx.scalars, {**ctx.scalars, "value": value}, ctx.scalars, ctx.scalars]
    out: set[Treatment] = set()
    for i, calls in _compiled(ind).treated:
        scalars = scopes[i]
        for per_row, program, rule in calls:
            if per_row:  # each agency on its own: its facts are the scalars
                results = [program.evaluate(Context(
                    {**scalars, "kind": r.kind, "agency": r.agency, **r.facts}, (r,), r.agency))
                    for r in ctx.population]
            else:
                results = [program.evaluate(Context(scalars, ctx.population, ctx.subject))]
            out.update(Treatment(reason.agency, reason.fact, rule) for v in results
                       if isinstance(v, Unknown) for reason in v.reasons
                       if reason.kind == "missing")
    return tuple(sorted(out))


def _coverage(plan: Plan, ind: Indicator, period: str, population: Iterable[Row]) -> Coverage:
    expected = 0
    reported = 0
    missing: list[str] = []
    facts, by_agency = _compiled(ind).owed(plan, period)
    for row in population:
        owed = by_agency.get(row.agency)
        if owed is None:  # (every agency of a population is in the scope)
            owed = frozenset(f for f in facts if row.agency in plan.facts[f].reporters)
        if not owed:
            continue
        expected += 1
        if owed <= row.facts.keys():
            reported += 1
        else:
            missing.append(row.agency)
    return Coverage(expected, reported, tuple(missing))

