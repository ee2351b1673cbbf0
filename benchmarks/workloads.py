"""The rows of the benchmark: ours, hand-written Python, and peer engines (issue 17).

Every row goes **from the same input to the same answer inside the timed call**. The input of
the rule workloads is what a user hands an engine: a ``list[dict]``, one dict per agency, with
JSON-like values (``int`` counts and a ``float`` share, as ``json.loads`` gives them) or with
exact decimal strings (``"0.913"``, as a form or a CSV cell gives them). A row's factory
``factory(dicts) -> thunk`` may compile its rule (not timed: compiling is workload B4); the
thunk converts the values the way that implementation needs (ours: exactly, building the
``Row`` each agency is evaluated in, as :func:`engine.evaluate` does), evaluates and returns
the answer (per agency: one boolean per agency; aggregate: one boolean).

A row that does less inside the timed call is labelled **prepared** and shown beside the
honest one, never instead of it: ``ours, prepared`` gets its ``Row`` objects built (and its
values converted) before timing, as the suite of issue 7 did.

Every "ours" row goes through the adapters below (``exact_value``, ``ours_rows``,
``ours_per_agency``, ``ours_aggregate``, ``ours_compile``, ``ours_load_plan``,
``ours_evaluate_plan``, ``ours_load_facts``), which use only the engine's public API
(``engine.compile_formula``, ``Formula.evaluate``, ``Formula.evaluate_each`` and
``evaluate_over`` where the engine has them, ``engine.evaluator.Row`` (``Row.from_values``
where it has it) and ``Context``, ``engine.load_plan``, ``engine.facts_from_data``,
``engine.load_facts``, ``engine.evaluate``, ``Report.to_dict``), so that the engine's
internals may change under them.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from data import ON_TIME, RECEIVED, SATISFACTION

import engine
from engine.builtins import BOOL, DATE, NUMBER, TEXT
from engine.evaluator import Context, Row

Thunk = Callable[[], Any]
Dicts = Sequence[Mapping[str, Any]]

#: The keys of an input dict that are not facts: the agency's id and kind.
ID, KIND = "agency", "kind"

PER_AGENCY = "dossiers_on_time / dossiers_received >= 99% and satisfaction >= 90%"
AGGREGATE = "sum(dossiers_on_time) / sum(dossiers_received) > 99% and avg(satisfaction) >= 90%"

#: Workload B3: the same rules in the forms plan authors write them: ``(name, text, scope,
#: hand-written float Python over one agency's dict (scope "agency") or the list of them)``.
AUTHOR_FORMS: list[tuple[str, str, str, Callable[[Any], Any]]] = [
    ("per agency, >= 99%", "dossiers_on_time / dossiers_received >= 99%", "agency",
     lambda d: d[ON_TIME] / d[RECEIVED] >= 0.99),
    ("per agency, * 100 >= 99", "dossiers_on_time / dossiers_received * 100 >= 99", "agency",
     lambda d: d[ON_TIME] / d[RECEIVED] * 100 >= 99),
    ("per agency, 100 * x / y >= 99", "100 * dossiers_on_time / dossiers_received >= 99",
     "agency", lambda d: 100 * d[ON_TIME] / d[RECEIVED] >= 99),
    ("per agency, coalesce(x, 0) / y >= 99%",
     "coalesce(dossiers_on_time, 0) / dossiers_received >= 99%", "agency",
     lambda d: d.get(ON_TIME, 0) / d[RECEIVED] >= 0.99),
    ("ratio of sums, >= 99%", "sum(dossiers_on_time) / sum(dossiers_received) >= 99%",
     "aggregate",
     lambda ds: sum(d[ON_TIME] for d in ds) / sum(d[RECEIVED] for d in ds) >= 0.99),
    ("ratio of sums, * 100 >= 99",
     "sum(dossiers_on_time) / sum(dossiers_received) * 100 >= 99", "aggregate",
     lambda ds: sum(d[ON_TIME] for d in ds) / sum(d[RECEIVED] for d in ds) * 100 >= 99),
    ("ratio of sums with coalesce, >= 99%",
     "sum(coalesce(dossiers_on_time, 0)) / sum(dossiers_received) >= 99%", "aggregate",
     lambda ds: sum(d.get(ON_TIME, 0) for d in ds) / sum(d[RECEIVED] for d in ds) >= 0.99),
]

#: The pairs of B3 whose ratio is a target: the author's form within 1.5x of the ``>= 99%`` one.
AUTHOR_TARGETS = [("per agency, * 100 >= 99", "per agency, >= 99%"),
                  ("ratio of sums, * 100 >= 99", "ratio of sums, >= 99%")]

_B_TYPES = {ON_TIME: NUMBER, RECEIVED: NUMBER, SATISFACTION: NUMBER}


@dataclass(frozen=True)
class Impl:
    """One row of a workload."""

    name: str
    factory: Callable[[Dicts], Thunk]
    needs: str | None = None  # the module a peer needs; None for ours and hand-written rows
    package: str | None = None  # its distribution name, for "not installed"
    note: str = ""
    inputs: tuple[str, ...] = ("json", "text")  # the inputs it takes

    def installed(self) -> bool:
        return self.needs is None or importlib.util.find_spec(self.needs) is not None


# --- ours: the adapters ----------------------------------------------------------------------

def exact_value(v: Any) -> Any:
    """A JSON-like value as the engine's exact value: an ``int`` stays, a ``float`` becomes the
    shortest decimal that reads back as the same float (``0.913`` is 913/1000, as the fact
    reader reads the text ``0.913``), a decimal string is read exactly. The one conversion the
    "ours" rows pay; switch here to the engine's own when it has a public one."""
    t = type(v)
    if t is int or t is bool:
        return v
    if t is float:
        f = Fraction(repr(v))
    elif t is str:
        f = Fraction(v)
    else:
        return v
    return f.numerator if f.denominator == 1 else f


