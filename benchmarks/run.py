"""The benchmark suite of issue 17: honest workloads, ours against hand-written Python and peers.

    python benchmarks/run.py [--quick] [--json FILE] [--markdown FILE] [--only B1,B2,...]

Every row goes from the same input to the same answer inside the timed call (a row that does
not is labelled "prepared" and never judged). Workloads (see docs/performance.md):

    B1  a per-agency rule from list[dict] (JSON floats and ints; decimal strings)
    B2  an aggregate rule from list[dict], rows built inside
    B3  the rules as authors write them (x / y * 100 >= 99 beside >= 99%, ratios of sums,
        coalesce)
    B4  compiling expressions, code generation included, beside Python's compile()
    B5  engine.evaluate of the whole plan from a fact set as load_facts returns it, alone and
        with Report.to_dict(); Sơn La's scale and national scale
    B6  cold start: the README's main job and cchc --help as fresh processes, beside
        python -c pass, on a first run (empty plan cache) and a warm one
    B7  ingestion: fact files of 20,000 and 200,000 values (CSV, YAML, JSON), a file of errors,
        and plans with registries of 2,000 and 20,000 agencies beside PyYAML's C loader
    B8  the quarter's Excel fact sheets (issue 7)
    B9  scoring (issue 16): benchmarks/scoring.py, when it is there (see ``b9``)

Rows of one workload are timed in interleaved rounds (round robin over the rows, repeated), so
that a slow minute of a noisy machine falls on every row alike. A ratio target is judged on the
paired ratio: the median over the rounds of the row's time over the other row's time in the
same round. A time target is judged on the median. Every workload runs at two sizes; a growth
target fails when the cost per item at the larger size exceeds GROWTH_TOLERANCE times the cost
per item at the smaller one (cost growing faster than linearly). The JSON (--json) lists every
target with ``met``; --markdown writes the rows of the table of docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import importlib
import json
import math
import os
import platform
import resource
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data
import workloads
from workloads import BASELINE, OURS, Impl

ROOT = data.ROOT
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent

#: A growth target fails when cost per item grows more than this many times from the smaller
#: size to the larger (10x apart: a cost growing like n log n gives about 1.3x, like n^2 10x).
#: Where the workload has a linear reference timed in the same rounds (hand-written Python,
#: Python's compile(), reading the file by hand, PyYAML), the growth is that of the paired
#: ratio to it, which a machine slower during one size than the other does not move; else
#: (B5, memory) of the cost per item itself (times: each the row's minimum over its rounds).
GROWTH_TOLERANCE = 1.5

#: Every target the suite reports, by id: (issue, workload). tests/test_benchmarks.py checks
#: that a run reports each of them.
TARGETS: dict[str, tuple[int, str]] = {
    "B1.ratio": (17, "B1"), "B1.growth.json": (17, "B1"), "B1.growth.text": (17, "B1"),
    "B2.ratio": (17, "B2"), "B2.growth.json": (17, "B2"), "B2.growth.text": (17, "B2"),
    "B3.per-agency": (17, "B3"), "B3.aggregate": (17, "B3"), "B3.growth": (17, "B3"),
    "B4.ratio": (17, "B4"), "B4.growth": (17, "B4"), "B4.per-expression": (7, "B4"),
    "B4.warm-load": (7, "B4"),
    "B5.to-dict": (17, "B5"), "B5.growth": (17, "B5"), "B5.son-la": (7, "B5"),
    "B5.national": (7, "B5"), "B5.memory": (7, "B5"),
    "B6.first": (17, "B6"), "B6.warm": (17, "B6"), "B6.help": (17, "B6"),
    "B6.help-ms": (7, "B6"), "B6.main-ms": (7, "B6"),
    "B7.csv-rate": (17, "B7"), "B7.yaml-rate": (17, "B7"), "B7.json-rate": (17, "B7"),
    "B7.csv-memory": (17, "B7"), "B7.yaml-memory": (17, "B7"), "B7.json-memory": (17, "B7"),
    "B7.growth.csv": (17, "B7"), "B7.growth.yaml": (17, "B7"), "B7.growth.json": (17, "B7"),
    "B7.growth.memory": (17, "B7"), "B7.errors": (17, "B7"), "B7.registry": (17, "B7"),
    "B7.registry-cached": (17, "B7"), "B7.growth.registry": (17, "B7"),
    "B8.excel": (7, "B8"),
    "B9.scoring-243": (16, "B9"), "B9.scoring-12000": (16, "B9"),
    "B9.qd766-son-la": (16, "B9"),
}


@dataclass(frozen=True)
class Settings:
    quick: bool
    rounds: int  # rounds of the in-process workloads
    budget: float  # seconds one row may spend on its rounds (fewer rounds past it)
    slow_cap: float  # --quick: a peer row estimated slower than this per call is skipped
    process_rounds: int  # rounds of B6's fresh processes (each row's median judged)
    national_rounds: int
    national_budget: float  # seconds of wall time for the whole national child process
    child_budget: float  # seconds one B7 child process may take (its plan load included)
    ingest_rounds: int = 3  # fresh processes per file and per registry in B7
    rule_sizes: tuple[int, int] = (1_000, 10_000)
    compile_sizes: tuple[int, int] = (30, 100)  # expressions
    ingest_sizes: tuple[int, int] = (20_000, 200_000)  # values
    registry_sizes: tuple[int, int] = (2_000, 20_000)  # agencies
    national: tuple[int, int] = (690, 16)  # districts, communes per district
    excel: bool = True  # B8 writes 242 workbooks first (5 to 10 s)
    references: bool = True  # B6's reference rows (they judge nothing; --tiny leaves them out)
    min_sample: float = 0.01

    @staticmethod
    def make(quick: bool) -> Settings:
        if quick:
            return Settings(True, 5, 1.5, 1.5, 7, 1, 90.0, 120.0, ingest_rounds=1)
        return Settings(False, 15, 20.0, math.inf, 15, 3, 900.0, 300.0)

    @staticmethod
    def tiny() -> Settings:
        """For tests/test_benchmarks.py: the structure of every workload at tiny sizes."""
        return Settings(True, 2, 0.5, math.inf, 0, 1, 60.0, 60.0, 1, rule_sizes=(20, 40),
                        compile_sizes=(3, 6), ingest_sizes=(100, 200),
                        registry_sizes=(300, 400), national=(4, 3), excel=False,
                        references=False, min_sample=0.0)


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Row:
    """One measured row of a workload."""

    name: str
    status: str = "ok"  # ok | not installed | not available | skipped | failed | timed out
    times: list[float] = field(default_factory=list)  # seconds per call, one per round
    inner: int = 1
    note: str = ""
    agrees: str = ""  # with ours on the generated data
    boundary: str = ""  # on the exact-boundary data
    ratio_min: float | None = None
    ratio_median: float | None = None
    #: the median over rounds of this row's time / the baseline's time in the same round
    ratio_paired: float | None = None
    result: Any = field(default=None, repr=False)
    scale: float = 1.0  # times are divided by this when shown (e.g. per expression)
    warm_time: float | None = None  # set when the caller already made the warm-up call
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def min(self) -> float | None:
        return min(self.times) / self.scale if self.times else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) / self.scale if self.times else None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "min_s": self.min,
                "median_s": self.median, "rounds": len(self.times), "inner": self.inner,
                "ratio_min": self.ratio_min, "ratio_median": self.ratio_median,
                "ratio_paired": self.ratio_paired,
                "agrees": self.agrees or None, "boundary": self.boundary or None,
                "note": self.note or None, **self.extra}


def _once(thunk: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = thunk()
    return time.perf_counter() - t, result


def measure(rows: Sequence[tuple[Row, Callable[[], Any]]], settings: Settings,
            min_sample: float | None = None,
            clock: Callable[[], float] = time.perf_counter) -> None:
    """Warm each row up (its answer is kept), then time interleaved rounds.

    A call shorter than ``min_sample`` is repeated within a sample; a row whose rounds would
    exceed the budget gets fewer (at least one; a first call longer than the budget is used as
    the only sample). ``clock`` times the samples: wall time by default; the rule workloads
    (B1-B3) pass ``time.process_time``, the CPU time of this process (every thread of it), so
    that another process taking the core for a while does not inflate one sample of one row.
    """
    sample = settings.min_sample if min_sample is None else min_sample
    plan: list[tuple[Row, Callable[[], Any], int]] = []
    for row, thunk in rows:
        if row.warm_time is None:
            first, row.result = _once(thunk)
        else:
            first = row.warm_time
        row.inner = max(1, min(10_000, math.ceil(sample / max(first, 1e-9))))
        if first >= settings.budget:
            row.times = [first]
            row.note = _join(row.note, "one call (no warm-up)")
            continue
        fits = settings.budget / (first * row.inner)
        n = max(1, min(settings.rounds, int(fits) if math.isfinite(fits) else settings.rounds))
        if n < settings.rounds:
            row.note = _join(row.note, f"{n} round{'s' if n > 1 else ''} (time budget)")
        plan.append((row, thunk, n))
    for r in range(max((n for _, _, n in plan), default=0)):
        for row, thunk, n in plan:
            if r >= n:
                continue
            gc.collect()
            inner = row.inner
            t = clock()
            for _ in range(inner):
                thunk()
            row.times.append((clock() - t) / inner)


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def paired(row: Row, base: Row) -> float | None:
    """The median over the rounds both have of ``row``'s time over ``base``'s."""
    if not row.times or not base.times:
        return None
    scale = base.scale / row.scale  # per expression for both, when they are scaled
    return statistics.median(t / b * scale
                             for t, b in zip(row.times, base.times, strict=False))


def set_ratios(rows: Sequence[Row], baseline: Row | None) -> None:
    if baseline is None or not baseline.times:
        return
    for row in rows:
        if row.times:
            row.ratio_min = row.min / baseline.min  # type: ignore[operator]
            row.ratio_median = row.median / baseline.median  # type: ignore[operator]
            # Round i of every row ran in the same pass over the rows: pairing the rounds
            # cancels a machine that speeds up or slows down between rounds.
            row.ratio_paired = paired(row, baseline)


def growth(small: float | None, n_small: float, big: float | None, n_big: float
           ) -> float | None:
    """The cost per item at the larger size over the cost per item at the smaller one."""
    if not small or not big or not n_small or not n_big:
        return None
    return (big / n_big) / (small / n_small)


# --- targets ------------------------------------------------------------------------------------

def target(tid: str, text: str, value: float | None, limit: float, unit: str = "",
           at_least: bool = False, note: str = "") -> dict[str, Any]:
    """A target: ``value`` at most ``limit`` (or at least, with ``at_least``); a value that
    could not be measured is not met."""
    met = value is not None and (value >= limit if at_least else value <= limit)
    issue, workload = TARGETS[tid]
    return {"id": tid, "issue": issue, "workload": workload, "target": text,
            "limit": limit, "at_least": at_least, "value": value, "unit": unit, "met": met,
            "note": note or None}


def growth_target(tid: str, what: str, value: float | None, sizes: tuple[float, float],
                  unit: str, reference: str = "") -> dict[str, Any]:
    """Growth from the smaller size to the larger: of the cost per ``unit``, or, with a
    ``reference`` (a linear row timed in the same rounds), of the paired ratio to it."""
    of = f"the ratio to {reference}" if reference else f"the cost per {unit}"
    units = "agencies" if unit == "agency" else f"{unit}s"
    return target(tid, f"linear growth of {what}: {of} at {sizes[1]:,.0f} {units} <= "
                  f"{GROWTH_TOLERANCE}x that at {sizes[0]:,.0f}", value, GROWTH_TOLERANCE, "x")


# --- B1, B2: rules from list[dict] --------------------------------------------------------------

#: The clock of the rule workloads (B1-B3): in-process calls of a few milliseconds, timed in
#: CPU time, which another process on a shared machine does not inflate (see ``measure``).
RULE_CLOCK: Callable[[], float] = time.process_time

def _compare(expected: Any, got: Any) -> str:
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return "NO (shape differs)"
        diff = sum(1 for e, g in zip(expected, got, strict=True) if e != g)
        return "yes" if diff == 0 else f"NO ({diff} of {len(expected)} differ)"
    return "yes" if expected == got else f"NO ({got} instead of {expected})"


def rule_workload(name: str, impls: Sequence[Impl], kind: str, n: int, settings: Settings,
                  estimates: dict[str, float]) -> tuple[dict[str, Any], dict[str, Row]]:
    """One rule workload at one size and input kind ("json" or "text")."""
    dicts = data.inputs(data.agencies(n), kind)
    boundary = data.inputs(data.boundary_agencies(n), kind)
    rows: list[tuple[Row, Callable[[], Any]]] = []
    shown: list[Row] = []
    for impl in impls:
        if kind not in impl.inputs:
            continue
        row = Row(impl.name, note=impl.note)
        shown.append(row)
        if not impl.installed():
            row.status = "not installed"
            row.note = f"pip install {impl.package} (or the 'bench' extra)"
            continue
        est = estimates.get(f"{kind}/{impl.name}")
        if est is not None and impl.needs is not None and est > settings.slow_cap:
            row.status = "skipped"
            row.note = f"--quick: about {fmt_time(est)} per call, estimated from a smaller N"
            continue
        rows.append((row, impl.factory(dicts)))
    # Ours right after the baseline in each round, so that the pair judged runs back to back.
    rows.sort(key=lambda pair: pair[0].name not in (BASELINE, OURS))
    measure(rows, settings, clock=RULE_CLOCK)
    by_name = {r.name: r for r in shown}
    ours = by_name[OURS]
    for row, _ in rows:
        row.agrees = "reference" if row is ours else _compare(ours.result, row.result)
        if n == settings.rule_sizes[0]:
            estimates[f"{kind}/{row.name}"] = (row.median or 0) * settings.rule_sizes[-1] / n
    # The exact-boundary data: every agency exactly at 99% or 100% on time, exactly 90%
    # satisfied: exactly, every agency passes B1 and B2 holds.
    truth: Any = [True] * n if name == "B1" else True
    for row, _ in rows:
        impl = next(i for i in impls if i.name == row.name)
        got = impl.factory(boundary)()
        row.boundary = "exact" if _compare(truth, got) == "yes" else \
            _compare(truth, got).replace("NO", "WRONG", 1)
    set_ratios(shown, by_name.get(BASELINE))
    title = {"B1": "per-agency rule", "B2": "aggregate rule"}[name]
    return ({"workload": name, "title": f"{title}, from list[dict] of {_KINDS[kind]}",
             "input": kind, "n": n, "unit": "seconds per call",
             "rows": [r.to_dict() for r in shown], "targets": []}, by_name)


_KINDS = {"json": "JSON values (ints, float shares)", "text": "exact decimal strings"}


def rules(name: str, impls: Sequence[Impl], settings: Settings, limit: float
          ) -> list[dict[str, Any]]:
    out = []
    sizes = settings.rule_sizes
    for kind in ("json", "text"):
        estimates: dict[str, float] = {}
        measured = [rule_workload(name, impls, kind, n, settings, estimates) for n in sizes]
        for w, _ in measured:
            out.append(w)
        (_, small), (last, big) = measured
        g = growth(small[OURS].ratio_paired, 1, big[OURS].ratio_paired, 1)
        last["growth"] = g
        if kind == "json":
            ours = big[OURS]
            what = "per-agency rule" if name == "B1" else "aggregate rule, rows built inside"
            last["targets"].append(target(
                f"{name}.ratio", f"{what}, from list[dict] of JSON values, N = {sizes[1]:,}: "
                f"ours <= {limit}x hand-written float Python (paired; ratio of the minimums "
                f"{fmt_ratio(ours.ratio_min)})", ours.ratio_paired, limit, "x"))
        last["targets"].append(growth_target(f"{name}.growth.{kind}", f"ours ({kind} input)",
                                             g, sizes, "agency", "hand-written float"))
    return out


# --- B3: the rules as authors write them --------------------------------------------------------

def b3(settings: Settings) -> list[dict[str, Any]]:
    out = []
    sizes = settings.rule_sizes
    ratios: list[dict[str, float | None]] = []
    for n in sizes:
        agencies = data.agencies(n)
        full, gaps = data.inputs(agencies, "json"), data.inputs(agencies, "json", gaps=0.05)
        rows: list[tuple[Row, Callable[[], Any]]] = []
        pairs: list[tuple[Row, Row]] = []
        for (ours, hand), (_, text, _, _) in zip(workloads.author_rows(),
                                                 workloads.AUTHOR_FORMS, strict=True):
            dicts = gaps if "coalesce" in text else full
            o, h = Row(ours.name, note=ours.note), Row(hand.name)
            rows += [(h, hand.factory(dicts)), (o, ours.factory(dicts))]
            pairs.append((o, h))
        measure(rows, settings, clock=RULE_CLOCK)
        by = {r.name: r for r, _ in rows}
        for o, h in pairs:
            set_ratios([o, h], h)
            o.agrees = "reference"
            h.agrees = _compare(o.result, h.result)
        # The forms of one rule must give the same answers (exact arithmetic).
        for a, b in workloads.AUTHOR_TARGETS:
            ra, rb = by[f"ours: {a}"], by[f"ours: {b}"]
            ra.agrees = "same as " + b if ra.result == rb.result else f"NO: differs from {b}"
        w: dict[str, Any] = {"workload": "B3", "title": "rules as authors write them, from "
                             "list[dict] of JSON values (ratios: ours to the same rule in "
                             "hand-written float Python)", "input": "json", "n": n,
                             "unit": "seconds per call", "rows": [r.to_dict() for r, _ in rows],
                             "targets": []}
        w["author_ratios"] = {}
        for a, b in workloads.AUTHOR_TARGETS:
            w["author_ratios"][a] = paired(by[f"ours: {a}"], by[f"ours: {b}"])
        ratios.append({r.name: r.ratio_paired for r, _ in rows})
        out.append(w)
    last = out[-1]
    for (a, b), tid in zip(workloads.AUTHOR_TARGETS, ("B3.per-agency", "B3.aggregate"),
                           strict=True):
        last["targets"].append(target(
            tid, f"'{_text(a)}' within 1.5x of '{_text(b)}', N = {sizes[1]:,} (paired)",
            last["author_ratios"][a], 1.5, "x"))
    worst = [growth(ratios[0][r], 1, ratios[1][r], 1) for r in ratios[0] if r.startswith("ours")]
    g = max((x for x in worst if x is not None), default=None)
    last["growth"] = g
    last["targets"].append(growth_target("B3.growth", "every form (the worst)", g, sizes,
                                         "agency", "the same rule in hand-written float"))
    return out


def _text(form: str) -> str:
    return next(t for name, t, _, _ in workloads.AUTHOR_FORMS if name == form)


# --- B4: compiling --------------------------------------------------------------------------------

def b4(settings: Settings) -> list[dict[str, Any]]:
    plan = workloads.ours_load_plan(data.PLAN_2023)
    symbols = workloads.plan_symbols(plan)
    out = []
    per: list[float | None] = []
    sizes = settings.compile_sizes
    for k in sizes:
        pairs = data.expression_pairs(plan, k)
        texts, pys = [c for c, _ in pairs], [p for _, p in pairs]
        ours = Row(OURS + ": compile_formula + code generation", scale=k,
                   note=f"per expression, {k} expressions; workloads.ours_compile")
        base = Row("Python compile() of the equivalent expressions", scale=k,
                   note="compile(text, '<expr>', 'eval'), floats, aggregates as generators")
        thunks: list[tuple[Row, Callable[[], Any]]] = [
            (base, lambda pys=pys: [compile(p, "<expr>", "eval") for p in pys]),
            (ours, lambda texts=texts: [workloads.ours_compile(t, symbols) for t in texts]),
            (Row("ours: compile_formula, code generated later (leaves codegen out)", scale=k,
                 note="PREPARED: the first evaluation pays the code generation"),
             lambda texts=texts: [workloads.ours_compile_deferred(t, symbols) for t in texts]),
        ]
        thunks += _phase_rows(texts, symbols, k)
        shown = [r for r, _ in thunks]
        for impl in workloads.compile_peers():
            row = Row(impl.name, scale=2, note="its own B1 and B2 expressions, per expression")
            shown.append(row)
            if not impl.installed():
                row.status = "not installed"
                continue
            thunks.append((row, impl.factory(())))
        measure(thunks, settings)
        set_ratios(shown, base)
        ok = isinstance(ours.result, list) and len(ours.result) == k and \
            isinstance(base.result, list) and len(base.result) == k
        ours.agrees = "compiled all" if ok else "NO"
        per.append(ours.ratio_paired)
        out.append({"workload": "B4", "title": "compile per expression, code generation "
                    "included", "n": k, "unit": "seconds per expression",
                    "rows": [r.to_dict() for r in shown], "targets": [], "_ours": ours})
    last = out[-1]
    ours = last.pop("_ours")
    out[0].pop("_ours")
    warm = Row("load+validate plans/2023.yaml, warm", note="in-process, after a first load")
    measure([(warm, lambda: workloads.ours_load_plan(data.PLAN_2023))],
            dataclasses.replace(settings, budget=max(settings.budget, 5.0)))
    last["rows"].append(warm.to_dict())
    g = growth(per[0], 1, per[1], 1)
    last["growth"] = g
    last["targets"] += [
        target("B4.ratio", f"compile per expression, code generation included, <= 10x "
               f"Python's compile() of the equivalent expression ({sizes[1]} expressions, "
               "paired)", ours.ratio_paired, 10.0, "x"),
        growth_target("B4.growth", "compiling", g, sizes, "expression", "Python's compile()"),
        target("B4.per-expression", "<= 0.5 ms per expression, code generation included "
               "(median)", ours.median, 0.0005, "s"),
        target("B4.warm-load", "plans/2023.yaml loaded and validated in <= 150 ms, warm "
               "(median)", warm.median, 0.150, "s"),
    ]
    return out


def _phase_rows(texts: list[str], symbols: Any, k: int) -> list[tuple[Row, Callable[[], Any]]]:
    """Parse and check alone, for where the time goes: the engine's internals, so a row is
    left out when they have changed."""
    try:
        from engine.checker import check
        from engine.parser import parse

        parsed = [parse(t) for t in texts]
    except Exception:  # internals moved: these rows only explain, they judge nothing
        return []
    return [(Row("ours: parse only", scale=k, note="internal (engine.parser.parse)"),
             lambda: [parse(t) for t in texts]),
            (Row("ours: check only", scale=k, note="internal (engine.checker.check)"),
             lambda: [check(e, symbols) for e in parsed])]


# --- B5: the whole plan -------------------------------------------------------------------------

def b5(settings: Settings, cache: Path) -> list[dict[str, Any]]:
    plan = workloads.ours_load_plan(data.PLAN_2023)
    values = data.plan_facts(plan, "year")
    facts = workloads.ours_facts(plan, values, "year")
    as_of = plan.periods["year"].due
    n_small = len(plan.agencies)
    small = Row(f"ours: evaluate, Sơn La ({n_small} agencies)",
                note=f"period year, {facts.count} fact values, a Facts as load_facts returns")
    to_dict = Row("ours: evaluate + to_dict(), Sơn La")
    from_dict = Row("ours: evaluate from a dict of values (checked inside)",
                    note="engine.evaluate(plan, {agency: {fact: value}}): facts_from_data inside")
    measure([(small, lambda: workloads.ours_evaluate_plan(plan, facts, "year", as_of)),
             (to_dict, lambda: workloads.ours_evaluate_to_dict(plan, facts, "year", as_of)),
             (from_dict, lambda: workloads.ours_evaluate_plan(plan, values, "year", as_of))],
            settings)
    set_ratios([small, to_dict, from_dict], small)
    statuses = {k: v for k, v in (to_dict.result or {}).get("summary", {}).items()
                if k != "total"}
    to_dict.agrees = "yes" if small.result and statuses == small.result.summary else "NO"
    from_dict.agrees = "yes" if small.result and from_dict.result and \
        from_dict.result.summary == small.result.summary else "NO"
    small.agrees = "reference"
    national, info = _national(settings, cache)
    n_big = info.get("agencies")
    nat_dict = Row("ours: evaluate + to_dict(), national")
    nat_dict.times = info.get("to_dict", [])
    set_ratios([national, nat_dict], national)
    load = Row("ours: load+validate the national plan (once)")
    if "load" in info:
        load.times = [info["load"]]
    rows = [small, to_dict, from_dict, national, nat_dict, load]
    g = growth(small.min, n_small, national.min, n_big or 0)
    memory = info.get("maxrss_mb")
    finished = len(national.times) == settings.national_rounds
    mem_target = target("B5.memory", "peak memory of the national run < 300 MB (peak RSS of "
                        "its process)" + ("" if finished else "; the run did not finish"),
                        memory, 300.0, "MB")
    mem_target["met"] = mem_target["met"] and finished
    return [{
        "workload": "B5", "title": "the whole plan, from a fact set as load_facts returns it",
        "n": n_big, "unit": "seconds per evaluation", "rows": [r.to_dict() for r in rows],
        "agencies": {"son_la": n_small, "national": n_big}, "growth": g,
        "peak_memory_mb": memory,
        "targets": [
            target("B5.to-dict", "evaluate + to_dict() <= 2x evaluate alone, Sơn La (paired)",
                   to_dict.ratio_paired, 2.0, "x",
                   note=f"national: {fmt_ratio(nat_dict.ratio_paired)}"),
            growth_target("B5.growth", "evaluate (Sơn La to national)", g,
                          (n_small, n_big or 0), "agency"),
            target("B5.son-la", "<= 25 ms at Sơn La's scale (median)", small.median, 0.025,
                   "s"),
            target("B5.national", "<= 1 s at national scale (median)", national.median, 1.0,
                   "s"),
            mem_target,
        ]}]


def _national(settings: Settings, cache: Path) -> tuple[Row, dict[str, Any]]:
    """Run benchmarks/national.py in a child process within the budget; read what it said."""
    row = Row("ours: evaluate, national")
    # The folder is ours to remove: the child may be stopped before it could clean up.
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        districts, communes = settings.national
        cmd = [sys.executable, str(HERE / "national.py"), "--rounds",
               str(settings.national_rounds), "--dir", tmp, "--districts", str(districts),
               "--communes", str(communes)]
        info: dict[str, Any] = {"to_dict": []}
        lines, status = _stream(cmd, settings.national_budget, _env(cache))
        for msg in lines:
            info["maxrss_mb"] = max(info.get("maxrss_mb", 0), msg["maxrss_mb"])
            if msg["step"] == "load":
                info["load"], info["agencies"] = msg["seconds"], msg["agencies"]
            elif msg["step"] == "evaluate":
                row.times.append(msg["seconds"])
            elif msg["step"] == "to_dict":
                info["to_dict"].append(msg["seconds"])
        if status.get("peak_mb"):
            info["maxrss_mb"] = max(info.get("maxrss_mb", 0), status["peak_mb"])
        if status.get("timed_out"):
            row.note = _join(row.note, f"stopped after the {settings.national_budget:.0f} s "
                             "budget")
            if not row.times:
                row.status = "timed out"
        elif status.get("code") not in (0, None) and not row.times:
            row.status = "failed"
            row.note = _join(row.note, status.get("stderr", "")[-300:])
    if info.get("agencies"):
        row.name = f"ours: evaluate, national ({info['agencies']:,} agencies)"
    return row, info


def _stream(cmd: list[str], budget: float, env: dict[str, str]
            ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run ``cmd``, reading one JSON object per line of its output, within ``budget``
    seconds (then it is stopped). The objects, and how it ended."""
    # stderr into a file: a child that writes much there must not block on a full pipe
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
                                env=env)
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        out: list[dict[str, Any]] = []
        status: dict[str, Any] = {}
        while True:
            left = budget - (time.perf_counter() - start)
            if left <= 0:
                status["timed_out"] = True
                status["peak_mb"] = _vm_hwm(proc.pid)
                proc.kill()
                break
            if not sel.select(timeout=min(left, 1.0)):
                if proc.poll() is not None:
                    break
                continue
            line = proc.stdout.readline()
            if not line:
                break
            with contextlib.suppress(ValueError):
                out.append(json.loads(line))
        proc.wait()
        sel.close()
        proc.stdout.close()
        status["code"] = proc.returncode
        status["seconds"] = time.perf_counter() - start
        err.seek(0)
        status["stderr"] = err.read().decode(errors="replace")
    return out, status


