"""A quick probe of the evaluation targets of issue 17, paired and in CPU time.

    python benchmarks/probe_eval.py [N]

Each ratio is ours over hand-written float Python (or, for the rule as authors write it, over
the ``>= 99%`` form; for the report, over the evaluation alone), timed in the same run and
round after round, each round the best of a few calls; the median of the rounds is printed.
CPU time of this process (``time.process_time``), not wall time: on a machine shared with
other work, the waits are not ours. Not part of the suite (which asserts no timing); the
benchmark proper is ``benchmarks/run.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.builtins import NUMBER  # noqa: E402

ON, REC, SAT = "dossiers_on_time", "dossiers_received", "satisfaction"


def _agencies(n: int) -> list[dict[str, Any]]:
    import random

    rng = random.Random(2023)
    out = []
    for _ in range(n):
        received = rng.randint(1, 4000)
        on_time = received - rng.randint(0, received // 100)
        sat = 0.9 if rng.random() < 0.06 else rng.randint(820, 1000) / 1000
        out.append({REC: received, ON: on_time, SAT: sat})
    return out


def _best(f: Callable[[], Any], number: int = 3) -> float:
    return min(timeit.repeat(f, number=number, repeat=3, timer=time.process_time)) / number


def _ratio(ours: Callable[[], Any], base: Callable[[], Any], rounds: int = 7) -> float:
    return statistics.median(_best(ours) / _best(base) for _ in range(rounds))


def main(n: int = 10_000) -> None:
    dicts = _agencies(n)
    types = {ON: NUMBER, REC: NUMBER, SAT: NUMBER}
    pct = engine.compile_formula(f"{ON} / {REC} >= 99% and {SAT} >= 90%",
                                 engine.Symbols(types, types))
    authors = engine.compile_formula(f"{ON} / {REC} * 100 >= 99 and {SAT} * 100 >= 90",
                                     engine.Symbols(types, types))
    total = engine.compile_formula(f"sum({ON}) / sum({REC}) > 99% and avg({SAT}) >= 90%",
                                   engine.Symbols({}, types))

    def float_each() -> list[bool]:
        return [r[ON] / r[REC] >= 0.99 and r[SAT] >= 0.9 for r in dicts]

    def float_total() -> bool:
        ratio = sum(r[ON] for r in dicts) / sum(r[REC] for r in dicts)
        return ratio > 0.99 and sum(r[SAT] for r in dicts) / len(dicts) >= 0.9

    assert pct.evaluate_each(dicts) == authors.evaluate_each(dicts) == float_each()
    assert total.evaluate_over(dicts) == float_total()
    print(f"per agency from list[dict], >= 99%:       "
          f"{_ratio(lambda: pct.evaluate_each(dicts), float_each):.2f}x  (target 3x)")
    print(f"per agency from list[dict], * 100 >= 99:  "
          f"{_ratio(lambda: authors.evaluate_each(dicts), float_each):.2f}x  (target 3x)")
    print(f"* 100 >= 99 over >= 99%:                  "
          f"{_ratio(lambda: authors.evaluate_each(dicts), lambda: pct.evaluate_each(dicts)):.2f}x"
          "  (target 1.5x)")
    print(f"aggregate from list[dict]:                "
          f"{_ratio(lambda: total.evaluate_over(dicts), float_total):.2f}x  (target 3x)")

    plan = engine.load_plan(ROOT / "plans" / "2023.yaml")
    facts = engine.load_facts(plan, ROOT / "examples" / "2023" / "q1", "q1")
    as_of = dt.date(2023, 3, 14)

    def evaluate() -> Any:
        return engine.evaluate(plan, facts, period="q1", as_of=as_of)

    print(f"evaluate + to_dict over evaluate:         "
          f"{_ratio(lambda: evaluate().to_dict(), evaluate):.2f}x  (target 2x)")

    texts = [ind.value.text.strip() for ind in plan.indicators.values()]
    texts += [ind.target.text.strip() for ind in plan.indicators.values()]
    symbols = engine.Symbols(
        {**{f: NUMBER for f in plan.facts}, **{i: NUMBER for i in plan.indicators},
         "value": NUMBER},
        {f: NUMBER for f in plan.facts})
    compiled = []
    for text in texts:
        try:
            engine.compile_formula(text, symbols)
        except engine.ExpressionError:
            continue  # a formula over facts of other types: left out of the probe
        compiled.append(text)
    python = [_python(t) for t in compiled]

    def ours() -> None:
        for text in compiled:
            engine.compile_formula(text, symbols).program.fast  # noqa: B018

    def theirs() -> None:
        for text in python:
            compile(text, "<probe>", "eval")

    print(f"compile with code generation ({len(compiled)} formulas of the plan): "
          f"{_ratio(ours, theirs, 3):.1f}x  (target 10x)")


def _python(text: str) -> str:
    """The formula as a Python expression of the same shape (percentages as fractions,
    ``where`` as a comprehension's ``if``), for Python's compile()."""
    text = re.sub(r"([0-9]+(?:\.[0-9]+)?)%", r"(\1 / 100)", text)
    text = re.sub(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b", r"d\1\2\3", text)
    text = re.sub(r"(\w+)\(([^()]*?) where ([^()]*)\)", r"\1(x for x in \2 if \3)", text)
    text = re.sub(r"\bif (.*?) then (.*?) else ", r"\2 if \1 else ", text)
    text = text.replace("\n", " ")
    try:
        compile(text, "<probe>", "eval")
    except SyntaxError:
        return "a / b >= 0.99"
    return text


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