def exact_facts(d: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of one input dict (its values converted exactly), without id and kind."""
    return {k: exact_value(v) for k, v in d.items() if k != ID and k != KIND}


def ours_rows(dicts: Dicts) -> list[Row]:
    """One ``Row`` per input dict, values converted exactly: what ``engine.evaluate`` builds
    for every agency on every call. ``Row.from_values`` when the engine has it."""
    from_values = getattr(Row, "from_values", None)
    if from_values is not None:
        return [from_values(d[ID], d[KIND], {k: v for k, v in d.items() if k not in _KEYS},
                            _NUMBERS) for d in dicts]
    return [Row(d[ID], d[KIND], exact_facts(d)) for d in dicts]


_KEYS = frozenset((ID, KIND))
_NUMBERS = frozenset((ON_TIME, RECEIVED, SATISFACTION))


def compile_rule(text: str, per_agency: bool) -> engine.Formula:
    types = engine.Symbols(_B_TYPES, _B_TYPES) if per_agency else engine.Symbols({}, _B_TYPES)
    return engine.compile_formula(text, types)


def ours_per_agency(formula: engine.Formula, dicts: Dicts) -> list[Any]:
    """A per-agency rule for each agency, from the input dicts, values converted exactly
    inside the call: ``Formula.evaluate_each(dicts)`` when the engine has it (its public
    batch API for JSON-like values), else :func:`ours_per_agency_rows`."""
    each = getattr(formula, "evaluate_each", None)
    if each is not None:
        return list(each(dicts))
    return ours_per_agency_rows(formula, dicts)


def ours_per_agency_rows(formula: engine.Formula, dicts: Dicts) -> list[Any]:
    """Agency by agency, as a report evaluates one: the values converted, the agency's
    ``Row`` built, the rule evaluated with its facts as the scalars and itself as the
    population."""
    evaluate = formula.evaluate
    out = []
    for row in ours_rows(dicts):
        out.append(evaluate(Context(row.facts, (row,), row.agency)))
    return out


def ours_per_agency_keywords(formula: engine.Formula, dicts: Dicts) -> list[Any]:
    """The same through ``Formula.evaluate(**facts)`` (no row, no population)."""
    evaluate = formula.evaluate
    return [evaluate(**exact_facts(d)) for d in dicts]


def ours_per_agency_prepared(formula: engine.Formula, rows: Sequence[Row]) -> list[Any]:
    evaluate = formula.evaluate
    return [evaluate(Context(r.facts, (r,), r.agency)) for r in rows]


def ours_aggregate(formula: engine.Formula, dicts: Dicts) -> Any:
    """An aggregate rule over every agency, from the input dicts, values converted exactly
    inside the call: ``Formula.evaluate_over(dicts)`` when the engine has it, else
    :func:`ours_aggregate_rows`."""
    over = getattr(formula, "evaluate_over", None)
    if over is not None:
        return over(dicts)
    return ours_aggregate_rows(formula, dicts)


def ours_aggregate_rows(formula: engine.Formula, dicts: Dicts) -> Any:
    """Rows built from the input dicts (:func:`ours_rows`), one evaluation."""
    return formula.evaluate(Context({}, ours_rows(dicts)))


def ours_compile(text: str, symbols: engine.Symbols) -> engine.Formula:
    """B4: parse, check and compile one expression, **code generation included**. The
    generated code is made on first use (``Program.fast``, a cached property, when the engine
    has it); it is made here, so that the time is what the first evaluation would pay."""
    formula = engine.compile_formula(text, symbols)
    program = getattr(formula, "program", None)
    if program is not None:
        getattr(program, "fast", None)
    return formula


def ours_compile_deferred(text: str, symbols: engine.Symbols) -> engine.Formula:
    """B4 (labelled): ``compile_formula`` alone; the generated code is left for later."""
    return engine.compile_formula(text, symbols)


def ours_load_plan(path: str | Path) -> engine.Plan:
    """Load and validate a plan from its files (no cache: the library's default)."""
    return engine.load_plan(path)


def ours_load_plan_cached(path: str | Path) -> engine.Plan:
    """Load a plan through the compiled-plan cache (``$CCHC_CACHE_DIR``; the command line's
    default), when the engine has one (``load_plan(path, cache=True)``); else from its files."""
    import inspect

    if "cache" in inspect.signature(engine.load_plan).parameters:
        return engine.load_plan(path, cache=True)  # type: ignore[call-arg,unused-ignore]
    return engine.load_plan(path)


def ours_facts(plan: engine.Plan, values: Mapping[str, Mapping[str, Any]],
               period: str) -> engine.Facts:
    """A fact set as ``load_facts`` returns it (the same ``Facts``), from exact values."""
    return engine.facts_from_data(plan, values, period=period)


def ours_evaluate_plan(plan: engine.Plan, facts: Any, period: str,
                       as_of: dt.date) -> engine.Report:
    """B5: evaluate a whole plan; every agency's row is built inside the call."""
    return engine.evaluate(plan, facts, period=period, as_of=as_of)


def ours_evaluate_to_dict(plan: engine.Plan, facts: Any, period: str,
                          as_of: dt.date) -> dict[str, Any]:
    """B5: evaluate a whole plan and turn the report into its JSON-ready dict."""
    return engine.evaluate(plan, facts, period=period, as_of=as_of).to_dict()


def ours_load_facts(plan: engine.Plan, paths: Any, period: str) -> engine.Facts:
    """B7 and the Excel workload: read and check fact files."""
    return engine.load_facts(plan, paths, period)


def plan_symbols(plan: engine.Plan) -> engine.Symbols:
    """B4: every fact of the plan, as a scalar and per agency, plus the period dates."""
    types = {"count": NUMBER, "number": NUMBER, "share": NUMBER, "bool": BOOL, "date": DATE,
             "category": TEXT}
    facts = {f: types[d.type] for f, d in plan.facts.items()}
    scalars = {**facts, "period_start": DATE, "period_end": DATE, "period_due": DATE,
               "as_of": DATE}
    return engine.Symbols(scalars, facts)


def openpyxl_read(folder: str | Path) -> int:
    """Excel reference: openpyxl's own read-only reader over the same workbooks, every cell of
    the first sheet's first 10 columns visited (nothing checked); the number of cells."""
    import io
    import warnings

    import openpyxl

    cells = 0
    for path in sorted(Path(folder).iterdir()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True,
                                        keep_links=False)
            for row in wb.worksheets[0].iter_rows(max_col=10):
                cells += sum(1 for c in row if c.value is not None)
            wb.close()
    return cells


# --- ours: the rows ---------------------------------------------------------------------------

def _ours_b1(dicts: Dicts) -> Thunk:
    formula = compile_rule(PER_AGENCY, True)
    return lambda: ours_per_agency(formula, dicts)


def _ours_b1_rows(dicts: Dicts) -> Thunk:
    formula = compile_rule(PER_AGENCY, True)
    return lambda: ours_per_agency_rows(formula, dicts)


def _ours_b2_rows(dicts: Dicts) -> Thunk:
    formula = compile_rule(AGGREGATE, False)
    return lambda: ours_aggregate_rows(formula, dicts)


def _ours_b1_keywords(dicts: Dicts) -> Thunk:
    formula = compile_rule(PER_AGENCY, True)
    return lambda: ours_per_agency_keywords(formula, dicts)


def _ours_b1_prepared(dicts: Dicts) -> Thunk:
    formula, rows = compile_rule(PER_AGENCY, True), ours_rows(dicts)
    return lambda: ours_per_agency_prepared(formula, rows)


def _ours_b2(dicts: Dicts) -> Thunk:
    formula = compile_rule(AGGREGATE, False)
    return lambda: ours_aggregate(formula, dicts)


def _ours_b2_prepared(dicts: Dicts) -> Thunk:
    formula, rows = compile_rule(AGGREGATE, False), ours_rows(dicts)
    return lambda: formula.evaluate(Context({}, rows))


# --- hand-written Python ----------------------------------------------------------------------
# Each converts what it reads inside the call: float(text) for the strings; for the JSON input
# the float row reads the values as they are (they already are Python numbers).

def _num(v: Any) -> float | int:
    return float(v) if type(v) is str else v


def _float_b1(dicts: Dicts) -> Thunk:
    if dicts and isinstance(dicts[0][SATISFACTION], str):
        def run_text() -> list[bool]:
            return [float(d[ON_TIME]) / float(d[RECEIVED]) >= 0.99
                    and float(d[SATISFACTION]) >= 0.9 for d in dicts]
        return run_text

    def run() -> list[bool]:
        return [d[ON_TIME] / d[RECEIVED] >= 0.99 and d[SATISFACTION] >= 0.9 for d in dicts]
    return run


def _float_b2(dicts: Dicts) -> Thunk:
    if dicts and isinstance(dicts[0][SATISFACTION], str):
        def run_text() -> bool:
            ratio = (sum(float(d[ON_TIME]) for d in dicts)
                     / sum(float(d[RECEIVED]) for d in dicts))
            return ratio > 0.99 and (sum(float(d[SATISFACTION]) for d in dicts) / len(dicts)
                                     >= 0.9)
        return run_text

    def run() -> bool:
        ratio = sum(d[ON_TIME] for d in dicts) / sum(d[RECEIVED] for d in dicts)
        return ratio > 0.99 and sum(d[SATISFACTION] for d in dicts) / len(dicts) >= 0.9
    return run


def _dec(v: Any) -> Decimal:
    return Decimal(repr(v)) if type(v) is float else Decimal(v)


def _decimal_b1(dicts: Dicts) -> Thunk:
    p99, p90 = Decimal("0.99"), Decimal("0.9")

    def run() -> list[bool]:
        return [_dec(d[ON_TIME]) / _dec(d[RECEIVED]) >= p99 and _dec(d[SATISFACTION]) >= p90
                for d in dicts]
    return run


def _decimal_b2(dicts: Dicts) -> Thunk:
    p99, p90 = Decimal("0.99"), Decimal("0.9")

    def run() -> bool:
        ratio = sum(_dec(d[ON_TIME]) for d in dicts) / sum(_dec(d[RECEIVED]) for d in dicts)
        return ratio > p99 and sum(_dec(d[SATISFACTION]) for d in dicts) / len(dicts) >= p90
    return run


def _frac(v: Any) -> Fraction:
    return Fraction(repr(v)) if type(v) is float else Fraction(v)


def _fraction_b1(dicts: Dicts) -> Thunk:
    p99, p90 = Fraction(99, 100), Fraction(9, 10)

    def run() -> list[bool]:
        return [Fraction(int(d[ON_TIME]), int(d[RECEIVED])) >= p99
                and _frac(d[SATISFACTION]) >= p90 for d in dicts]
    return run


def _fraction_b2(dicts: Dicts) -> Thunk:
    p99, p90 = Fraction(99, 100), Fraction(9, 10)

    def run() -> bool:
        ratio = Fraction(sum(int(d[ON_TIME]) for d in dicts),
                         sum(int(d[RECEIVED]) for d in dicts))
        return ratio > p99 and sum(_frac(d[SATISFACTION]) for d in dicts) / len(dicts) >= p90
    return run


# --- peers (JSON input only: they read the dicts as they are, converting inside) ------------

def _cel_b1(dicts: Dicts) -> Thunk:
    import celpy

    env = celpy.Environment()
    prg = env.program(env.compile(
        "double(dossiers_on_time) / double(dossiers_received) >= 0.99 && satisfaction >= 0.9"))
    return lambda: [bool(prg.evaluate(celpy.json_to_cel(dict(d)))) for d in dicts]


def _cel_sum(items: Any) -> Any:
    """sum() for CEL lists (homogeneous: all ints or all doubles), bound as a host function."""
    from celpy import celtypes

    total: Any = None
    for x in items:
        total = x if total is None else total + x
    return celtypes.IntType(0) if total is None else total


def _cel_b2(dicts: Dicts) -> Thunk:
    import celpy

    env = celpy.Environment()
    # CEL has no sum(): it is bound as a host function over the lists CEL's map() builds.
    prg = env.program(env.compile(
        "double(sum(rows.map(r, r.dossiers_on_time))) / "
        "double(sum(rows.map(r, r.dossiers_received))) > 0.99 && "
        "sum(rows.map(r, r.satisfaction)) / double(size(rows)) >= 0.9"),
        functions={"sum": _cel_sum})
    return lambda: bool(prg.evaluate({"rows": celpy.json_to_cel([dict(d) for d in dicts])}))


def _zen_b1(dicts: Dicts) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9")
    evaluate = expr.evaluate
    return lambda: [evaluate(d) for d in dicts]


def _zen_b1_map(dicts: Dicts) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "map(rows, #.dossiers_on_time / #.dossiers_received >= 0.99 and #.satisfaction >= 0.9)")
    return lambda: list(expr.evaluate({"rows": dicts}))


def _zen_b2(dicts: Dicts) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "sum(map(rows, #.dossiers_on_time)) / sum(map(rows, #.dossiers_received)) > 0.99 "
        "and avg(map(rows, #.satisfaction)) >= 0.9")
    return lambda: bool(expr.evaluate({"rows": dicts}))


