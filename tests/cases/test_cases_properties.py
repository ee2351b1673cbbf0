"""Laws of plan test cases, on the ten-agency plan of tests/data/cases/plan/ten.yaml."""

from __future__ import annotations

import functools
import tempfile
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.cases import load_cases, run_case

ROOT = Path(__file__).resolve().parents[2]
AGENCIES = [f"s{i:02d}" for i in range(1, 11)]


@functools.cache
def plan() -> engine.Plan:
    return engine.load_plan(ROOT / "tests" / "data" / "cases" / "plan" / "ten.yaml")


def load(text: str) -> tuple[engine.cases.Case, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.yaml"
        path.write_text(text, encoding="utf-8")
        return load_cases(path, plan())


counts = st.integers(0, 10**6)
#: per agency: not written, written empty ("not reported"), or a count
entries = st.dictionaries(st.sampled_from(AGENCIES), st.none() | counts)


@settings(max_examples=60, deadline=None)
@given(explicit=entries, default=st.none() | counts)
def test_defaults_are_explicit_values_for_every_reporter_left_out(
        explicit: dict[str, int | None], default: int | None) -> None:
    lines = ["- name: law", "  period: q1"]
    if default is not None:
        lines.append(f"  defaults: {{dossiers_received: {default}}}")
    if explicit:
        lines.append("  facts:")
        lines += [f"    {a}: {{dossiers_received: {'~' if v is None else v}}}"
                  for a, v in explicit.items()]
    lines += ["  expect:", "    direction.on_time: unknown"]
    (case,) = load("\n".join(lines) + "\n")
    want = {a: v for a, v in explicit.items() if v is not None}
    if default is not None:
        want |= {a: default for a in AGENCIES if a not in explicit}
    got = {a: f["dossiers_received"] for a, f in case.facts.items()}
    assert got == want
    assert case.explicit == {(a, "dossiers_received") for a in explicit}


@st.composite
def dossiers(draw: st.DrawFn) -> list[tuple[int, int]]:
    out = []
    for _ in AGENCIES:
        received = draw(st.integers(0, 500))
        out.append((received, draw(st.integers(0, received))))
    return out


@settings(max_examples=60, deadline=None)
@given(rows=dossiers())
def test_a_case_written_from_the_wording_passes_and_its_opposite_fails(
        rows: list[tuple[int, int]]) -> None:
    # The oracle reads "trên 99%" with plain integer arithmetic, independently of the engine.
    received = sum(r for r, _ in rows)
    on_time = sum(t for _, t in rows)
    if received == 0:
        status, value = "not_applicable", None
    else:
        status = "met" if on_time * 100 > 99 * received else "not_met"
        value = f"{on_time}/{received}"
    facts = "\n".join(f"    {a}: {{dossiers_received: {r}, dossiers_on_time: {t}}}"
                      for a, (r, t) in zip(AGENCIES, rows, strict=True))
    expect = status if value is None else f"{{status: {status}, value: {value}}}"
    text = (f"- name: oracle\n  period: year\n  facts:\n{facts}\n"
            f"  expect:\n    direction.on_time: {expect}\n")
    (case,) = load(text)
    result = run_case(case)
    assert result.passed, result.checks
    if value is not None:
        assert result.checks[0].value == Fraction(on_time, received)
    opposite = {"met": "not_met", "not_met": "met", "not_applicable": "met"}[status]
    (wrong,) = load(text.replace(f"direction.on_time: {expect}",
                                 f"direction.on_time: {opposite}"))
    failed = run_case(wrong)
    assert not failed.passed and failed.failures[0].status == status
