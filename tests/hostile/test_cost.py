"""Exact arithmetic has a bounded cost (issue 12): every number an operation makes is within
engine.values.MAX_EXACT_DIGITS, so a plan or a formula built to grow numbers without end
finishes in milliseconds, with its value unknown and a reason that names the operator and
where it is written. Under the bound, nothing changes."""

from __future__ import annotations

import datetime as dt
import json
import time
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.cli import main
from engine.evaluator import Context, Row
from engine.messages import describe_reason
from engine.render import render_explain, render_json
from engine.values import MAX_EXACT_DIGITS

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "plans" / "minimal.yaml"
BEYOND = f"makes a number beyond the limit of exact arithmetic ({MAX_EXACT_DIGITS} digits)"
#: Each step squares the one before: without the bound, step 19 would be a number of
#: 24 * 2**20 (25 million) digits, and computing it would take far longer than any test.
STEPS = 20
#: Time a hostile input may take here: the real cost is tens of milliseconds; the margin is for
#: a busy CI machine.
SECONDS = 5.0


def _chain_text() -> str:
    """The minimal plan with an area of indicators that each square the one before, starting
    from sum(received): a = x * x, b = a * a, c = b * b, ..."""
    head = MINIMAL.read_text("utf-8").split("\nareas:", 1)[0]
    steps = []
    for i in range(STEPS):
        before = "sum(received)" if i == 0 else f"chain.c{i - 1}"
        steps.append(f"      c{i}:\n"
                     f"        name: {{vi: Bước {i}}}\n"
                     f"        unit: count\n"
                     f"        owner: snv\n"
                     f"        scope: receiving\n"
                     f"        value: {before} * {before}\n"
                     f"        target: value >= 0\n")
    return (f"{head}\nareas:\n  chain:\n    name: {{vi: Chuỗi bình phương}}\n    lead: snv\n"
            f"    indicators:\n{''.join(steps)}")


def test_a_chain_of_squares_finishes_fast_and_says_where_it_left_the_bound() -> None:
    text = _chain_text()
    plan = engine.loads_plan(text, "chain.yaml")
    # The largest value a fact may have (24 whole digits, engine.fact_values), for one agency.
    data = {a: {"received": "9" * 24 if a == "snv" else "0"}
            for a in ("snv", "stp", "huyen_a", "xa_a1")}
    facts = engine.facts_from_data(plan, data, period="year")
    start = time.perf_counter()
    report = engine.evaluate(plan, facts, period="year", as_of=dt.date(2023, 12, 14))
    as_json = json.loads(render_json(report))
    explained = render_explain(report.result(f"chain.c{STEPS - 1}"), "en")
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{elapsed:.1f} s"

    # (10**24 - 1) ** 32 has 768 digits: within the bound; its square (1536 digits) is not.
    assert [report.result(f"chain.c{i}").status for i in range(5)] == ["met"] * 5
    assert report.result("chain.c4").value == (10**24 - 1) ** 32
    line = text.splitlines().index("        value: chain.c4 * chain.c4") + 1
    reason = f"'*' at chain.yaml:{line}:25 {BEYOND}"  # column 25: the `*`
    for i in range(5, STEPS):
        result = report.result(f"chain.c{i}")
        assert result.status == "unknown"
        assert result.value == engine.Unknown.of(*result.reasons)
        assert [describe_reason(r) for r in result.reasons] == [reason]
    # The JSON report and `explain` say it too.
    by_id = {i["id"]: i for i in as_json["indicators"]}
    for iid in ("chain.c5", f"chain.c{STEPS - 1}"):
        assert (by_id[iid]["status"], by_id[iid]["value"]) == ("unknown", None)
        assert by_id[iid]["reasons"] == [reason]
    assert f"  because: {reason}" in explained.splitlines()


# -- cchc expr -----------------------------------------------------------------------------------

