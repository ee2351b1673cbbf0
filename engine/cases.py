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
        tp_son_la_p_01: {dossiers_received: ~}   # empty: not reported (no default either)
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
one, ``E716`` an as-of that is not a date, ``E720`` unknown indicator, ``E721`` unknown status,
``E722`` an expected value that is not a value of the indicator's type. Periods, agencies, facts
and values share their codes with fact files (``E620``, ``E630``-``E633``, ``E640``-``E649``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias, cast

from .builtins import BOOL, DATE, NUMBER, TEXT, Type
from .checker import Symbols
from .diagnostics import Diagnostic, EngineError, did_you_mean, sort_key
from .fact_values import Problem, read_value
from .files import CASE_FILES, Unreadable, read_text
from .language import compile_formula
from .messages import unreadable
from .model import Indicator, Plan
from .render import display_value, render_explain
from .report import STATUSES, IndicatorResult, Report, SimpleFacts, Status, evaluate
from .source import Span
from .values import Known, Unknown, Value, format_value, json_value, type_of
from .yamlsrc import YMap, YNode, YScalar, YSeq, read_yaml, scalar_source

__all__ = [
    "CASE_KEYS",
    "Case",
    "CaseError",
    "CaseResult",
    "Check",
    "Expectation",
    "load_cases",
    "render_results",
    "render_results_json",
    "results_to_dict",
    "run_case",
    "run_cases",
]

PathArg: TypeAlias = "str | os.PathLike[str]"

#: Keys of a case, in the order the documentation gives them.
CASE_KEYS = ("name", "period", "as_of", "plan", "defaults", "facts", "expect", "notes")
REQUIRED_KEYS = ("name", "period", "expect")
EXPECT_KEYS = ("status", "value")
#: File name endings read as case files when a directory is given (searched recursively).
CASE_SUFFIXES = (".yaml", ".yml")
#: Most agencies whose inputs are listed in the explanation of a failure.
MAX_INPUTS = 10


class CaseError(EngineError):
    """A case file is invalid, or does not match its plan."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def display_name(path: Path) -> str:
    """A path relative to the working directory when inside it (as in every diagnostic)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        hidden: list[str] = []
        shown: IndicatorResult = result
        if len(inputs) > MAX_INPUTS:
            named = {a for a, _ in self.case.explicit}
            keep = [a for a in inputs if a in named][:MAX_INPUTS]
            hidden = [a for a in inputs if a not in keep]
            shown = cast(IndicatorResult, _Narrowed(result, {a: inputs[a] for a in keep}))
        origins = self.case.origins
        text = render_explain(shown, lang,
                              where=lambda agency, fact: origins.get((agency, fact)))
        if not hidden:
            return text
        defaults_only = not any(a in {x for x, _ in self.case.explicit} for a in hidden)
        what = " (all with the case's defaults)" if defaults_only else ""
        note = (f"    … and {len(hidden)} more agencies{what}" if shown.inputs else
                f"  inputs: {len(hidden)} agencies{what}, not listed")
        lines = text.rstrip("\n").split("\n")
        at = next((i for i, line in enumerate(lines) if line == "  breakdown:"), len(lines))
        lines.insert(at, note)
        return "\n".join(lines) + "\n"

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


class _Narrowed:
    """A result seen with the inputs of some of its agencies only (for explanations)."""

    def __init__(self, result: IndicatorResult,
                 inputs: Mapping[str, Mapping[str, Value]]) -> None:
        self._result = result
        self.inputs = inputs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


def same_value(expected: Known, actual: Value) -> bool:
    """Exact equality of values of the same type (``True`` is not ``1``)."""
    if isinstance(actual, Unknown):
        return False
    return type_of(expected) == type_of(actual) and expected == actual


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def _expand(paths: PathArg | Iterable[PathArg], errors: list[Diagnostic]) -> list[Path]:
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not given:
        errors.append(Diagnostic("E700", "no case files given", file="<cases>",
                                 help="give case files or a directory of them"))
    files: list[Path] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and p.name.lower().endswith(CASE_SUFFIXES)
                           and not any(part.startswith(".") for part in
                                       p.relative_to(path).parts))
            if not found:
                errors.append(Diagnostic("E700", "this directory holds no case files",
                                         file=display_name(path),
                                         help="case files end in .yaml or .yml"))
            files.extend(found)
        elif not path.is_file():
            errors.append(Diagnostic("E700", "cannot read the file: there is no such file",
                                     file=display_name(path), help="check the path"))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def _read_text(path: Path, name: str, errors: list[Diagnostic]) -> str | None:
    text = read_text(path, name)
    if isinstance(text, Unreadable):
        errors.append(unreadable(text, name, CASE_FILES))
        return None
    return text


