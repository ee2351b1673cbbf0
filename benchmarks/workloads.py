"""The rows of the benchmark: ours, hand-written Python, and peer engines.

Every "ours" row goes through one small adapter function per workload (``ours_b1``,
``ours_b2``, ``ours_compile``, ``ours_evaluate_plan``, ``ours_load_plan``, ``ours_load_facts``),
so that a faster engine API can be switched in at one place.

A row is built by a factory ``factory(agencies) -> thunk``: the factory converts the generated
data into the form that implementation reads and compiles its rule (neither is timed); the
thunk does the timed work and returns the answer (B1: one boolean per agency, B2: one boolean),
which is checked against ours before anything is timed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from data import ON_TIME, RECEIVED, SATISFACTION, Agency

import engine
from engine.builtins import BOOL, DATE, NUMBER, TEXT
from engine.evaluator import Context, Row

B1_TEXT = "dossiers_on_time / dossiers_received >= 99% and satisfaction >= 90%"
B2_TEXT = ("sum(dossiers_on_time) / sum(dossiers_received) > 99% "
           "and avg(satisfaction) >= 90%")

_B_TYPES = {ON_TIME: NUMBER, RECEIVED: NUMBER, SATISFACTION: NUMBER}

Thunk = Callable[[], Any]


@dataclass(frozen=True)
class Impl:
    """One row of a workload."""

    name: str
    factory: Callable[[Sequence[Agency]], Thunk]
    needs: str | None = None  # the module a peer needs; None for ours and hand-written rows
    package: str | None = None  # its distribution name, for "not installed"
    note: str = ""

    def installed(self) -> bool:
        return self.needs is None or importlib.util.find_spec(self.needs) is not None


# --- ours: the adapters ----------------------------------------------------------------------

def ours_b1_compile() -> engine.Formula:
    return engine.compile_formula(B1_TEXT, engine.Symbols(_B_TYPES, _B_TYPES))


def ours_rows(agencies: Sequence[Agency]) -> list[Row]:
    return [Row(a.id, a.kind, a.exact_facts()) for a in agencies]


def ours_b1(formula: engine.Formula, rows: Sequence[Row]) -> list[Any]:
    """The per-agency rule for each agency: one evaluation per agency, its facts the scalars
    and itself the population (how a report evaluates a unit of a breakdown)."""
    evaluate = formula.evaluate
    return [evaluate(Context(r.facts, (r,), r.agency)) for r in rows]


def ours_b2_compile() -> engine.Formula:
    return engine.compile_formula(B2_TEXT, engine.Symbols({}, _B_TYPES))


def ours_b2(formula: engine.Formula, rows: Sequence[Row]) -> Any:
    """The aggregate rule over every agency: one evaluation with all of them as population."""
    return formula.evaluate(Context({}, rows))


def ours_compile(text: str, symbols: engine.Symbols) -> engine.Formula:
    """B3: parse, check and compile one expression."""
    return engine.compile_formula(text, symbols)


def ours_load_plan(path: str | Path) -> engine.Plan:
    """B3/B4: load and validate a plan."""
    return engine.load_plan(path)


def ours_evaluate_plan(plan: engine.Plan, facts: Any, period: str,
                       as_of: dt.date) -> engine.Report:
    """B4: evaluate a whole plan against a fact set."""
    return engine.evaluate(plan, facts, period=period, as_of=as_of)


def ours_load_facts(plan: engine.Plan, folder: str | Path, period: str) -> engine.Facts:
    """B6: read and check a folder of fact files (the quarter's Excel sheets)."""
    return engine.load_facts(plan, folder, period)


def openpyxl_read(folder: str | Path) -> int:
    """B6 reference: openpyxl's own read-only reader over the same workbooks, every cell of
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


def plan_symbols(plan: engine.Plan) -> engine.Symbols:
    """B3: every fact of the plan, as a scalar and per agency, plus the period dates."""
    types = {"count": NUMBER, "number": NUMBER, "share": NUMBER, "bool": BOOL, "date": DATE,
             "category": TEXT}
    facts = {f: types[d.type] for f, d in plan.facts.items()}
    scalars = {**facts, "period_start": DATE, "period_end": DATE, "period_due": DATE,
               "as_of": DATE}
    return engine.Symbols(scalars, facts)


def _ours_b1(agencies: Sequence[Agency]) -> Thunk:
    formula, rows = ours_b1_compile(), ours_rows(agencies)
    return lambda: ours_b1(formula, rows)


def _ours_b2(agencies: Sequence[Agency]) -> Thunk:
    formula, rows = ours_b2_compile(), ours_rows(agencies)
    return lambda: ours_b2(formula, rows)


# --- hand-written Python ---------------------------------------------------------------------

def _float_b1(agencies: Sequence[Agency]) -> Thunk:
    rows = [a.float_facts() for a in agencies]

    def run() -> list[bool]:
        return [r[ON_TIME] / r[RECEIVED] >= 0.99 and r[SATISFACTION] >= 0.9 for r in rows]
    return run


def _float_b2(agencies: Sequence[Agency]) -> Thunk:
    rows = [a.float_facts() for a in agencies]

    def run() -> bool:
        ratio = sum(r[ON_TIME] for r in rows) / sum(r[RECEIVED] for r in rows)
        return ratio > 0.99 and sum(r[SATISFACTION] for r in rows) / len(rows) >= 0.9
    return run


def _decimal_facts(a: Agency) -> dict[str, Decimal]:
    s = a.satisfaction
    return {RECEIVED: Decimal(a.received), ON_TIME: Decimal(a.on_time),
            SATISFACTION: Decimal(s.numerator) / Decimal(s.denominator)}  # exact: thousandths


def _decimal_b1(agencies: Sequence[Agency]) -> Thunk:
    rows = [_decimal_facts(a) for a in agencies]
    p99, p90 = Decimal("0.99"), Decimal("0.9")

    def run() -> list[bool]:
        return [r[ON_TIME] / r[RECEIVED] >= p99 and r[SATISFACTION] >= p90 for r in rows]
    return run


def _decimal_b2(agencies: Sequence[Agency]) -> Thunk:
    rows = [_decimal_facts(a) for a in agencies]
    p99, p90 = Decimal("0.99"), Decimal("0.9")

    def run() -> bool:
        ratio = sum(r[ON_TIME] for r in rows) / sum(r[RECEIVED] for r in rows)
        return ratio > p99 and sum(r[SATISFACTION] for r in rows) / len(rows) >= p90
    return run


def _fraction_b1(agencies: Sequence[Agency]) -> Thunk:
    rows = [a.exact_facts() for a in agencies]
    p99, p90 = Fraction(99, 100), Fraction(9, 10)

    def run() -> list[bool]:
        return [Fraction(r[ON_TIME], r[RECEIVED]) >= p99 and r[SATISFACTION] >= p90
                for r in rows]
    return run


def _fraction_b2(agencies: Sequence[Agency]) -> Thunk:
    rows = [a.exact_facts() for a in agencies]
    p99, p90 = Fraction(99, 100), Fraction(9, 10)

    def run() -> bool:
        ratio = Fraction(sum(r[ON_TIME] for r in rows), sum(r[RECEIVED] for r in rows))
        return ratio > p99 and sum(r[SATISFACTION] for r in rows) / len(rows) >= p90
    return run


# --- peers -----------------------------------------------------------------------------------
# Peers get floats for the satisfaction share (what a JSON document would give them).

def _cel_b1(agencies: Sequence[Agency]) -> Thunk:
    import celpy

    env = celpy.Environment()
    prg = env.program(env.compile(
        "double(dossiers_on_time) / double(dossiers_received) >= 0.99 && satisfaction >= 0.9"))
    acts = [{k: celpy.json_to_cel(v) for k, v in a.float_facts().items()} for a in agencies]
    return lambda: [bool(prg.evaluate(act)) for act in acts]


def _cel_sum(items: Any) -> Any:
    """sum() for CEL lists (homogeneous: all ints or all doubles), bound as a host function."""
    from celpy import celtypes

    total: Any = None
    for x in items:
        total = x if total is None else total + x
    return celtypes.IntType(0) if total is None else total


def _cel_b2(agencies: Sequence[Agency]) -> Thunk:
    import celpy

    env = celpy.Environment()
    # CEL has no sum(): it is bound as a host function over the lists CEL's map() builds.
    prg = env.program(env.compile(
        "double(sum(rows.map(r, r.dossiers_on_time))) / "
        "double(sum(rows.map(r, r.dossiers_received))) > 0.99 && "
        "sum(rows.map(r, r.satisfaction)) / double(size(rows)) >= 0.9"),
        functions={"sum": _cel_sum})
    act = {"rows": celpy.json_to_cel([a.float_facts() for a in agencies])}
    return lambda: bool(prg.evaluate(act))


def _zen_b1(agencies: Sequence[Agency]) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9")
    rows = [a.float_facts() for a in agencies]
    evaluate = expr.evaluate
    return lambda: [evaluate(r) for r in rows]


def _zen_b1_map(agencies: Sequence[Agency]) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "map(rows, #.dossiers_on_time / #.dossiers_received >= 0.99 and #.satisfaction >= 0.9)")
    data = {"rows": [a.float_facts() for a in agencies]}
    return lambda: list(expr.evaluate(data))


def _zen_b2(agencies: Sequence[Agency]) -> Thunk:
    import zen

    expr = zen.compile_expression(
        "sum(map(rows, #.dossiers_on_time)) / sum(map(rows, #.dossiers_received)) > 0.99 "
        "and avg(map(rows, #.satisfaction)) >= 0.9")
    data = {"rows": [a.float_facts() for a in agencies]}
    return lambda: bool(expr.evaluate(data))


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


def _datalogic_b1(agencies: Sequence[Agency]) -> Thunk:
    import datalogic_py

    rule = datalogic_py.Engine().compile(_JL_B1)
    rows = [a.float_facts() for a in agencies]
    evaluate = rule.evaluate
    return lambda: [evaluate(r) for r in rows]


def _datalogic_b2(agencies: Sequence[Agency]) -> Thunk:
    import datalogic_py

    rule = datalogic_py.Engine().compile(_jl_b2({"length": {"var": "rows"}}))
    data = {"rows": [a.float_facts() for a in agencies]}
    return lambda: bool(rule.evaluate(data))


def _jsonlogic_b1(agencies: Sequence[Agency]) -> Thunk:
    from json_logic import jsonLogic

    rows = [a.float_facts() for a in agencies]
    return lambda: [bool(jsonLogic(_JL_B1, r)) for r in rows]


def _jsonlogic_b2(agencies: Sequence[Agency]) -> Thunk:
    from json_logic import jsonLogic

    # json-logic-qubit has no length operator: count with a reduce as well.
    count = {"reduce": [{"var": "rows"}, {"+": [{"var": "accumulator"}, 1]}, 0]}
    rule = _jl_b2(count)
    data = {"rows": [a.float_facts() for a in agencies]}
    return lambda: bool(jsonLogic(rule, data))


def _simpleeval_b1(agencies: Sequence[Agency]) -> Thunk:
    from simpleeval import SimpleEval

    s = SimpleEval()
    parsed = s.parse("dossiers_on_time / dossiers_received >= 0.99 and satisfaction >= 0.9")
    rows = [a.float_facts() for a in agencies]

    def run() -> list[bool]:
        out = []
        for r in rows:
            s.names = r
            out.append(bool(s.eval("", previously_parsed=parsed)))
        return out
    return run


def _simpleeval_b2(agencies: Sequence[Agency]) -> Thunk:
    import simpleeval
    from simpleeval import EvalWithCompoundTypes

    rows = [a.float_facts() for a in agencies]
    # Its comprehensions stop at 10,000 elements in all by default; the rule walks the agencies
    # three times.
    simpleeval.MAX_COMPREHENSION_LENGTH = max(simpleeval.MAX_COMPREHENSION_LENGTH,
                                              3 * len(rows))
    s = EvalWithCompoundTypes(functions={"sum": sum, "len": len}, names={"rows": rows})
    parsed = s.parse(
        "sum([r['dossiers_on_time'] for r in rows]) / sum([r['dossiers_received'] for r in rows])"
        " > 0.99 and sum([r['satisfaction'] for r in rows]) / len(rows) >= 0.9")
    return lambda: bool(s.eval("", previously_parsed=parsed))


BASELINE = "hand-written, float"
OURS = "ours"

B1_ROWS = [
    Impl(BASELINE, _float_b1, note="a list comprehension over dicts"),
    Impl("hand-written, Decimal", _decimal_b1),
    Impl("hand-written, Fraction", _fraction_b1),
    Impl(OURS, _ours_b1, note="compiled once; benchmarks/workloads.py:ours_b1"),
    Impl("zen-engine", _zen_b1, "zen", "zen-engine",
         "compile_expression once, evaluate per agency"),
    Impl("zen-engine (map)", _zen_b1_map, "zen", "zen-engine",
         "one call: map() over the list of agencies"),
    Impl("datalogic-py", _datalogic_b1, "datalogic_py", "datalogic-py",
         "JSONLogic, Engine().compile once"),
    Impl("simpleeval", _simpleeval_b1, "simpleeval", "simpleeval", "parsed once"),
    Impl("json-logic-qubit", _jsonlogic_b1, "json_logic", "json-logic-qubit"),
    Impl("cel-python", _cel_b1, "celpy", "cel-python",
         "compile+program once, activations prebuilt"),
]

B2_ROWS = [
    Impl(BASELINE, _float_b2, note="three sum() over generators"),
    Impl("hand-written, Decimal", _decimal_b2),
    Impl("hand-written, Fraction", _fraction_b2),
    Impl(OURS, _ours_b2, note="compiled once; benchmarks/workloads.py:ours_b2"),
    Impl("zen-engine", _zen_b2, "zen", "zen-engine", "sum(map(...)), avg(map(...))"),
    Impl("datalogic-py", _datalogic_b2, "datalogic_py", "datalogic-py", "reduce"),
    Impl("simpleeval", _simpleeval_b2, "simpleeval", "simpleeval",
         "EvalWithCompoundTypes, list comprehensions"),
    Impl("json-logic-qubit", _jsonlogic_b2, "json_logic", "json-logic-qubit", "reduce"),
    Impl("cel-python", _cel_b2, "celpy", "cel-python", "map() with sum() bound as a host function"),
]


# --- B3: peers compiling their own B1 and B2 expressions (for reference) ----------------------

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
