"""The chase list: which agencies have sent the facts of a period, and which have not.

Every quarter the officer who collects the reports sends a fact sheet to every agency that
reports in the period and chases the ones that have not answered. :func:`reporting_status` tells
them apart, from the fact files that have arrived so far:

    status = reporting_status(plan, "facts/q1", period="q1", as_of=datetime.date(2023, 3, 20))
    status.summary      # {"complete": 230, "partial": 8, "missing": 4, "invalid": 1, ...}
    status.to_dict()    # exactly the JSON that `cchc status --format json` prints

For each agency that reports a fact in the period (in the registry's order, grouped by kind and,
for communes, by district: :meth:`ReportingStatus.groups`), an :class:`AgencyStatus` says which
files name it, which of its facts are filled, missing or refused, and its state:

* ``complete``: every fact it reports in the period has a value that passed the checks, and no
  error belongs to it;
* ``missing``: no file gives any of its facts a value (it has not reported: a blank sheet that
  came back counts as not reported);
* ``partial``: anything in between: some facts filled, or a value refused.

After the period's due date (``as_of`` later than it), an agency that is not complete is
``late``. A value that is refused (not a number, a part above its whole, a fact the agency does
not report) does not stop the list, as it stops :func:`engine.facts.load_facts`: the files are
read leniently (:func:`engine.facts.load_arrivals`) and the error is the agency's
(:attr:`AgencyStatus.errors`); the agency is then ``invalid`` too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from .diagnostics import Collector, Diagnostic, FactsError, unique
from .facts import Arrivals, Facts, facts_from_data, load_arrivals
from .files import MAX_FILE_BYTES, PathArg
from .i18n import _
from .messages import show
from .model import AGENCY_KINDS, Plan
from .report import check_arguments, heading

State = Literal["complete", "partial", "missing"]
#: The states of an agency, in the order they are counted.
STATES: tuple[State, ...] = ("complete", "partial", "missing")
#: What ``--fail-on`` can name: a state other than complete, or a flag.
CONDITIONS: tuple[str, ...] = ("missing", "partial", "invalid", "late")

#: Where a diagnostic about an argument of :func:`reporting_status` points.
CALL_LABELS: Mapping[str, str] = {name: f"reporting_status({name}=)" for name in
                                  ("period", "as_of", "facts")}


@dataclass(frozen=True, slots=True)
class AgencyStatus:
    """Where one agency stands for the period: its facts due, filled, missing and refused."""

    agency: str
    kind: str
    #: for a commune, the agency above it (its district); None for any other kind
    district: str | None
    state: State
    #: the facts it reports in the period, in the catalogue's order
    due: tuple[str, ...]
    #: those with a value that passed every check
    filled: tuple[str, ...]
    #: those given no value
    missing: tuple[str, ...]
    #: those whose value was refused
    invalid: tuple[str, ...]
    #: every error that belongs to it: at its values, or of a file that names it
    errors: tuple[Diagnostic, ...]
    #: the files that name it, in name order: where its sheet arrived
    files: tuple[str, ...]
    #: not complete, and the period's due date has passed
    late: bool

    @property
    def arrived(self) -> bool:
        """Whether a file names it (its sheet came back, filled or not)."""
        return bool(self.files)

    @property
    def is_invalid(self) -> bool:
        """Whether an error belongs to it (a value refused, a file of another period)."""
        return bool(self.errors)

    def has(self, condition: str) -> bool:
        """Whether it is in ``condition``: a state, ``invalid`` or ``late``."""
        if condition == "invalid":
            return self.is_invalid
        if condition == "late":
            return self.late
        return self.state == condition

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "kind": self.kind, "district": self.district,
                "state": self.state, "files": list(self.files), "due": len(self.due),
                "filled": len(self.filled), "missing": list(self.missing),
                "invalid": list(self.invalid), "late": self.late,
                "errors": [d.to_dict() for d in self.errors]}


@dataclass(frozen=True)
class Group:
    """Agencies shown together: of one ``kind`` and, for communes, one ``district``."""

    kind: str
    district: str | None
    agencies: tuple[AgencyStatus, ...]


@dataclass(frozen=True)
class ReportingStatus:
    """Who has reported the facts of ``period``, as of ``as_of``: the chase list."""

    plan: Plan = field(repr=False)
    period: str
    as_of: dt.date
    #: every agency that reports a fact in the period, in the registry's order
    agencies: tuple[AgencyStatus, ...]
    #: the fact files read, in the order read
    files: tuple[str, ...] = ()
    #: the errors that belong to no agency of the list (an unknown agency, a file that cannot
    #: be read or that names no agency, facts of an agency that reports none in the period)
    problems: tuple[Diagnostic, ...] = ()
    #: the entries of a folder that were not read (``W680``-``W684``)
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def due(self) -> dt.date:
        """The date the period's facts are due."""
        return self.plan.periods[self.period].due

    @property
    def days_late(self) -> int:
        """How many days ``as_of`` is past the due date (0 when it is not)."""
        return max(0, (self.as_of - self.due).days)

    @property
    def summary(self) -> dict[str, int]:
        """How many agencies are in each state and flag, and in all."""
        counts = {c: 0 for c in (*STATES, "invalid", "late")}
        for a in self.agencies:
            counts[a.state] += 1
            counts["invalid"] += a.is_invalid
            counts["late"] += a.late
        return {**counts, "total": len(self.agencies)}

    def having(self, condition: str) -> tuple[AgencyStatus, ...]:
        """The agencies in ``condition`` (a state, ``invalid`` or ``late``)."""
        return tuple(a for a in self.agencies if a.has(condition))

    def agency(self, agency: str) -> AgencyStatus:
        """The status of ``agency``; KeyError when it reports nothing in the period."""
        for a in self.agencies:
            if a.agency == agency:
                return a
        raise KeyError(agency)

    def groups(self) -> tuple[Group, ...]:
        """The agencies grouped as an officer chases them: by kind (province, departments,
        sector agencies, centres, districts, communes, other units), communes by district."""
        order = {k: i for i, k in enumerate(AGENCY_KINDS)}
        keys: dict[tuple[str, str | None], list[AgencyStatus]] = {}
        for a in self.agencies:
            keys.setdefault((a.kind, a.district), []).append(a)
        position = {a: i for i, a in enumerate(self.plan.agencies)}
        ranked = sorted(keys.items(), key=lambda kv: (
            order.get(kv[0][0], len(order)), position.get(kv[0][1] or "", -1)))
        return tuple(Group(k, d, tuple(rows)) for (k, d), rows in ranked)

    def to_dict(self) -> dict[str, Any]:
        due = {f for a in self.agencies for f in a.due}
        return {
            **heading(self.plan, self.period, self.as_of),
            "days_late": self.days_late,
            "summary": self.summary,
            "files": list(self.files),
            "agencies": [{**a.to_dict(), "name": self.plan.agencies[a.agency].name.to_dict()}
                         for a in self.agencies],
            "facts": {f: {"label": fdef.label.to_dict(), "type": fdef.type, "unit": fdef.unit}
                      for f, fdef in self.plan.facts.items() if f in due},
            "problems": [d.to_dict() for d in self.problems],
            "warnings": [d.to_dict() for d in self.warnings],
        }


