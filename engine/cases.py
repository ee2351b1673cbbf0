"""Plan test cases: the behaviour officers expect of a plan, pinned in YAML next to it.

A case file is a list of cases, in the manner of OpenFisca's YAML tests::

    - name: exactly 99% on time is not met ("trên 99%")
      period: q1
      as_of: 2023-03-14            # optional; default: the period's due date
      plan: ../../2023.yaml        # optional; default: the plan given to `cchc test`
      defaults:                    # optional: a value for every agency that reports the fact
        dossiers_received: 100
        dossiers_on_time: 99
      facts:                       # values written as in fact files
        snv: {dossiers_on_time: 100}
        tp_son_la_chieng_le: {dossiers_received: ~}   # empty: not reported (no default either)
      expect:
        procedures.on_time: not_met
        procedures.tracked_online: {status: unknown}
        public_finance.investment_disbursement: {status: met, value: 90%}

``facts`` maps agency ids to ``{fact: value}``; values are read exactly as in fact files (counts,
``95%``, dates, ``true``/``false``, categories) and checked against the plan's catalogue: the
agency must report the fact, in the case's period. ``defaults`` gives a value to every agency
that reports the fact and has no value of its own in ``facts`` (an empty value there means "not
reported" and takes no default), so a case over the 236 receiving agencies stays short.

``expect`` maps indicator ids to a status (``met``, ``not_met``, ``pending``, ``unknown``,
``not_applicable``) or to ``{status: ..., value: ...}`` (either or both). An expected value is
compared exactly with the computed one: ``99%``, ``0.99`` and ``99/100`` are the same number;
``true``, ``2023-01-10`` and a category (``B`` or ``"B"``) are read by the type of the
indicator's value.

Problems are :class:`~engine.diagnostics.Diagnostic` located at file, line and column, raised
together as :class:`CaseError`. Codes: ``E700`` a path that is not a case file, ``E701``-``E705``
YAML, ``E706`` not UTF-8, ``E710`` wrong shape, ``E711`` unknown key, ``E712`` missing key,
``E713`` nothing to check, ``E714`` two cases with one name, ``E715`` no plan or an unreadable
one, ``E716`` an as-of that is not a date, ``E717`` a ``plan:`` outside the root folder,
``E720`` unknown indicator, ``E721`` unknown status, ``E722`` an expected value that is not a
value of the indicator's type. Periods, agencies, facts and values share their codes with fact
files (``E620``, ``E630``-``E633``, ``E640``-``E649``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import messages
from .builtins import BOOL, DATE, NUMBER, TEXT, Type
from .checker import Symbols
from .diagnostics import Collector, Diagnostic, EngineError, did_you_mean
from .fact_files import Entry, Place, is_null
from .facts import Facts, check_agencies, check_entries
from .files import (
    CASE_FILES,
    MAX_FILE_BYTES,
    PathArg,
    common_folder,
    display_name,
    expand,
    nfc,
    read,
    within,
)
from .i18n import _
from .language import compile_formula
from .model import Indicator, Plan
from .render import render_explain
from .report import STATUSES, Report, Status, evaluate
from .source import Span
from .values import Known, Unknown, Value, json_value, type_of
from .yamlsrc import YMap, YNode, YScalar, YSeq, read_yaml, scalar_source

__all__ = [
    "CASE_KEYS",
    "Case",
    "CaseError",
    "CaseResult",
    "Check",
    "Expectation",
    "load_cases",
    "run_case",
    "run_cases",
]

#: Keys of a case, in the order the documentation gives them.
CASE_KEYS = ("name", "period", "as_of", "plan", "defaults", "facts", "expect", "notes")
REQUIRED_KEYS = ("name", "period", "expect")
EXPECT_KEYS = ("status", "value")
#: Most agencies whose inputs are listed in the explanation of a failure.
MAX_INPUTS = 10


class CaseError(EngineError):
    """A case file is invalid, or does not match its plan."""


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """What one indicator must give: a status, a value, or both (None: not checked)."""

    indicator: str
    status: Status | None
    value: Known | None = None
    #: the expected value as written in the case file
    value_text: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Case:
    """One case, checked against its plan and ready to run."""

    name: str
    file: str
    line: int
    plan: Plan = field(repr=False)
    period: str
    as_of: dt.date
    facts: Mapping[str, Mapping[str, Known]]
    expect: tuple[Expectation, ...]
    #: where each fact value was written (the value itself, or its default), for explanations
    origins: Mapping[tuple[str, str], str] = field(default_factory=dict, compare=False,
                                                   repr=False)
    #: the (agency, fact) pairs written in ``facts`` (the others come from ``defaults``)
    explicit: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False,
                                                 repr=False)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Check:
    """One expectation against the result."""

    expectation: Expectation
    status: Status
    value: Value

    @property
    def status_ok(self) -> bool:
        return self.expectation.status is None or self.expectation.status == self.status

    @property
    def value_ok(self) -> bool:
        want = self.expectation.value
        return want is None or same_value(want, self.value)

    @property
    def passed(self) -> bool:
        return self.status_ok and self.value_ok


@dataclass(frozen=True)
class CaseResult:
    case: Case
    checks: tuple[Check, ...]
    report: Report = field(repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def explanation(self, indicator: str, lang: str = "vi") -> str:
        """How the indicator's result was derived (``cchc explain``'s text). Over a large scope
        only the inputs of agencies the case names in ``facts`` are listed (at most
        :data:`MAX_INPUTS`), with a line counting the others."""
        result = self.report.result(indicator)
        inputs = result.inputs
        origins = self.case.origins
        hidden: frozenset[str] = frozenset()
        why = ""
        if len(inputs) > MAX_INPUTS:
            named = {a for a, _ in self.case.explicit}
            keep = [a for a in inputs if a in named][:MAX_INPUTS]
            hidden = frozenset(inputs) - set(keep)
            why = "" if hidden & named else " (all with the case's defaults)"
        return render_explain(result, lang, where=lambda agency, fact: origins.get((agency, fact)),
                              hidden_agencies=hidden, hidden_why=why)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.case.name,
            "file": self.case.file,
            "line": self.case.line,
            "period": self.case.period,
            "as_of": self.case.as_of.isoformat(),
            "passed": self.passed,
            "checks": [{
                "indicator": c.expectation.indicator,
                "passed": c.passed,
                "expected": {"status": c.expectation.status,
                             "value": json_value(c.expectation.value)
                             if c.expectation.value is not None else None},
                "actual": {"status": c.status, "value": json_value(c.value)},
            } for c in self.checks],
        }


def same_value(expected: Known, actual: Value) -> bool:
    """Exact equality of values of the same type (``True`` is not ``1``)."""
    if isinstance(actual, Unknown):
        return False
    return type_of(expected) == type_of(actual) and expected == actual


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, plan: Plan | None, root: Path, limit: int) -> None:
        self.collector = Collector()
        self.given = plan
        self.root = root
        self.limit = limit
        self.plans: dict[Path, Plan | None] = {}
        if plan is not None and plan.path:
            self.plans[Path(plan.path).resolve()] = plan

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              file: str | None = None) -> None:
        self.collector.error(code, message, span, help, file=file)

    # -- files ---------------------------------------------------------------------------------
    def file(self, path: Path) -> list[Case]:
        name = display_name(path)
        text = read(path, CASE_FILES, self.collector, name, limit=self.limit)
        if text is None:
            return []
        tree, diags = read_yaml(text, name, "E70")
        self.collector.extend(diags)
        if tree is None:
            return []
        if not isinstance(tree, YSeq):
            self.error("E710", _("a case file is a list of cases"), tree.span,
                       help=_("start each case with '- name: ...' (see docs/adopting.md)"))
            return []
        if not tree.items:
            self.error("E713", _("this file holds no cases"), tree.span,
                       help=_("add cases: '- name: ...' with period, facts and expect"))
            return []
        cases: list[Case] = []
        names: dict[str, Span] = {}
        for node in tree.items:
            case = self.case(node, path, names)
            if case is not None:
                cases.append(case)
        return cases

    # -- one case ------------------------------------------------------------------------------
    def case(self, node: YNode, path: Path, names: dict[str, Span]) -> Case | None:
        if not isinstance(node, YMap):
            self.error("E710", _("a case is a mapping with name, period, facts and expect"),
                       node.span, help=_("write the case's keys on indented lines under '- '"))
            return None
        before = len(self.collector.diagnostics)
        for key, (kscalar, _unused) in node.items.items():
            if key not in CASE_KEYS:
                self.error("E711", _("unknown key '{key}' in a case").format(key=key), kscalar.span,
                           help=did_you_mean(key, CASE_KEYS) or
                           _("a case has the keys {CASE_KEYS}").format(
                               CASE_KEYS=', '.join(CASE_KEYS)))
        for key in REQUIRED_KEYS:
            if node.get(key) is None:
                self.error("E712", _("this case has no '{key}'").format(key=key), _head(node),
                           help={"name": "add 'name: <what the case shows>'",
                                 "period": "add 'period: <id>', e.g. period: q1",
                                 "expect": "add 'expect:' with '<indicator id>: <status>'"}[key])
        name = self.text(node.get("name"), "name")
        if name is not None:
            name_node = node.get("name")
            assert name_node is not None
            if name in names:
                first = names[name].begin
                self.error("E714", _("two cases are named '{name}'").format(name=name),
                    name_node.span,
                           help=_("the other is at line {line}; give each case its own "
                                  "name").format(
                                    line=first.line))
            else:
                names[name] = name_node.span
        plan = self.plan_of(node, path)
        if plan is None:  # nothing more can be checked
            return None
        period = self.period(node.get("period"), plan)
        as_of = self.as_of(node.get("as_of"), plan, period)
        facts, origins, explicit = self.facts(node, plan, period)
        expect = self.expect(node.get("expect"), plan)
        if len(self.collector.diagnostics) > before or name is None or period is None \
                or as_of is None:
            return None
        return Case(name, display_name(path), node.span.begin.line, plan, period, as_of,
                    facts, expect, MappingProxyType(origins), frozenset(explicit))

    def text(self, node: YNode | None, key: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar) or is_null(node) or not node.text.strip():
            self.error("E710", _("'{key}' must be a text").format(key=key), node.span)
            return None
        return nfc(node.text.strip())

    def plan_of(self, node: YMap, path: Path) -> Plan | None:
        pnode = node.get("plan")
        if pnode is None:
            if self.given is None:
                self.error("E715", _("this case names no plan, and none was given"), _head(node),
                           help=_("add 'plan: <path of the plan file>' (relative to this file), "
                                   "or give the plan: cchc test PLAN CASES"))
            return self.given
        rel = self.text(pnode, "plan")
        if rel is None:
            return None
        if not within(path.parent / rel, self.root):
            self.collector.add(messages.outside_root(
                "E717", rel, display_name(self.root), pnode.span,
                default=_("by default, the deepest folder that holds the plan and the cases "
                           "given"), call="load_cases"))
            return None
        target = (path.parent / rel).resolve()
        if target in self.plans:
            return self.plans[target]
        plan: Plan | None = None
        if not target.is_file():
            self.error("E715", _("there is no plan file '{rel}'").format(rel=rel), pnode.span,
                       help=_("the path is relative to the case file: {display_name} does not "
                               "exist").format(display_name=display_name(target)))
        else:
            from .loader import load_named_plan

            try:
                plan = load_named_plan(target, pnode.span, root=self.root,
                                       max_file_bytes=self.limit)
            except EngineError as e:
                self.collector.extend(e.diagnostics)
        self.plans[target] = plan
        return plan

    def period(self, node: YNode | None, plan: Plan) -> str | None:
        text = self.text(node, "period")
        if text is None or node is None:
            return None
        if text not in plan.periods:
            self.collector.add(messages.unknown_period(plan, text, node.span))
            return None
        return text

    def as_of(self, node: YNode | None, plan: Plan, period: str | None) -> dt.date | None:
        if node is None:
            return plan.periods[period].due if period is not None else None
        text = self.text(node, "as_of")
        if text is None:
            return None
        try:
            if len(text) != 10:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error("E716", _("'{text}' is not a date").format(text=text), node.span,
                       help=_("write the date as YYYY-MM-DD, e.g. 2023-12-14"))
            return None

    # -- facts ---------------------------------------------------------------------------------
    def facts(self, node: YMap, plan: Plan, period: str | None
              ) -> tuple[dict[str, dict[str, Known]], dict[tuple[str, str], str],
                         set[tuple[str, str]]]:
        """The case's facts and defaults, checked as fact files are (:func:`check_entries`):
        the values, where each was written, and the (agency, fact) pairs of ``facts``."""
        entries: list[Entry] = []
        bare: list[tuple[str, Place]] = []
        facts_node = node.get("facts")
        if facts_node is not None and not is_null(facts_node):
            if not isinstance(facts_node, YMap):
                self.error("E710", _("'facts' maps agency ids to their facts"), facts_node.span,
                           help=_("write 'facts:' then '  <agency>: {<fact>: <value>}'"))
            else:
                for agency, (akey, anode) in facts_node.items.items():
                    if is_null(anode):
                        bare.append((agency, Place(akey.span)))
                    elif not isinstance(anode, YMap):
                        self.error("E710",
                            _("the facts of '{agency}' map fact ids to values").format(
                                               agency=agency),
                                   anode.span, help=
                                       _("write '{<fact>: <value>}' or '<fact>: <value>' on "
                                          "indented lines"))
                    else:
                        entries.extend(self.entries(agency, Place(akey.span), anode))
        defaults = node.get("defaults")
        if defaults is not None and not is_null(defaults):
            if not isinstance(defaults, YMap):
                self.error("E710", _("'defaults' maps fact ids to a value"), defaults.span,
                           help=_("write 'defaults:' then '  <fact>: <value>'"))
            else:
                entries.extend(self.entries(None, Place(defaults.span), defaults))
        check_agencies(plan, bare, self.collector)
        checked = check_entries(plan, entries, period, self.collector)
        values: dict[str, dict[str, Known]] = {}
        origins: dict[tuple[str, str], str] = {}
        explicit: set[tuple[str, str]] = {(c.agency, c.fact) for c in checked
                                          if c.agency is not None}
        for c in checked:
            agencies = (c.agency,) if c.agency is not None else tuple(
                a for a in plan.facts[c.fact].reporters if (a, c.fact) not in explicit)
            if c.value is not None:
                for agency in agencies:
                    values.setdefault(agency, {})[c.fact] = c.value
                    origins[(agency, c.fact)] = c.at.where
        ordered = {a: {f: values[a][f] for f in plan.facts if f in values[a]}
                   for a in plan.agencies if values.get(a)}
        return ordered, origins, explicit

    def entries(self, agency: str | None, at: Place, node: YMap) -> list[Entry]:
        """The ``fact: value`` entries of one agency (None: the defaults)."""
        out: list[Entry] = []
        for fact, (fkey, vnode) in node.items.items():
            if not isinstance(vnode, YScalar):
                self.error("E710", _("the value of '{fact}' must be a single value").format(
                                       fact=fact), vnode.span,
                           help=_("write one value after the colon"))
                continue
            out.append(Entry(agency, at, fact, Place(fkey.span),
                             None if is_null(vnode) else vnode.text, Place(vnode.span)))
        return out

    # -- expectations --------------------------------------------------------------------------
    def expect(self, node: YNode | None, plan: Plan) -> tuple[Expectation, ...]:
        if node is None:
            return ()
        if not isinstance(node, YMap):
            self.error("E710", _("'expect' maps indicator ids to their expected status"),
                       node.span, help=_("write 'expect:' then '  <indicator id>: met'"))
            return ()
        if not node.items:
            self.error("E713", _("this case expects nothing, so it cannot fail"), node.span,
                       help=_("add '<indicator id>: <status>' under 'expect'"))
            return ()
        out: list[Expectation] = []
        for iid, (key, value) in node.items.items():
            ind = plan.indicators.get(iid)
            if ind is None:
                self.error("E720", _("unknown indicator '{iid}'").format(iid=iid), key.span,
                           help=did_you_mean(iid, plan.indicators) or
                           _("indicator ids are '<area>.<indicator>', e.g. procedures.on_time"))
                continue
            expectation = self.expectation(ind, key, value)
            if expectation is not None:
                out.append(expectation)
        return tuple(out)

    def expectation(self, ind: Indicator, key: YScalar, node: YNode) -> Expectation | None:
        if isinstance(node, YScalar):
            word = self.status(node)
            return Expectation(ind.id, word, span=key.span) if word else None
        if not isinstance(node, YMap):
            self.error("E710", _("the expectation of '{ind}' is a status or {{status: ..., "
                                  "value: ...}}").format(ind=ind.id), node.span)
            return None
        bad = False
        for k, (kscalar, _unused) in node.items.items():
            if k not in EXPECT_KEYS:
                self.error("E711", _("unknown key '{k}' in an expectation").format(k=k),
                    kscalar.span,
                           help=did_you_mean(k, EXPECT_KEYS) or
                           _("an expectation has the keys status and value"))
                bad = True
        snode, vnode = node.get("status"), node.get("value")
        if snode is None and vnode is None:
            self.error("E713", _("the expectation of '{ind}' checks nothing").format(ind=ind.id),
                node.span,
                       help=_("give a status, a value, or both"))
            return None
        status: Status | None = None
        if snode is not None:
            if not isinstance(snode, YScalar):
                self.error("E721", _("a status is one word"), snode.span,
                           help=_("one of {STATUSES}").format(STATUSES=', '.join(STATUSES)))
                bad = True
            else:
                status = self.status(snode)
                bad = bad or status is None
        value: Known | None = None
        text: str | None = None
        if vnode is not None:
            value = self.expected_value(ind, vnode)
            bad = bad or value is None
            text = vnode.text if isinstance(vnode, YScalar) else None
        if bad:
            return None
        return Expectation(ind.id, status, value, text, key.span)

    def status(self, node: YScalar) -> Status | None:
        word = node.text.strip()
        for s in STATUSES:
            if s == word:
                return s
        self.error("E721", _("unknown status '{word}'").format(word=word), node.span,
                   help=did_you_mean(word.replace(" ", "_"), STATUSES)
                   or _("a status is one of {STATUSES}").format(STATUSES=', '.join(STATUSES)))
        return None

    def expected_value(self, ind: Indicator, node: YNode) -> Known | None:
        want = ind.value.type
        if not isinstance(node, YScalar) or is_null(node):
            self.error("E722", _("an expected value is a single value"), node.span,
                       help=_value_help(want))
            return None
        text = node.text.strip()
        if want == TEXT and not text.startswith('"'):
            return nfc(text)
        source = scalar_source(node, node.span.source.name)
        try:
            value = compile_formula(node.text, Symbols({}), source).evaluate()
        except EngineError as e:
            self.collector.extend(Diagnostic("E722",
                _("'{text}' is not a value: {message}").format(text=text, message=d.message),
                                          d.span, _value_help(want)) for d in e.diagnostics)
            return None
        got = type_of(value)
        if isinstance(value, Unknown) or got != want.value:
            self.error("E722", _("'{ind}' has a {want} value, but '{text}' is {value}").format(
                                   ind=ind.id, want=want, text=text,
                                       value=_("unknown") if isinstance(value, Unknown)
                                   else _("a {type}").format(type=got)), node.span,
                       help=_value_help(want))
            return None
        return value


def _value_help(want: Type) -> str:
    return {
        NUMBER: "write a number: 99%, 0.99, 1200 or 2/3",
        BOOL: "write true or false",
        DATE: "write a date: 2023-01-10",
        TEXT: "write the category, e.g. B",
    }.get(want, "write a value")


def _head(node: YMap) -> Span:
    """The first key of a mapping: where a missing key is reported."""
    for key, _unused in node.items.values():
        return key.span
    return node.span


def load_cases(paths: PathArg | Iterable[PathArg], plan: Plan | None = None, *,
               root: PathArg | None = None,
               max_file_bytes: int = MAX_FILE_BYTES) -> tuple[Case, ...]:
    """Read and check case files (a directory means every ``*.yaml``/``*.yml`` in it, at any
    depth, in name order). ``plan`` is used by the cases that do not name their own.

    A case's ``plan:`` (and the files that plan includes or extends) must lie inside ``root``:
    by default the deepest folder that holds ``paths`` and, when ``plan`` was loaded from a
    file, that file. Each file is read up to ``max_file_bytes`` bytes.

    Raises :class:`CaseError` carrying every problem of every file.
    """
    if root is None:
        named = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        paths = named
        if plan is not None and plan.path and Path(plan.path).is_file():
            named = [*named, Path(plan.path)]
        root = common_folder(named) or Path.cwd()
    loader = _Loader(plan, Path(root), max_file_bytes)
    cases: list[Case] = []
    for path in expand(paths, CASE_FILES, loader.collector):
        cases.extend(loader.file(path))
    loader.collector.raise_if_any(CaseError)
    return tuple(cases)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


def _only(plan: Plan, indicators: Iterable[str]) -> Plan:
    """The plan with only ``indicators`` and those they reference: a case evaluates what it
    checks, not the whole plan (results do not depend on the indicators left out)."""
    need: set[str] = set()
    todo = list(indicators)
    while todo:
        iid = todo.pop()
        if iid not in need:
            need.add(iid)
            todo.extend(plan.indicators[iid].depends_on)
    if len(need) == len(plan.indicators):
        return plan
    return replace(
        plan,
        indicators=MappingProxyType({i: d for i, d in plan.indicators.items() if i in need}),
        areas=MappingProxyType({a: replace(area, indicators=tuple(i for i in area.indicators
                                                                  if i in need))
                                for a, area in plan.areas.items()}))


def run_case(case: Case) -> CaseResult:
    """Evaluate the case's facts and compare every expectation with the result."""
    facts = Facts(case.plan.id, case.period, case.facts)
    plan = _only(case.plan, (e.indicator for e in case.expect))
    report = evaluate(plan, facts, period=case.period, as_of=case.as_of)
    checks = []
    for e in case.expect:
        r = report.result(e.indicator)
        checks.append(Check(e, r.status, r.value))
    return CaseResult(case, tuple(checks), report)


def run_cases(cases: Iterable[Case]) -> tuple[CaseResult, ...]:
    return tuple(run_case(c) for c in cases)