_JL_B1 = {"and": [
    {">=": [{"/": [{"var": ON_TIME}, {"var": RECEIVED}]}, 0.99]},
    {">=": [{"var": SATISFACTION}, 0.9]},
]}


def _jl_sum(field: str) -> dict[str, Any]:
    return {"reduce": [{"var": "rows"},
                       {"+": [{"var": "accumulator"}, {"var": f"current.{field}"}]}, 0]}


def _jl_b2(count: Any) -> dict[str, Any]:
    return {"and": [
        {">": [{"/": [_jl_sum(ON_TIME), _jl_sum(RECEIVED)]}, 0.99]},
        {">=": [{"/": [_jl_sum(SATISFACTION), count]}, 0.9]},
    ]}


def _datalogic_b1(dicts: Dicts) -> Thunk:
    import datalogic_py

    rule = datalogic_py.Engine().compile(_JL_B1)
    evaluate = rule.evaluate
    return lambda: [evaluate(d) for d in dicts]


def _datalogic_b2(dicts: Dicts) -> Thunk:
    import datalogic_py

    rule = datalogic_py.Engine().compile(_jl_b2({"length": {"var": "rows"}}))
    return lambda: bool(rule.evaluate({"rows": dicts}))


def _jsonlogic_b1(dicts: Dicts) -> Thunk:
    from json_logic import jsonLogic

    return lambda: [bool(jsonLogic(_JL_B1, d)) for d in dicts]