def _vm_hwm(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


# --- fresh processes ----------------------------------------------------------------------------

#: Fresh processes run as Python runs by default: it writes the modules' bytecode on a first
#: run and reads it on the next. (A sandbox may set PYTHONDONTWRITEBYTECODE; then an editable
#: install compiles the engine from source in every process, which no user's machine does.)
_DEFAULT_ENV = {k: v for k, v in os.environ.items()
                if k not in ("PYTHONDONTWRITEBYTECODE", "CCHC_NO_CACHE")}


def _env(cache: Path | str, **more: str) -> dict[str, str]:
    """The environment of a child: the plan cache in ``cache`` (never the user's)."""
    return {**_DEFAULT_ENV, "CCHC_CACHE_DIR": str(cache), **more}


def _process(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> Callable[[], int]:
    def run() -> int:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           check=False, env=env)
        if p.returncode != 0:
            raise ProcessFailed(p.returncode, p.stderr.decode(errors="replace"))
        return p.returncode
    return run


def _first_run(cmd: list[str]) -> Callable[[], int]:
    """``cmd`` with a new, empty plan cache on every call: a plan never loaded before."""
    def run() -> int:
        folder = tempfile.mkdtemp(prefix="cchc-bench-cache-")
        try:
            return _process(cmd, _env(folder))()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return run


class ProcessFailed(Exception):
    def __init__(self, code: int, stderr: str) -> None:
        super().__init__(f"exit {code}: {stderr.strip().splitlines()[-1:]}")
        self.code, self.stderr = code, stderr


def _process_settings(settings: Settings) -> Settings:
    """Fresh processes: ``process_rounds`` rounds after the warm-up call; with 0 (--tiny), the
    warm-up call is the only sample."""
    return dataclasses.replace(settings, rounds=max(1, settings.process_rounds),
                               budget=math.inf if settings.process_rounds else 0.0,
                               slow_cap=math.inf, min_sample=0.0)


# --- B6: cold start -----------------------------------------------------------------------------

MAIN_JOB = ["evaluate", "plans/2023.yaml", "examples/2023/q1", "--period", "q1", "--as-of",
            "2023-03-14"]


def _cpu_timed(thunk: Callable[[], int], sink: list[float]) -> Callable[[], int]:
    """``thunk`` (one fresh process), adding the CPU time of the process (user and system, as
    the kernel counts a child that has ended) to ``sink``: beside the wall time that the
    targets judge, the time that other processes on the machine do not stretch."""
    def run() -> int:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            return thunk()
        finally:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            sink.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return run


def b6(settings: Settings, cache: Path) -> list[dict[str, Any]]:
    cchc = str(BIN / "cchc")
    py = sys.executable
    job = [cchc, *MAIN_JOB]
    warm_cache = cache / "b6-warm"
    empty = tempfile.mkdtemp(prefix="cchc-no-bytecode-")
    commands: list[tuple[str, list[str], Callable[[list[str]], Callable[[], int]]]] = [
        ("python3 -c pass", [py, "-c", "pass"], lambda c: _process(c, _env(warm_cache))),
        ("cchc --help", [cchc, "--help"], lambda c: _process(c, _env(warm_cache))),
        ("README main job, first run (empty plan cache)", job, _first_run),
        ("README main job, warm (plan loaded once before)", job,
         lambda c: _process(c, _env(warm_cache))),
        ("cchc validate plans/2023.yaml, warm (reference)", [cchc, "validate",
                                                              "plans/2023.yaml"],
         lambda c: _process(c, _env(warm_cache))),
        ("python3 -c 'import engine' (reference)", [py, "-c", "import engine"],
         lambda c: _process(c, _env(warm_cache), Path(tempfile.gettempdir()))),
        ("README main job, no bytecode at all (reference)", job,
         lambda c: _process(c, _env(warm_cache, PYTHONDONTWRITEBYTECODE="1",
                                    PYTHONPYCACHEPREFIX=empty))),
    ]
    rows: list[tuple[Row, Callable[[], Any]]] = []
    shown = []
    cpu: dict[str, list[float]] = {}  # CPU seconds of each process, by row
    if not settings.references:
        commands = [c for c in commands if "(reference)" not in c[0]]
    for name, cmd, make in commands:
        row = Row(name, note=" ".join(cmd[1:]) if cmd[0] == cchc else "")
        shown.append(row)
        if cmd[0] == cchc and not Path(cchc).exists():
            row.status, row.note = "not available", f"{cchc} is not installed"
            continue
        cpu[name] = []
        thunk = _cpu_timed(make(cmd), cpu[name])
        try:
            row.warm_time, row.result = _once(thunk)
        except ProcessFailed as err:
            row.status, row.note = "failed", str(err)
            continue
        cpu[name].clear()  # (the warm-up call)
        rows.append((row, thunk))
    measure(rows, _process_settings(settings))
    shutil.rmtree(empty, ignore_errors=True)
    by = {r.name: r for r in shown}
    base = by["python3 -c pass"]
    set_ratios(shown, base)
    base_cpu = statistics.median(cpu["python3 -c pass"]) if cpu.get("python3 -c pass") else None
    for row in shown:
        if cpu.get(row.name):
            mine = statistics.median(cpu[row.name])
            row.extra["cpu_median_s"] = mine
            row.extra["cpu_ratio"] = mine / base_cpu if base_cpu else None
            row.note = _join(row.note, f"CPU {fmt_time(mine)}" + (
                f" ({fmt_ratio(mine / base_cpu)})" if base_cpu else ""))
    first = by["README main job, first run (empty plan cache)"]
    warm = by["README main job, warm (plan loaded once before)"]
    helps = by["cchc --help"]
    return [{"workload": "B6", "title": "cold start: fresh processes (ratios to python3 -c "
             "pass in the same rounds)", "n": None, "unit": "seconds of wall time per process",
             "rows": [r.to_dict() for r in shown], "targets": [
                 target("B6.first", "README main job, first run (empty cache) <= 8x python3 "
                        "-c pass (paired)", first.ratio_paired, 8.0, "x"),
                 target("B6.warm", "README main job, plan loaded once before, <= 4x python3 "
                        "-c pass (paired)", warm.ratio_paired, 4.0, "x"),
                 target("B6.help", "cchc --help <= 2x python3 -c pass (paired)",
                        helps.ratio_paired, 2.0, "x"),
                 target("B6.help-ms", "cchc --help <= 150 ms (median)", helps.median, 0.150,
                        "s"),
                 target("B6.main-ms", "README main job, warm, <= 600 ms (median)",
                        warm.median, 0.600, "s"),
             ]}]


# --- B7: ingestion ------------------------------------------------------------------------------

def b7(settings: Settings, cache: Path) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cchc-bench-ingest-") as tmp:
        return _b7(settings, cache, Path(tmp))


def _child(args: list[str], budget: float, env: dict[str, str]) -> tuple[dict[str, Any] | None,
                                                                        dict[str, Any]]:
    lines, status = _stream([sys.executable, str(HERE / "ingestion.py"), *args], budget, env)
    return (lines[-1] if lines else None), status


def _b7(settings: Settings, cache: Path, tmp: Path) -> list[dict[str, Any]]:
    sizes = settings.ingest_sizes
    districts, communes = settings.national
    files = tmp / "facts"
    made, status = _child(["write", str(files), "--rows", ",".join(map(str, sizes)),
                           "--districts", str(districts), "--communes", str(communes)],
                          math.inf, _env(cache))
    if made is None:
        raise RuntimeError(f"benchmarks/ingestion.py write failed: {status.get('stderr')}")
    plan = made["plan"]
    rounds = settings.ingest_rounds
    out: list[dict[str, Any]] = []
    per_value: dict[tuple[str, int], float | None] = {}
    memory: dict[tuple[str, int], float | None] = {}
    for n in sizes:
        rows: list[Row] = []
        for fmt in ("csv", "yaml", "json"):
            path = files / f"facts-{n}.{fmt}"
            ours = Row(f"ours: load_facts, {fmt.upper()}",
                       note=f"{n:,} values; fresh process, plan loaded first (not timed)")
            ref = Row(f"hand-written: {_REFERENCE[fmt]}", note="the same file, nothing checked")
            peaks, increases = [], []
            for _ in range(rounds):
                got, st = _child(["load", plan, str(path), "--reference", fmt],
                                 settings.child_budget, _env(cache))
                if got is None:
                    ours.status = "timed out" if st.get("timed_out") else "failed"
                    ours.note = _join(ours.note, f"no result within {settings.child_budget:.0f}"
                                      " s" if st.get("timed_out") else st["stderr"][-300:])
                    if st.get("peak_mb"):
                        peaks.append(st["peak_mb"])
                    break
                ours.times.append(got["seconds"])
                ref.times.append(got["reference_seconds"])
                peaks.append(got["maxrss_mb"])
                increases.append(got["maxrss_mb"] - got["rss_before_mb"])
                ours.agrees = "yes" if got["values"] == got["reference_values"] == n else \
                    f"NO ({got['values']} values read, {n} written)"
            set_ratios([ours, ref], ref)
            rate = n / ours.median if ours.median else (
                n / settings.child_budget if ours.status == "timed out" else None)
            ours.extra = {"values_per_s": rate, "peak_rss_mb": max(peaks, default=None),
                          "memory_mb": max(increases, default=None)}
            ref.extra = {"values_per_s": n / ref.median if ref.median else None}
            per_value[(fmt, n)] = ours.ratio_paired
            memory[(fmt, n)] = ours.extra["memory_mb"]
            rows += [ours, ref]
        errors = Row("cchc evaluate of a file of errors (lines printed)",
                     note=f"{n:,} values, every one refused")
        lines = _error_lines(plan, files / f"errors-{n}.csv", settings, cache, errors)
        rows.append(errors)
        out.append({"workload": "B7", "title": f"ingestion: fact files of {n:,} values",
                    "n": n, "unit": "seconds per file (fresh process; load_facts only)",
                    "rows": [r.to_dict() for r in rows], "targets": [],
                    "error_lines": lines})
    big = sizes[1]
    last = out[-1]
    for fmt in ("csv", "yaml", "json"):
        row = next(r for r in last["rows"] if r["name"] == f"ours: load_facts, {fmt.upper()}")
        last["targets"].append(target(
            f"B7.{fmt}-rate", f"{fmt.upper()} fact file of {big:,} values: >= 200,000 values a "
            "second (median)", row["values_per_s"], 200_000.0, "values/s", at_least=True))
        last["targets"].append(target(
            f"B7.{fmt}-memory", f"{fmt.upper()} fact file of {big:,} values: < 300 MB (peak "
            f"RSS of its process {_mb(row['peak_rss_mb'])}, less its RSS before load_facts)",
            row["memory_mb"], 300.0, "MB"))
        g = growth(per_value[(fmt, sizes[0])], 1, per_value[(fmt, big)], 1)
        last["targets"].append(growth_target(f"B7.growth.{fmt}", f"load_facts ({fmt})", g,
                                             sizes, "value", _REFERENCE[fmt]))
    g = growth(memory[("csv", sizes[0])], sizes[0], memory[("csv", big)], big)
    last["targets"].append(growth_target("B7.growth.memory", "memory (CSV)", g, sizes, "value"))
    capped = last["error_lines"]
    last["targets"].append(target(
        "B7.errors", f"a file of {big:,} errors prints <= 1,000 lines (diagnostics capped per "
        "code, with a count of the rest) and exits 2", capped if capped is not None and
        capped >= 0 else None, 1000.0, "lines"))
    out += _registry(settings, cache, tmp)
    return out


_REFERENCE = {"csv": "csv.reader into dicts", "yaml": "yaml.load with CSafeLoader",
              "json": "json.loads"}


def _mb(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f} MB"


def _error_lines(plan: str, path: Path, settings: Settings, cache: Path, row: Row
                 ) -> int | None:
    """The lines `cchc evaluate` prints for a file of errors (a fresh process); -1 when it
    does not exit 2; None when it did not finish."""
    cmd = [str(BIN / "cchc"), "evaluate", plan, str(path), "--period", "year"]
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, env=_env(cache),
                           timeout=settings.child_budget, check=False)
    except subprocess.TimeoutExpired:
        row.status, row.note = "timed out", _join(row.note, f"> {settings.child_budget:.0f} s")
        return None
    row.times = [time.perf_counter() - start]
    lines = p.stdout.count(b"\n") + p.stderr.count(b"\n")
    row.extra = {"lines": lines, "exit": p.returncode}
    row.note = _join(row.note, f"{lines:,} lines, exit {p.returncode}")
    return lines if p.returncode == 2 else -1


