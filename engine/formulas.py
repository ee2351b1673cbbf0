"""The formulas of a plan's indicators: syntax, dependency order, then names and types.

Three steps, each reporting every problem before the next one runs:

1. syntax of every formula (``E1xx``), located in the YAML file, inside quoted and block
   scalars too (:func:`engine.yamlsrc.scalar_source`);
2. the indicators' dependencies on each other, in one order (dependencies first, otherwise the
   order of the file) or, when they use each other in a cycle, ``E503`` for each cycle as the
   path ``a -> b -> a`` (:mod:`engine.graph`);
3. per indicator in that order, names and types (``E2xx``, ``E3xx``), what each field must be
   (``E433``) and the baseline (``E434``); then the compiled :class:`~engine.model.Indicator`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .builtins import BOOL, DATE, NUMBER, PERIOD_NAMES, TEXT, Type
from .checker import Symbols, check
from .diagnostics import Collector, Diagnostic, EngineError, PlanError, did_you_mean
from .evaluator import compile_expr
from .graph import cycle_paths, dependency_order
from .i18n import N_, _, ngettext
from .language import Formula, parse_literal
from .model import Indicator, breakdown_units
from .nodes import Expr, Name, free_names, walk
from .parser import parse
from .registry import Registry, label, text_of
from .source import Source, Span
from .values import Value
from .yamlsrc import YMap, YScalar, scalar_source

#: The type a formula sees for a fact of each type.
FACT_LANGUAGE_TYPES: dict[str, Type] = {
    "number": NUMBER, "count": NUMBER, "share": NUMBER, "bool": BOOL, "date": DATE,
    "category": TEXT,
}
#: How a type is said in messages.
TYPE_SAID = {NUMBER: N_("a number"), BOOL: N_("a condition (true or false)"),
             DATE: N_("a date"), TEXT: N_("a text")}
#: The formula fields of an indicator, in the order they are checked.
FIELDS = ("value", "applicable", "deadline", "target")
#: The type a field other than the value must have, and how to write one.
WANTED = {"target": (BOOL, N_("a target is a condition on the value, e.g. value >= 90%")),
          "applicable": (BOOL, N_("write a condition, e.g. sum(late) > 0")),
          "deadline": (DATE, N_("write a date, e.g. 2023-12-14, or period_due"))}

#: The parsed formulas of one indicator: field -> (expression, its source)
Parsed = dict[str, tuple[Expr, Source]]


def compile_indicators(registry: Registry, collector: Collector) -> dict[str, Indicator]:
    """Every indicator of ``registry``, compiled, in dependency order. Raises
    :class:`PlanError` after the step (syntax, cycles) that found errors; name and type errors
    are left in ``collector``."""
    raw = registry.indicators
    parsed = {iid: _parse(ind, collector) for iid, (_, _, ind) in raw.items()}
    collector.raise_if_any(PlanError)
    # The names each indicator's formulas read, found once: its dependencies, the facts it
    # uses and whether it reads 'baseline' all come from them.
    names = {iid: {n for e, _ in p.values() for n in free_names(e)} for iid, p in parsed.items()}
    position = {iid: i for i, iid in enumerate(raw)}
    deps = {iid: sorted((n for n in names[iid] if n in raw), key=position.__getitem__)
            for iid in parsed}
    order = _order(deps, parsed, collector)
    collector.raise_if_any(PlanError)
    compiler = _IndicatorCompiler(registry, collector)
    out: dict[str, Indicator] = {}
    for iid in order:
        indicator = compiler.indicator(iid, parsed[iid], deps[iid], names[iid])
        if indicator is not None:
            out[iid] = indicator
            compiler.value_types[iid] = indicator.value.type
        elif "value" in parsed[iid]:
            compiler.value_types[iid] = Type.ERROR
    return out


def _parse(ind: YMap, collector: Collector) -> Parsed:
    out: Parsed = {}
    for fld in ("value", "target", "deadline", "applicable"):
        node = ind.get(fld)
        if not isinstance(node, YScalar):
            continue
        src = scalar_source(node, node.span.source.name)
        try:
            out[fld] = (parse(node.text, src), src)
        except EngineError as e:
            collector.extend(e.diagnostics)
    return out


def _order(deps: dict[str, list[str]], parsed: dict[str, Parsed],
           collector: Collector) -> list[str]:
    """The indicators, each after those it uses; ``E503`` for each cycle (then none)."""
    order = dependency_order(deps, list(deps))
    if order is not None:
        return order
    for path in cycle_paths(deps, list(deps)):
        # Point at the reference of the indicator written first to the next one.
        collector.error("E503", _("indicators depend on each other in a cycle: ")
                        + " -> ".join(path), _reference(parsed[path[0]], path[1]),
                        help=_("an indicator cannot use its own value, directly or through "
                                "others: compute one of them from facts instead"))
    return []


def _reference(formulas: Parsed, name: str) -> Span | None:
    for expr, _unused in formulas.values():
        for n in walk(expr):
            if isinstance(n, Name) and n.name == name:
                return n.span
    return None  # pragma: no cover - the dependency came from such a name


@dataclass
class _Scope:
    """What the formulas of one indicator see: its population, and the types of names."""

    scope: str
    population: tuple[str, ...]
    scalars: dict[str, Type]
    fact_types: dict[str, Type]
    #: what to write instead of a fact outside an aggregate (:func:`_scope_hint`, worked out
    #: once per scope of a plan: every formula's symbols carry it, a diagnostic seldom needs it)
    hint: str

    def symbols(self, **extra: Type) -> Symbols:
        return Symbols({**self.scalars, **extra}, self.fact_types, self.hint)


def _scope_hint(scope: str, population: tuple[str, ...]) -> str:
    return ngettext("the scope '{scope}' has {n} agency: use an aggregate such as "
                    "sum(...), all(...) or share(...)",
                    "the scope '{scope}' has {n} agencies: use an aggregate such as "
                    "sum(...), all(...) or share(...)", len(population)).format(
        scope=scope, n=len(population))


class _IndicatorCompiler:
    """Compiles indicators one by one, in dependency order, remembering their value types."""

    def __init__(self, registry: Registry, collector: Collector) -> None:
        self.registry = registry
        self.collector = collector
        self.fact_types = {f: FACT_LANGUAGE_TYPES[d.type] for f, d in registry.facts.items()}
        self.value_types: dict[str, Type] = {}
        #: the breakdown units of each population (indicators of one scope share them)
        self.units: dict[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]] = {}
        self.hints: dict[tuple[str, int], str] = {}

    def indicator(self, iid: str, formulas: Parsed, deps: list[str],
                  names: set[str]) -> Indicator | None:
        """``names``: the names its formulas read."""
        area_id, key, ind = self.registry.indicators[iid]
        scope = self.scope(ind, deps)
        baseline = self.baseline(iid, ind, formulas, scope, "baseline" in names)
        compiled = self.check_fields(iid, formulas, scope)
        if compiled is None or "value" not in compiled or "target" not in compiled:
            return None
        # (every formula compiled: the names of the compiled ones are those of all)
        used_facts = sorted(n for n in names if n in self.registry.facts)
        units = self.units.get(scope.population)
        if units is None:
            units = self.units[scope.population] = breakdown_units(self.registry.agencies,
                                                                   scope.population)
        return Indicator(
            id=iid, area=area_id, name=label(ind.get("name")), unit=text_of(ind.get("unit")) or "",
            owner=text_of(ind.get("owner")) or "", scope=scope.scope, population=scope.population,
            value=compiled["value"], target=compiled["target"],
            deadline=compiled.get("deadline"), applicable=compiled.get("applicable"),
            baseline=baseline, source=text_of(ind.get("source")), notes=text_of(ind.get("notes")),
            facts=tuple(used_facts), depends_on=tuple(deps), span=key.span,
            units=units,
        )

    def scope(self, ind: YMap, deps: list[str]) -> _Scope:
        """Period names and the indicators used are seen everywhere; facts bare only when the
        scope is one agency, otherwise inside aggregates."""
        scope = text_of(ind.get("scope")) or ""
        population = self.registry.population(scope)
        scalars: dict[str, Type] = dict(PERIOD_NAMES)
        scalars.update({d: self.value_types.get(d, Type.ERROR) for d in deps})
        if len(population) == 1:
            scalars.update(self.fact_types)
        hint = self.hints.get((scope, len(population)))
        if hint is None:
            hint = self.hints[scope, len(population)] = _scope_hint(scope, population)
        return _Scope(scope, population, scalars, self.fact_types, hint)

    def baseline(self, iid: str, ind: YMap, formulas: Parsed, scope: _Scope,
                 read: bool = True) -> Value | None:
        """The baseline literal (its type added to ``scope``), or ``E434``; ``read``: whether
        a formula reads 'baseline' (found in its names)."""
        node = ind.get("baseline")
        if not isinstance(node, YScalar):
            used = [n for expr, _ in formulas.values() for n in walk(expr)
                    if isinstance(n, Name) and n.name == "baseline"] if read else []
            if used:
                self.collector.error("E434", _("'{iid}' uses 'baseline' but gives none").format(
                    iid=iid), used[0].span, help=_("add 'baseline: <last year's value>' to the "
                                                   "indicator, e.g. baseline: 86.78%"))
                scope.scalars["baseline"] = Type.ERROR
            return None
        try:
            value, btype = parse_literal(node.text, scalar_source(node, node.span.source.name))
        except EngineError as e:
            scope.scalars["baseline"] = Type.ERROR
            hint = _("write decimals with a point: {number}").format(
                number=node.text.replace(",", ".")) \
                if re.fullmatch(r"-?\d+,\d+%?", node.text) else \
                _("the baseline is a literal: 86.78%, 1200, 2022-12-31, \"B\" or true")
            self.collector.extend(Diagnostic(
                "E434", _("the baseline of '{iid}' is not a literal: {message}").format(
                            iid=iid, message=d.message), d.span, hint)
                for d in e.diagnostics)
            return None
        scope.scalars["baseline"] = btype
        return value

    def check_fields(self, iid: str, formulas: Parsed, scope: _Scope
                     ) -> dict[str, Formula] | None:
        """Each formula checked and compiled; None when one of them has an error."""
        compiled: dict[str, Formula] = {}
        failed = False
        for fld in FIELDS:
            if fld not in formulas:
                continue
            expr, src = formulas[fld]
            # When the value formula has errors, 'value' takes the error type, so the target
            # is still checked without repeating the value's mistake.
            symbols = scope.symbols(value=compiled["value"].type if "value" in compiled
                                    else Type.ERROR) if fld == "target" else scope.symbols()
            try:
                rtype = check(expr, symbols)
            except EngineError as e:
                self.collector.extend(self.name_help(d) for d in e.diagnostics)
                failed = True
                continue
            if rtype == Type.ERROR:  # pragma: no cover - the checker reports the cause
                failed = True
                continue
            wanted, help = WANTED.get(fld, (rtype, ""))
            if rtype != wanted:
                self.collector.error("E433", _("the {fld} of '{iid}' is {type}, not "
                                               "{wanted}").format(
                    fld=fld, iid=iid, type=_(TYPE_SAID[rtype]), wanted=_(TYPE_SAID[wanted])),
                    expr.span, help=_(help) if help else None)
                failed = True
                continue
            compiled[fld] = Formula(src.text, expr, rtype,
                                    compile_expr(expr, set(self.fact_types)))
        return None if failed else compiled

    def name_help(self, d: Diagnostic) -> Diagnostic:
        """Better hints for unknown names that a plan author writes: misspelt indicator ids."""
        if d.code != "E201" or d.span is None or "." not in d.span.text:
            return d
        name = d.span.text
        return Diagnostic(d.code, _("unknown indicator '{name}'").format(name=name), d.span,
                          did_you_mean(name, self.registry.indicators)
                          or _("refer to another indicator by its full id AREA.KEY, e.g. "
                                "procedures.on_time"), d.severity, d.notes, d.file)