def due_facts(plan: Plan, period: str) -> dict[str, tuple[str, ...]]:
    """Every agency that reports a fact in ``period``, in the registry's order, with those facts
    in the catalogue's order."""
    out: dict[str, list[str]] = {}
    for fid, fdef in plan.facts.items():
        if period in fdef.periods:
            for a in fdef.reporters:
                out.setdefault(a, []).append(fid)
    return {a: tuple(out[a]) for a in plan.agencies if a in out}


def reporting_status(plan: Plan, facts: Facts | Mapping[str, Any] | PathArg | Iterable[PathArg],
                     *, period: str, as_of: dt.date | None = None,
                     max_file_bytes: int = MAX_FILE_BYTES) -> ReportingStatus:
    """Who has reported the facts of ``period`` (the chase list), as of ``as_of`` (default:
    today, the day the list is drawn up).

    ``facts`` is a fact file or folder, or a list of them, read leniently: a value that is
    refused is an error of its agency, not of the call (:func:`engine.facts.load_arrivals`); or
    facts already loaded (a :class:`~engine.facts.Facts`, or a mapping checked as
    :func:`engine.facts.facts_from_data` checks it). Raises
    :class:`~engine.diagnostics.ArgumentError` for a period that the plan does not have or an
    ``as_of`` that is not a date, and :class:`~engine.diagnostics.FactsError` for a path that
    does not exist, facts in memory that are invalid, or a ``Facts`` of another plan or period.

        >>> from engine.loader import load_plan
        >>> plan = load_plan("tests/data/status/plan.yaml")
        >>> status = reporting_status(plan, "tests/data/status/q1", period="q1",
        ...                           as_of=dt.date(2023, 3, 20))
        >>> status.summary
        {'complete': 3, 'partial': 3, 'missing': 3, 'invalid': 1, 'late': 6, 'total': 9}
        >>> status.agency("stp").missing
        ('on_time',)
    """
    check_arguments(plan, period=period, as_of=as_of, labels=CALL_LABELS)
    when = as_of if as_of is not None else dt.date.today()
    if isinstance(facts, Facts | Mapping):
        arrivals = _arrivals(plan, facts, period)
    else:
        arrivals = load_arrivals(plan, facts, period, max_file_bytes=max_file_bytes)
    late = when > plan.periods[period].due
    rows: list[AgencyStatus] = []
    listed = due_facts(plan, period)
    for agency, due in listed.items():
        reported = arrivals.facts.for_agency(agency)
        invalid = tuple(f for f in due if (agency, f) in arrivals.refused)
        filled = tuple(f for f in due if f in reported and f not in invalid)
        missing = tuple(f for f in due if f not in filled and f not in invalid)
        errors = arrivals.errors.get(agency, ())
        if len(filled) == len(due) and not errors:
            state: State = "complete"
        elif not any((agency, f) in arrivals.written for f in due):
            state = "missing"
        else:
            state = "partial"
        a = plan.agencies[agency]
        rows.append(AgencyStatus(
            agency, a.kind, a.parent if a.kind == "commune" else None, state, due, filled,
            missing, invalid, errors, arrivals.named.get(agency, ()),
            late and state != "complete"))
    others = [d for a, ds in arrivals.errors.items() if a not in listed for d in ds]
    return ReportingStatus(plan, period, when, tuple(rows), arrivals.facts.files,
                           tuple(unique([*arrivals.problems, *others])),
                           arrivals.facts.warnings)