def _is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.style is None and \
        node.text.strip().lower() in ("", "~", "null")


class _Loader:
    def __init__(self, plan: Plan | None) -> None:
        self.errors: list[Diagnostic] = []
        self.given = plan
        self.plans: dict[Path, Plan | None] = {}
        if plan is not None and plan.path:
            self.plans[Path(plan.path).resolve()] = plan

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              file: str | None = None) -> None:
        self.errors.append(Diagnostic(code, message, span, help, file=file))

    # -- files ---------------------------------------------------------------------------------
    def file(self, path: Path) -> list[Case]:
        name = display_name(path)
        text = _read_text(path, name, self.errors)
        if text is None:
            return []
        tree, diags = read_yaml(text, name, "E70")
        self.errors.extend(diags)
        if tree is None:
            return []
        if not isinstance(tree, YSeq):
            self.error("E710", "a case file is a list of cases", tree.span,
                       help="start each case with '- name: ...' (see docs/adopting.md)")
            return []
        if not tree.items:
            self.error("E713", "this file holds no cases", tree.span,
                       help="add cases: '- name: ...' with period, facts and expect")
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
            self.error("E710", "a case is a mapping with name, period, facts and expect",
                       node.span, help="write the case's keys on indented lines under '- '")
            return None
        before = len(self.errors)
        for key, (kscalar, _) in node.items.items():
            if key not in CASE_KEYS:
                self.error("E711", f"unknown key '{key}' in a case", kscalar.span,
                           help=did_you_mean(key, CASE_KEYS) or
                           f"a case has the keys {', '.join(CASE_KEYS)}")
        for key in REQUIRED_KEYS:
            if node.get(key) is None:
                self.error("E712", f"this case has no '{key}'", _head(node),
                           help={"name": "add 'name: <what the case shows>'",
                                 "period": "add 'period: <id>', e.g. period: q1",
                                 "expect": "add 'expect:' with '<indicator id>: <status>'"}[key])
        name = self.text(node.get("name"), "name")
        if name is not None:
            name_node = node.get("name")
            assert name_node is not None
            if name in names:
                first = names[name].begin
                self.error("E714", f"two cases are named '{name}'", name_node.span,
                           help=f"the other is at line {first.line}; give each case its own "
                           "name")
            else:
                names[name] = name_node.span
        plan = self.plan_of(node, path)
        if plan is None:  # nothing more can be checked
            return None
        period = self.period(node.get("period"), plan)
        as_of = self.as_of(node.get("as_of"), plan, period)
        facts, origins, explicit = self.facts(node, plan, period)
        expect = self.expect(node.get("expect"), plan)
        if len(self.errors) > before or name is None or period is None or as_of is None:
            return None
        return Case(name, display_name(path), node.span.begin.line, plan, period, as_of,
                    facts, expect, MappingProxyType(origins), frozenset(explicit))

    def text(self, node: YNode | None, key: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar) or _is_null(node) or not node.text.strip():
            self.error("E710", f"'{key}' must be a text", node.span)
            return None
        return nfc(node.text.strip())

    def plan_of(self, node: YMap, path: Path) -> Plan | None:
        pnode = node.get("plan")
        if pnode is None:
            if self.given is None:
                self.error("E715", "this case names no plan, and none was given", _head(node),
                           help="add 'plan: <path of the plan file>' (relative to this file), "
                                "or give the plan: cchc test PLAN CASES")
            return self.given
        rel = self.text(pnode, "plan")
        if rel is None:
            return None
        target = (path.parent / rel).resolve()
        if target in self.plans:
            return self.plans[target]
        plan: Plan | None = None
        if not target.is_file():
            self.error("E715", f"there is no plan file '{rel}'", pnode.span,
                       help="the path is relative to the case file: "
                            f"{display_name(target)} does not exist")
        else:
            from .loader import load_plan

            try:
                plan = load_plan(target)
            except EngineError as e:
                self.errors.extend(e.diagnostics)
        self.plans[target] = plan
        return plan

    def period(self, node: YNode | None, plan: Plan) -> str | None:
        text = self.text(node, "period")
        if text is None or node is None:
            return None
        if text not in plan.periods:
            self.error("E620", f"unknown period '{text}'", node.span,
                       help=did_you_mean(text, plan.periods)
                       or f"the periods of plan '{plan.id}' are {', '.join(plan.periods)}")
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
            self.error("E716", f"'{text}' is not a date", node.span,
                       help="write the date as YYYY-MM-DD, e.g. 2023-12-14")
            return None

    # -- facts ---------------------------------------------------------------------------------
    def value(self, plan: Plan, fact: str, node: YNode, period: str | None,
              agency: str | None) -> Known | None:
        """The value of ``fact`` written at ``node`` (None: refused, or not reported)."""
        fdef = plan.facts[fact]
        if not isinstance(node, YScalar):
            self.error("E710", f"the value of '{fact}' must be a single value", node.span,
                       help="write one value after the colon")
            return None
        if period is not None and period not in fdef.periods:
            self.error("E633", f"'{fact}' is not reported in period '{period}'", node.span,
                       help=f"'{fact}' is reported in: {', '.join(fdef.periods)}"
                       if fdef.periods else f"'{fact}' is not reported in any period")
            return None
        if _is_null(node):
            return None
        got = read_value(fdef, node.text)
        if isinstance(got, Problem):
            self.error(got.code, got.message, node.span, got.help)
            return None
        return got

    def fact_id(self, key: YScalar, plan: Plan) -> str | None:
        fact = nfc(key.text.strip())
        if fact not in plan.facts:
            self.error("E631", f"unknown fact '{fact}'", key.span,
                       help=did_you_mean(fact, plan.facts)
                       or "fact ids are listed in the plan's facts")
            return None
        return fact

    def facts(self, node: YMap, plan: Plan, period: str | None
              ) -> tuple[dict[str, dict[str, Known]], dict[tuple[str, str], str],
                         set[tuple[str, str]]]:
        values: dict[str, dict[str, Known]] = {}
        origins: dict[tuple[str, str], str] = {}
        explicit: set[tuple[str, str]] = set()
        facts_node = node.get("facts")
        if facts_node is not None and not _is_null(facts_node):
            if not isinstance(facts_node, YMap):
                self.error("E710", "'facts' maps agency ids to their facts", facts_node.span,
                           help="write 'facts:' then '  <agency>: {<fact>: <value>}'")
            else:
                for agency, (akey, anode) in facts_node.items.items():
                    self.agency_facts(plan, period, nfc(agency.strip()), akey, anode, values,
                                      origins, explicit)
        defaults = node.get("defaults")
        if defaults is not None and not _is_null(defaults):
            if not isinstance(defaults, YMap):
                self.error("E710", "'defaults' maps fact ids to a value", defaults.span,
                           help="write 'defaults:' then '  <fact>: <value>'")
            else:
                for _, (fkey, vnode) in defaults.items.items():
                    fact = self.fact_id(fkey, plan)
                    if fact is None:
                        continue
                    value = self.value(plan, fact, vnode, period, None)
                    if value is None:
                        continue
                    for agency in plan.facts[fact].reporters:
                        if (agency, fact) not in explicit:
                            values.setdefault(agency, {})[fact] = value
                            origins[(agency, fact)] = _where(vnode.span)
        ordered = {a: {f: values[a][f] for f in plan.facts if f in values[a]}
                   for a in plan.agencies if values.get(a)}
        return ordered, origins, explicit

    def agency_facts(self, plan: Plan, period: str | None, agency: str, akey: YScalar,
                     anode: YNode, values: dict[str, dict[str, Known]],
                     origins: dict[tuple[str, str], str], explicit: set[tuple[str, str]]
                     ) -> None:
        if agency not in plan.agencies:
            self.error("E630", f"unknown agency '{agency}'", akey.span,
                       help=did_you_mean(agency, plan.agencies)
                       or "agency ids are listed in the plan's agencies")
            return
        if _is_null(anode):
            return
        if not isinstance(anode, YMap):
            self.error("E710", f"the facts of '{agency}' map fact ids to values", anode.span,
                       help="write '{<fact>: <value>}' or '<fact>: <value>' on indented lines")
            return
        for _, (fkey, vnode) in anode.items.items():
            fact = self.fact_id(fkey, plan)
            if fact is None:
                continue
            fdef = plan.facts[fact]
            if agency not in fdef.reporters:
                self.error("E632", f"'{agency}' does not report '{fact}'", fkey.span,
                           help=f"'{fact}' is reported by '{fdef.reported_by}'")
                continue
            value = self.value(plan, fact, vnode, period, agency)
            explicit.add((agency, fact))
            if value is not None:
                values.setdefault(agency, {})[fact] = value
                origins[(agency, fact)] = _where(vnode.span)

    # -- expectations --------------------------------------------------------------------------
    def expect(self, node: YNode | None, plan: Plan) -> tuple[Expectation, ...]:
        if node is None:
            return ()
        if not isinstance(node, YMap):
            self.error("E710", "'expect' maps indicator ids to their expected status",
                       node.span, help="write 'expect:' then '  <indicator id>: met'")
            return ()
        if not node.items:
            self.error("E713", "this case expects nothing, so it cannot fail", node.span,
                       help="add '<indicator id>: <status>' under 'expect'")
            return ()
        out: list[Expectation] = []
        for iid, (key, value) in node.items.items():
            ind = plan.indicators.get(iid)
            if ind is None:
                self.error("E720", f"unknown indicator '{iid}'", key.span,
                           help=did_you_mean(iid, plan.indicators) or
                           "indicator ids are '<area>.<indicator>', e.g. procedures.on_time")
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
            self.error("E710", f"the expectation of '{ind.id}' is a status or "
                       "{status: ..., value: ...}", node.span)
            return None
        bad = False
        for k, (kscalar, _) in node.items.items():
            if k not in EXPECT_KEYS:
                self.error("E711", f"unknown key '{k}' in an expectation", kscalar.span,
                           help=did_you_mean(k, EXPECT_KEYS) or
                           "an expectation has the keys status and value")
                bad = True
        snode, vnode = node.get("status"), node.get("value")
        if snode is None and vnode is None:
            self.error("E713", f"the expectation of '{ind.id}' checks nothing", node.span,
                       help="give a status, a value, or both")
            return None
        status: Status | None = None
        if snode is not None:
            if not isinstance(snode, YScalar):
                self.error("E721", "a status is one word", snode.span,
                           help=f"one of {', '.join(STATUSES)}")
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
        self.error("E721", f"unknown status '{word}'", node.span,
                   help=did_you_mean(word.replace(" ", "_"), STATUSES)
                   or f"a status is one of {', '.join(STATUSES)}")
        return None

    def expected_value(self, ind: Indicator, node: YNode) -> Known | None:
        want = ind.value.type
        if not isinstance(node, YScalar) or _is_null(node):
            self.error("E722", "an expected value is a single value", node.span,
                       help=_value_help(want))
            return None
        text = node.text.strip()
        if want == TEXT and not text.startswith('"'):
            return nfc(text)
        source = scalar_source(node, node.span.source.name)
        try:
            value = compile_formula(node.text, Symbols({}), source).evaluate()
        except EngineError as e:
            self.errors.extend(Diagnostic("E722", f"'{text}' is not a value: {d.message}",
                                          d.span, _value_help(want)) for d in e.diagnostics)
            return None
        got = type_of(value)
        if isinstance(value, Unknown) or got != want.value:
            self.error("E722", f"'{ind.id}' has a {want} value, but '{text}' is "
                       f"{'unknown' if isinstance(value, Unknown) else 'a ' + got}", node.span,
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
    for key, _ in node.items.values():
        return key.span
    return node.span


def _where(span: Span) -> str:
    b = span.begin
    return f"{b.file}:{b.line}:{b.col}"


def load_cases(paths: PathArg | Iterable[PathArg], plan: Plan | None = None
               ) -> tuple[Case, ...]:
    """Read and check case files (a directory means every ``*.yaml``/``*.yml`` in it, at any
    depth, in name order). ``plan`` is used by the cases that do not name their own.

    Raises :class:`CaseError` carrying every problem of every file.
    """
    loader = _Loader(plan)
    files = _expand(paths, loader.errors)
    cases: list[Case] = []
    for path in files:
        cases.extend(loader.file(path))
    errors = [d for d in loader.errors if d.severity == "error"]
    if errors:
        raise CaseError(sorted(_unique(errors), key=sort_key))
    return tuple(cases)


def _unique(errors: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for d in errors:
        key = (d.code, d.message, d.location)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


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
    facts = SimpleFacts(case.period, case.facts)
    plan = _only(case.plan, (e.indicator for e in case.expect))
    report = evaluate(plan, facts, period=case.period, as_of=case.as_of)
    checks = []
    for e in case.expect:
        r = report.result(e.indicator)
        checks.append(Check(e, r.status, r.value))
    return CaseResult(case, tuple(checks), report)


def run_cases(cases: Iterable[Case]) -> tuple[CaseResult, ...]:
    return tuple(run_case(c) for c in cases)


def _shown(value: Value, ind: Indicator) -> str:
    text = format_value(value)
    if ind.unit == "percent" and not isinstance(value, Unknown | bool):
        shown = display_value(value, ind.unit)
        if shown != text:
            return f"{text} ({shown})"
    return text


def render_results(results: Iterable[CaseResult], lang: str = "vi") -> str:
    """One line per case (PASS/FAIL), each failure as expected versus actual with the
    explanation, and a summary line ``N passed, M failed``."""
    lines: list[str] = []
    passed = failed = 0
    for res in results:
        case = res.case
        if res.passed:
            passed += 1
            lines.append(f"PASS {case.where}: {case.name}")
            continue
        failed += 1
        lines.append(f"FAIL {case.where}: {case.name}")
        for check in res.failures:
            e = check.expectation
            ind = case.plan.indicators[e.indicator]
            want: list[str] = [e.status] if e.status is not None else []
            if e.value is not None:
                want.append(f"value {_shown(e.value, ind)}")
            lines.append(f"  {e.indicator}")
            lines.append(f"    expected: {', '.join(want)}")
            lines.append(f"    actual:   {check.status}, value {_shown(check.value, ind)}")
            lines.append("    why:")
            lines.extend("      " + line if line else ""
                         for line in res.explanation(e.indicator, lang).rstrip("\n").split("\n"))
    lines.append(f"{passed} passed, {failed} failed")
    return "\n".join(lines) + "\n"


def results_to_dict(results: Iterable[CaseResult]) -> dict[str, Any]:
    items = [r.to_dict() for r in results]
    passed = sum(1 for r in items if r["passed"])
    return {"passed": passed, "failed": len(items) - passed, "cases": items}


def render_results_json(results: Iterable[CaseResult]) -> str:
    return json.dumps(results_to_dict(results), ensure_ascii=False, indent=2) + "\n"