def _expr(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["expr", "--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_expr_with_a_huge_product_prints_unknown_and_the_reason() -> None:
    big = "9" * 999
    formula = f"{big} * {big}"  # each within the bound; the product has 1998 digits
    start = time.perf_counter()
    assert _expr(formula) == (0, "unknown\n", "")
    assert _expr(formula, "--json") == (
        0, '{"value": null, "type": "number", "unknown": '
           f'["\'*\' at <input>:1:1001 {BEYOND}"]}}\n', "")
    assert time.perf_counter() - start < SECONDS


def test_expr_with_a_long_chain_of_products_stops_at_the_first_step_beyond() -> None:
    # x has 400 digits: x * x has 799, x * x * x has 1199 (beyond). Without the bound the
    # 60 factors (as many as the nesting limit allows) would make a number of 24,000 digits.
    formula = " * ".join(["x"] * 60)
    start = time.perf_counter()
    code, out, err = _expr(formula, "--set", f"x={'9' * 400}", "--json")
    assert time.perf_counter() - start < SECONDS
    assert (code, err) == (0, "")
    assert json.loads(out) == {"value": None, "type": "number",
                               "unknown": [f"'*' at <input>:1:7 {BEYOND}"]}


def test_expr_with_a_literal_beyond_the_bound_is_a_located_e108() -> None:
    code, out, err = _expr("received * 2" + "0" * 1001, "--set", "received=1")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == ("<input>:1:12: error[E108]: this number is beyond the limit "
                                   f"of exact arithmetic ({MAX_EXACT_DIGITS} digits)")
    code, out, err = _expr("x", "--set", "x=" + "1" * 1002)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith("--set x:1:1: error[E108]: ")


# -- sums over many agencies ----------------------------------------------------------------------

def test_a_sum_of_fractions_over_thousands_of_agencies_stops_at_the_bound() -> None:
    """Each agency's 1 / x**40 has a denominator of about 1000 digits, each different: their
    common denominator would have millions of digits. The sum stops after a few terms."""
    symbols = engine.Symbols({}, {"x": engine.Type.NUMBER})
    formula = engine.compile_formula("sum(1 / (" + " * ".join(["x"] * 40) + "))", symbols)
    rows = [Row(f"a{i}", "commune", {"x": 10**24 - 2 * i - 1}) for i in range(3000)]
    start = time.perf_counter()
    value = formula.evaluate(Context({}, rows))
    assert time.perf_counter() - start < SECONDS
    assert isinstance(value, engine.Unknown)
    assert [describe_reason(r) for r in value.sorted_reasons()] == [
        f"sum() at <input>:1:1 {BEYOND}"]


# -- under the bound, exactly as before ----------------------------------------------------------

#: Values as fact files give them: up to 24 whole digits and 15 decimals (engine.fact_values).
facts = st.builds(lambda whole, decimals, places: Fraction(whole) + Fraction(decimals,
                                                                              10**places),
                  st.integers(-(10**24 - 1), 10**24 - 1), st.integers(0, 10**15 - 1),
                  st.integers(0, 15))


def _norm(x: Fraction) -> int | Fraction:
    return x.numerator if x.denominator == 1 else x


@settings(max_examples=200, deadline=None)
@given(values=st.lists(facts, min_size=2, max_size=6),
       ops=st.lists(st.sampled_from(["+", "-", "*", "/"]), min_size=5, max_size=5))
def test_arithmetic_of_real_values_is_exact_fraction_arithmetic(
        values: list[Fraction], ops: list[str]) -> None:
    """A formula over up to six facts (any of + - * /, left to right) gives exactly what
    Python's Fraction arithmetic gives: real values never come near the bound."""
    names = [f"f{i}" for i in range(len(values))]
    text = names[0]
    exact = values[0]
    for name, value, op in zip(names[1:], values[1:], ops, strict=False):
        text = f"({text}) {op} {name}"
        if op == "/" and value == 0:
            return
        exact = {"+": exact + value, "-": exact - value, "*": exact * value,
                 "/": exact / value if value else exact}[op]
    symbols = engine.Symbols(dict.fromkeys(names, engine.Type.NUMBER))
    formula = engine.compile_formula(text, symbols)
    got = formula.evaluate(Context({n: _norm(v) for n, v in zip(names, values, strict=True)}))
    assert got == exact and type(got) is type(_norm(exact))


@settings(max_examples=60, deadline=None)
@given(values=st.lists(facts, min_size=1, max_size=150))
def test_sums_of_real_values_are_exact(values: list[Fraction]) -> None:
    symbols = engine.Symbols({}, {"x": engine.Type.NUMBER})
    rows = [Row(f"a{i}", "commune", {"x": _norm(v)}) for i, v in enumerate(values)]
    for text, exact in [("sum(x)", sum(values, Fraction(0))),
                        ("avg(x)", sum(values, Fraction(0)) / len(values)),
                        ("sum(x * x)", sum((v * v for v in values), Fraction(0)))]:
        got = engine.compile_formula(text, symbols).evaluate(Context({}, rows))
        assert got == exact and type(got) is type(_norm(exact)), text