def _jsonlogic_b2(dicts: Dicts) -> Thunk:
    from json_logic import jsonLogic

    # json-logic-qubit has no length operator: count with a reduce as well.
    count = {"reduce": [{"var": "rows"}, {"+": [{"var": "accumulator"}, 1]}, 0]}
    rule = _jl_b2(count)
    return lambda: bool(jsonLogic(rule, {"rows": dicts}))


def _simpleeval_b1(dicts: Dicts) -> Thunk:
    from simpleeval import SimpleEval

    s = SimpleEval()
    parsed = s.parse("dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9")

    def run() -> list[bool]:
        out = []
        for d in dicts:
            s.names = d
            out.append(bool(s.eval("", previously_parsed=parsed)))
        return out
    return run


def _simpleeval_b2(dicts: Dicts) -> Thunk:
    import simpleeval
    from simpleeval import EvalWithCompoundTypes

    # Its comprehensions stop at 10,000 elements in all by default; the rule walks the agencies
    # three times.
    simpleeval.MAX_COMPREHENSION_LENGTH = max(simpleeval.MAX_COMPREHENSION_LENGTH,
                                              3 * len(dicts))
    s = EvalWithCompoundTypes(functions={"sum": sum, "len": len}, names={"rows": dicts})
    parsed = s.parse(
        "sum([r['dossiers_on_time'] for r in rows]) / sum([r['dossiers_received'] for r in rows])"
        " > 0.99 and sum([r['satisfaction'] for r in rows]) / len(rows) >= 0.9")
    return lambda: bool(s.eval("", previously_parsed=parsed))