def _registry(settings: Settings, cache: Path, tmp: Path) -> list[dict[str, Any]]:
    """Plans with a registry of each size: a first load (empty cache) beside PyYAML's C loader
    parsing the plan's files alone, in the same process, and a second load from the cache."""
    sizes = settings.registry_sizes
    out = []
    firsts: list[float | None] = []
    agencies: list[int] = []
    for size in sizes:
        communes = settings.national[1]
        districts = max(1, math.ceil((size - 243) / (communes + 1)))
        folder = tmp / f"registry-{size}"
        path = data.national_plan(folder, districts, communes)
        first = Row("ours: load_plan, first load (empty cache)")
        yml = Row("PyYAML's C loader, the plan's files alone (reference)")
        second = Row("ours: load_plan, second load (from the cache)")
        n = 0
        for r in range(settings.ingest_rounds):
            plan_cache = tmp / f"cache-{size}-{r}"
            got, st = _child(["registry", str(path)], settings.child_budget, _env(plan_cache))
            if got is None:
                first.status = "timed out" if st.get("timed_out") else "failed"
                first.note = st.get("stderr", "")[-300:]
                break
            n = got["agencies"]
            first.times.append(got["seconds"])
            yml.times.append(got["yaml_seconds"])
            again, _ = _child(["registry", str(path)], settings.child_budget, _env(plan_cache))
            if again is not None:
                second.times.append(again["seconds"])
            shutil.rmtree(plan_cache, ignore_errors=True)
        set_ratios([first, yml, second], yml)
        n = n or 243 + districts * (communes + 1)  # what was written, if it did not load
        firsts.append(first.ratio_paired)
        agencies.append(n)
        out.append({"workload": "B7", "title": f"a plan with a registry of {n:,} agencies",
                    "n": n, "unit": "seconds per load (fresh process, imports not timed)",
                    "rows": [r.to_dict() for r in (first, yml, second)], "targets": [],
                    "_rows": (first, second)})
    last = out[-1]
    first, second = last.pop("_rows")
    out[0].pop("_rows")
    g = growth(firsts[0], 1, firsts[1], 1)
    last["growth"] = g
    last["targets"] += [
        target("B7.registry", f"a plan with {agencies[1]:,} agencies loads within 3x PyYAML's "
               "C loader parsing its files alone (paired)", first.ratio_paired, 3.0, "x"),
        target("B7.registry-cached", "its second load, from the compiled-plan cache, "
               "< 0.5 s (median; 'well under a second')", second.median, 0.5, "s"),
        growth_target("B7.growth.registry", "loading a plan (first load)", g,
                      (agencies[0], agencies[1]), "agency", "PyYAML's C loader"),
    ]
    return out