def _arrivals(plan: Plan, facts: Facts | Mapping[str, Any], period: str) -> Arrivals:
    """Facts already loaded (or given in memory) as :class:`Arrivals`: nothing refused; an
    agency arrived in the files its values came from."""
    if isinstance(facts, Facts):
        found = Collector()
        where = CALL_LABELS["facts"]
        if facts.plan != plan.id:
            found.error("E613", _("these facts are for plan {plan}, not '{plan2}'").format(
                                    plan=show(facts.plan), plan2=plan.id), file=where,
                        help=_("load the facts with this plan: engine.load_facts(plan, paths)"))
        if facts.period != period:
            found.error("E622", _("these facts are for period {period}, but the period given is "
                                   "'{period2}'").format(period=show(facts.period), period2=period),
                                       file=where,
                        help=_("give the period of the facts, or load the facts of that period"))
        found.raise_if_any(FactsError)
    else:
        facts = facts_from_data(plan, facts, period=period, name="facts")
    named: dict[str, set[str]] = {}
    for (agency, _unused), span in facts.origins.items():
        named.setdefault(agency, set()).add(span.begin.file)
    return Arrivals(facts, MappingProxyType({a: tuple(sorted(n)) for a, n in named.items()}),
                    frozenset((a, f) for a, f, _ in facts.items()), frozenset(),
                    MappingProxyType({}), ())