BASELINE = "hand-written, float"
OURS = "ours"
PREPARED = "ours, prepared (rows built before timing)"
_JSON = ("json",)

B1_ROWS = [
    Impl(BASELINE, _float_b1, note="a list comprehension over the dicts"),
    Impl(OURS, _ours_b1, note="Formula.evaluate_each(dicts) (where the engine has it): "
         "values converted exactly inside"),
    Impl("ours, Row + Context per agency", _ours_b1_rows,
         note="values converted exactly, a Row built and evaluated per agency (a report's way)"),
    Impl("ours, Formula.evaluate(**facts)", _ours_b1_keywords,
         note="values converted exactly, evaluated with the facts as keywords"),
    Impl(PREPARED, _ours_b1_prepared, note="PREPARED: conversion and rows not timed"),
    Impl("hand-written, Decimal", _decimal_b1, note="Decimal(repr(float)) or Decimal(text)"),
    Impl("hand-written, Fraction", _fraction_b1, note="Fraction(repr(float)) or Fraction(text)"),
    Impl("zen-engine", _zen_b1, "zen", "zen-engine",
         "compile_expression once, evaluate per agency", _JSON),
    Impl("zen-engine (map)", _zen_b1_map, "zen", "zen-engine",
         "one call: map() over the list of agencies", _JSON),
    Impl("datalogic-py", _datalogic_b1, "datalogic_py", "datalogic-py",
         "JSONLogic, Engine().compile once", _JSON),
    Impl("simpleeval", _simpleeval_b1, "simpleeval", "simpleeval", "parsed once", _JSON),
    Impl("json-logic-qubit", _jsonlogic_b1, "json_logic", "json-logic-qubit", "", _JSON),
    Impl("cel-python", _cel_b1, "celpy", "cel-python",
         "compile+program once; json_to_cel per agency, inside the call", _JSON),
]