# --- B8: the quarter's Excel fact sheets (issue 7) ----------------------------------------------

def b8(settings: Settings) -> list[dict[str, Any]]:
    """Every reporting agency's q1 sheet, filled in, read and checked by load_facts;
    openpyxl's own reader over the same files for reference."""
    if not settings.excel:
        return [{"workload": "B8", "title": "Excel fact sheets (skipped)", "n": None,
                 "unit": "", "rows": [], "targets": [target(
                     "B8.excel", "the quarter's sheets read and checked in < 3 s (median)",
                     None, 3.0, "s", note="not run at these settings")]}]
    plan = workloads.ours_load_plan(data.PLAN_2023)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-xlsx-") as tmp:
        values = data.excel_sheets(plan, "q1", Path(tmp))
        n = len(values)
        ours = Row(f"ours: load_facts of {n} workbooks", note="read, located and checked")
        reference = Row("openpyxl read-only, cells only (reference)",
                        note="load_workbook(read_only=True), every cell of A:J visited")
        measure([(ours, lambda: workloads.ours_load_facts(plan, tmp, "q1")),
                 (reference, lambda: workloads.openpyxl_read(tmp))], settings)
    expected = {a: dict(facts.items()) for a, facts in values.items()}
    got = {a: dict(f) for a, f in ours.result.values.items()} if ours.result else None
    ours.agrees = "reference" if got == expected else "NO (values differ from those written)"
    cells = sum(len(v) for v in values.values())
    return [{"workload": "B8", "title": "the quarter's Excel fact sheets", "n": n,
             "unit": "seconds per call (all the workbooks)",
             "rows": [ours.to_dict(), reference.to_dict()],
             "targets": [target("B8.excel", f"the quarter's sheets ({n} workbooks, {cells} "
                                "values) read and checked in < 3 s (median)", ours.median,
                                3.0, "s")]}]