B2_ROWS = [
    Impl(BASELINE, _float_b2, note="three sum() over generators"),
    Impl(OURS, _ours_b2, note="Formula.evaluate_over(dicts) (where the engine has it): "
         "values converted exactly inside"),
    Impl("ours, rows built from the dicts", _ours_b2_rows,
         note="values converted exactly, a Row per agency, one evaluation"),
    Impl(PREPARED, _ours_b2_prepared, note="PREPARED: conversion and rows not timed"),
    Impl("hand-written, Decimal", _decimal_b2),
    Impl("hand-written, Fraction", _fraction_b2),
    Impl("zen-engine", _zen_b2, "zen", "zen-engine", "sum(map(...)), avg(map(...))", _JSON),
    Impl("datalogic-py", _datalogic_b2, "datalogic_py", "datalogic-py", "reduce", _JSON),
    Impl("simpleeval", _simpleeval_b2, "simpleeval", "simpleeval",
         "EvalWithCompoundTypes, list comprehensions", _JSON),
    Impl("json-logic-qubit", _jsonlogic_b2, "json_logic", "json-logic-qubit", "reduce", _JSON),
    Impl("cel-python", _cel_b2, "celpy", "cel-python",
         "map() with sum() bound as a host function; json_to_cel inside the call", _JSON),
]