# --- B9: scoring (issue 16) ---------------------------------------------------------------------

def b9(settings: Settings) -> list[dict[str, Any]]:
    """Scoring, measured by ``benchmarks/scoring.py`` (issue 16) when it is there.

    The hook: that module defines ``measure(rounds)`` (or ``rows(quick)``) returning one dict
    per measured row, each with ``units`` (how many units were scored), ``median_s`` (seconds
    per scoring; ``seconds`` is read too) and a name (``name`` or ``scale``); other keys are
    kept. With ``--tiny`` only its first scale is measured (``measure(1, SCALES[:1])``). The
    targets read the fastest row that is not a reference ("reference" or "hand-written" in its
    name) nor the shipped scorecard ("shipped" in its name) scoring about 243 units (< 50 ms)
    and about 12,000 (< 2 s), on the median of the wall time as every time target of the suite
    (the module's own ``met`` may judge CPU time). When the module also defines
    ``measure_shipped(rounds)`` (the shipped QĐ 766 scorecard, plans/scorecards/qd766.yaml, on
    Sơn La's plan and example facts), its row is judged by ``B9.qd766-son-la`` (< 50 ms), and
    ``cpu_median_s``, when the row has it, is kept beside the wall time.
    """
    note = ""
    measured: list[Any] = []
    try:
        scoring = importlib.import_module("scoring")
    except ImportError as err:  # not there yet, or the engine has no scoring yet
        note = ("benchmarks/scoring.py is not there yet (issue 16): not measured"
                if getattr(err, "name", None) == "scoring" else
                f"benchmarks/scoring.py could not be imported ({err}): not measured")
    else:
        rounds = 1 if settings.process_rounds == 0 else 3 if settings.quick else 10
        if hasattr(scoring, "measure"):
            scales = getattr(scoring, "SCALES", None)
            measured = list(scoring.measure(rounds, scales[:1]) if rounds == 1 and scales
                            else scoring.measure(rounds))
        else:
            measured = list(scoring.rows(settings.quick))
        if hasattr(scoring, "measure_shipped"):
            measured.append(dict(scoring.measure_shipped(rounds), shipped=True))
    rows = []
    best: dict[int, float] = {}
    shipped: float | None = None
    for m in measured:
        m = dict(m)
        seconds = m.get("median_s", m.get("seconds"))
        units = m.get("units")
        name = str(m.get("name", m.get("scale", "?")))
        extra = {k: v for k, v in m.items() if k not in ("name", "median_s", "seconds")}
        rows.append({"name": f"{name} ({units:,} units)" if isinstance(units, int) else name,
                     "status": m.get("status", "ok"), "min_s": m.get("best_s", seconds),
                     "median_s": seconds, "rounds": m.get("rounds", 1), "inner": 1,
                     "note": m.get("note"), "agrees": m.get("agrees"), "scoring": extra})
        if m.get("shipped") or "shipped" in name.lower():
            if isinstance(seconds, int | float):
                shipped = float(seconds)
        elif isinstance(units, int) and isinstance(seconds, int | float) and \
                "reference" not in name.lower() and "hand-written" not in name.lower():
            best[units] = min(best.get(units, math.inf), float(seconds))

    def near(n: int) -> float | None:
        return next((v for u, v in best.items() if abs(u - n) <= n // 10), None)

    return [{"workload": "B9", "title": "scoring (issue 16)", "n": None,
             "unit": "seconds per scoring", "rows": rows, "note": note or None, "targets": [
                 target("B9.scoring-243", "scoring Sơn La's 243 units < 50 ms (median)",
                        near(243), 0.050, "s", note=note),
                 target("B9.scoring-12000", "scoring 12,000 units < 2 s (median)",
                        near(12_000), 2.0, "s", note=note),
                 target("B9.qd766-son-la", "the shipped QĐ 766 scorecard (plans/scorecards/"
                        "qd766.yaml) on Sơn La's units < 50 ms (median)", shipped, 0.050, "s",
                        note=note or ("" if shipped is not None else
                                      "benchmarks/scoring.py has no measure_shipped: "
                                      "not measured"))]}]


# --- output -------------------------------------------------------------------------------------

def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_ratio(r: float | None) -> str:
    return "-" if r is None else (f"{r:,.0f}x" if r >= 100 else f"{r:.2f}x")


def fmt_value(t: dict[str, Any]) -> str:
    v, unit = t["value"], t["unit"]
    if v is None:
        return "-"
    if unit == "s":
        return fmt_time(v)
    if unit == "x":
        return fmt_ratio(v)
    if unit == "values/s":
        return f"{v:,.0f} values/s"
    if unit == "lines":
        return f"{v:,.0f} lines"
    return f"{v:,.0f} {unit}"


def print_workload(w: dict[str, Any]) -> None:
    title = f"{w['workload']}: {w.get('title', '')}" + (f", N = {w['n']:,}" if w.get("n") else "")
    print(f"\n{title}  ({w['unit']})")
    headers = ["row", "min", "median", "ratio min", "ratio median", "ratio paired", "rounds",
               "agrees", "boundary", "note"]
    table = []
    for r in w["rows"]:
        note = r.get("note") or ""
        if r.get("values_per_s"):
            note = _join(f"{r['values_per_s']:,.0f} values/s", note)
        if r.get("memory_mb") is not None:
            note = _join(f"memory {r['memory_mb']:.0f} MB (peak {_mb(r.get('peak_rss_mb'))})",
                         note)
        if r["status"] != "ok":
            table.append([r["name"], r["status"], "", "", "", "", "", "", "", note])
            continue
        table.append([r["name"], fmt_time(r["min_s"]), fmt_time(r["median_s"]),
                      _r(r.get("ratio_min")), _r(r.get("ratio_median")),
                      _r(r.get("ratio_paired")),
                      f"{r['rounds']}" + (f"x{r['inner']}" if r.get("inner", 1) > 1 else ""),
                      r.get("agrees") or "", r.get("boundary") or "", note])
    if table:
        keep = [i for i, h in enumerate(headers)
                if i in (0, 1, 2, 6, 9) or any(row[i] for row in table)]
        widths = {i: max(len(headers[i]), *(len(row[i]) for row in table)) for i in keep[:-1]}
        right = {1, 2, 3, 4, 5, 6}
        for line in [headers, *table]:
            cells = []
            for i in keep[:-1]:
                cells.append(line[i].rjust(widths[i]) if i in right else line[i].ljust(widths[i]))
            cells.append(line[keep[-1]])
            print("  " + "  ".join(cells).rstrip())
    if w.get("note"):
        print(f"  note: {w['note']}")
    for r in w["rows"]:
        if (r.get("agrees") or "").startswith("NO"):
            print(f"  warning: {r['name']} disagrees: {r['agrees']}")
        if (r.get("boundary") or "").startswith("WRONG"):
            print(f"  note: {r['name']} is wrong on the exact-boundary data: {r['boundary']}")
    for t in w["targets"]:
        print(f"  target {'MET    ' if t['met'] else 'NOT MET'} [{t['id']}, issue {t['issue']}] "
              f"{t['target']}: {fmt_value(t)}" + (f" ({t['note']})" if t.get("note") else ""))


def _r(r: float | None) -> str:
    return "" if r is None else fmt_ratio(r)


def markdown(results: list[dict[str, Any]]) -> str:
    """The rows of the targets table of docs/performance.md, from a run."""
    lines = ["| id | issue | target | this run | met |", "|---|---|---|---|---|"]
    for w in results:
        for t in w["targets"]:
            note = f" ({t['note']})" if t.get("note") else ""
            lines.append(f"| {t['id']} | {t['issue']} | {t['target']} | {fmt_value(t)}{note} | "
                         f"{'yes' if t['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu": model or platform.processor(),
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "commit": commit + ("+changes" if dirty else ""),
            "load_average": _loadavg(), "calibration_s": calibrate()}


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop (min of 5): how fast this machine is right now, to
    compare the absolute times of two runs (ratios within one run need no such help)."""
    def loop() -> int:
        total = 0
        for i in range(200_000):
            total += i * i % 7
        return total
    return min(_once(loop)[0] for _ in range(5))


def _loadavg() -> float | None:
    with contextlib.suppress(OSError, AttributeError):
        return round(os.getloadavg()[0], 2)
    return None


WORKLOADS = ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9")


def run_all(settings: Settings, only: set[str] | None = None,
            echo: Callable[[dict[str, Any]], None] = print_workload) -> list[dict[str, Any]]:
    """Every workload (or those in ``only``): their results, each shown by ``echo``."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cchc-bench-cache-") as tmp, \
            _cache_dir(Path(tmp) / "parent"):
        cache = Path(tmp)
        steps: dict[str, Callable[[], list[dict[str, Any]]]] = {
            "B1": lambda: rules("B1", workloads.B1_ROWS, settings, 3.0),
            "B2": lambda: rules("B2", workloads.B2_ROWS, settings, 3.0),
            "B3": lambda: b3(settings),
            "B4": lambda: b4(settings),
            "B5": lambda: b5(settings, cache),
            "B6": lambda: b6(settings, cache),
            "B7": lambda: b7(settings, cache),
            "B8": lambda: b8(settings),
            "B9": lambda: b9(settings),
        }
        for name in WORKLOADS:
            if only and name not in only:
                continue
            for w in steps[name]():
                w["met"] = all(t["met"] for t in w["targets"]) if w["targets"] else None
                echo(w)
                sys.stdout.flush()
                results.append(w)
    return results


@contextlib.contextmanager
def _cache_dir(folder: Path) -> Iterator[None]:
    """This process's plan cache in ``folder`` (B4, B5 and B8 load plans here): never the
    user's."""
    saved = os.environ.get("CCHC_CACHE_DIR")
    os.environ["CCHC_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("CCHC_CACHE_DIR", None)
        else:
            os.environ["CCHC_CACHE_DIR"] = saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer rounds (same N): a few minutes")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--markdown", metavar="FILE",
                    help="also write the targets as the rows of a Markdown table")
    ap.add_argument("--only", metavar="B1,B2,...", help="run only these workloads")
    ap.add_argument("--tiny", action="store_true",
                    help="tiny sizes, one round: checks the harness (tests/test_benchmarks.py); "
                    "its times mean nothing")
    args = ap.parse_args(argv)
    settings = Settings.tiny() if args.tiny else Settings.make(args.quick)
    only = {w.strip().upper() for w in args.only.split(",")} if args.only else None
    m = machine()
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    print(f"cchc benchmarks ({mode}): Python {m['python']}, "
          f"{m['cpus']} CPUs, {m['cpu']}, commit {m['commit']}, load average {m['load_average']}")
    print(f"calibration: {fmt_time(m['calibration_s'])} for a fixed pure-Python loop (lower is a "
          "faster machine; compare it between runs before comparing absolute times)")
    if m["load_average"] and m["cpus"] and m["load_average"] > m["cpus"] / 2:
        print("warning: the machine is busy; times are noisy (ratios within one run hold better)")
    started = time.perf_counter()
    results = run_all(settings, only)
    elapsed = time.perf_counter() - started
    m["load_average_after"] = _loadavg()
    m["calibration_after_s"] = calibrate()
    print(f"\n{elapsed:.0f} s in all; load average now {m['load_average_after']}, calibration now "
          f"{fmt_time(m['calibration_after_s'])}")
    targets = [t for w in results for t in w["targets"]]
    unmet = [f"[{t['id']}] {t['target']}: {fmt_value(t)}" for t in targets if not t["met"]]
    print(f"{len(targets) - len(unmet)} of {len(targets)} targets met" +
          ("; not met:" if unmet else "."))
    for u in unmet:
        print("  " + u)
    if args.json:
        out = {"quick": args.quick, "tiny": args.tiny, "machine": m, "seconds": elapsed,
               "growth_tolerance": GROWTH_TOLERANCE,
               "summary": {"targets": len(targets), "met": len(targets) - len(unmet)},
               "targets": targets, "workloads": results}
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str)
                                   + "\n", "utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(results), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