# --- B3: the rules as authors write them -----------------------------------------------------

def author_rows() -> list[tuple[Impl, Impl]]:
    """For each form of :data:`AUTHOR_FORMS`: (ours, hand-written float Python)."""
    out = []
    for name, text, scope, fn in AUTHOR_FORMS:
        out.append((Impl(f"ours: {name}", _author_ours(text, scope == "agency"), note=text),
                    Impl(f"hand-written, float: {name}", _author_float(fn, scope))))
    return out


def _author_ours(text: str, per_agency: bool) -> Callable[[Dicts], Thunk]:
    def factory(dicts: Dicts) -> Thunk:
        formula = compile_rule(text, per_agency)
        if per_agency:
            return lambda: ours_per_agency(formula, dicts)
        return lambda: ours_aggregate(formula, dicts)
    return factory


def _author_float(fn: Callable[[Any], Any], scope: str) -> Callable[[Dicts], Thunk]:
    def factory(dicts: Dicts) -> Thunk:
        if scope == "agency":
            return lambda: [fn(d) for d in dicts]
        return lambda: fn(dicts)
    return factory


# --- B4: peers compiling their own B1 and B2 expressions (for reference) ----------------------

def compile_peers() -> list[Impl]:
    """Rows timing how long each peer takes to compile its B1 and B2 expressions (a thunk
    compiles both; the harness reports the time per expression)."""

    def cel(_: Any) -> Thunk:
        import celpy

        texts = ["double(dossiers_on_time) / double(dossiers_received) >= 0.99 && "
                 "satisfaction >= 0.9",
                 "double(sum(rows.map(r, r.dossiers_on_time))) / "
                 "double(sum(rows.map(r, r.dossiers_received))) > 0.99 && "
                 "sum(rows.map(r, r.satisfaction)) / double(size(rows)) >= 0.9"]

        def run() -> None:
            env = celpy.Environment()
            for t in texts:
                env.program(env.compile(t), functions={"sum": _cel_sum})
        return run

    def zen_(_: Any) -> Thunk:
        import zen

        texts = ["dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9",
                 "sum(map(rows, #.dossiers_on_time)) / sum(map(rows, #.dossiers_received)) > "
                 "0.99 and avg(map(rows, #.satisfaction)) >= 0.9"]
        return lambda: [zen.compile_expression(t) for t in texts]

    def simple(_: Any) -> Thunk:
        from simpleeval import EvalWithCompoundTypes

        texts = ["dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9",
                 "sum([r['dossiers_on_time'] for r in rows]) / sum([r['dossiers_received'] "
                 "for r in rows]) > 0.99 and sum([r['satisfaction'] for r in rows]) / "
                 "len(rows) >= 0.9"]
        return lambda: [EvalWithCompoundTypes().parse(t) for t in texts]

    def datalogic(_: Any) -> Thunk:
        import datalogic_py

        rules = [_JL_B1, _jl_b2({"length": {"var": "rows"}})]
        return lambda: [datalogic_py.Engine().compile(r) for r in rules]

    return [
        Impl("cel-python: compile+program", cel, "celpy", "cel-python"),
        Impl("zen-engine: compile_expression", zen_, "zen", "zen-engine"),
        Impl("datalogic-py: compile", datalogic, "datalogic_py", "datalogic-py"),
        Impl("simpleeval: parse", simple, "simpleeval", "simpleeval"),
    ]
