"""Fuzzing the readers: whatever bytes or structure a plan, fact or case file holds, the engine
answers with its documented errors (each located in the file it read) or a result, nothing else.

Random bytes, random YAML and JSON trees, and random CSV tables are written to files and given
to the readers that face untrusted input: :func:`engine.load_plan` / :func:`engine.loads_plan`,
:func:`engine.load_facts` (YAML, JSON and CSV) and :func:`engine.load_cases`. Trees are drawn
from the words the readers know (plan keys, fact and agency ids of the 2023 plan, periods) as
well as arbitrary text, so that the fuzzing reaches past the first check. Time is bounded by the
cap every test of this folder runs under (``conftest.py``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parents[2]
PLAN = engine.load_plan(ROOT / "plans" / "2023.yaml")

#: Keys and values the readers look for, so random trees get past the first check.
WORDS = sorted({
    "cchc", "id", "year", "title", "vi", "en", "agencies", "facts", "indicators", "periods",
    "areas", "groups", "include", "extends", "remove", "plan", "period", "as_of", "expect",
    "name", "value", "target", "scope", "type", "unit", "count", "share", "by", "formula",
    "deadline", "window", "due", *PLAN.facts, *list(PLAN.agencies)[:20], *PLAN.periods,
    *list(PLAN.indicators)[:10], "son-la-cchc-2023",
})

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS), st.text(max_size=30),
    st.dates().map(str), st.sampled_from(["99%", "1.234,5", "1,5", "=cmd|' /C calc'!A0",
                                          "\x1b[31m", "\u202e", "2023-02-30", "-0", "1e309"]),
)
keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(keys, inner, max_size=6)),
    max_leaves=40,
)


def _check_error(error: engine.EngineError, allowed: tuple[type[engine.EngineError], ...]
                 ) -> None:
    """A documented error: of the stage's type, with diagnostics that are coded, located and
    render (the text officers read) without failing."""
    assert isinstance(error, allowed), type(error)
    assert error.diagnostics
    for d in error.diagnostics:
        assert isinstance(d, Diagnostic)
        assert re.fullmatch(r"E\d{3}", d.code), d.code
        assert d.render()
        json.dumps(d.to_dict())


def _load_plan_file(path: Path) -> None:
    try:
        engine.load_plan(path)
    except engine.PlanError as e:
        _check_error(e, (engine.PlanError,))


def _load_facts_file(path: Path) -> None:
    try:
        engine.load_facts(PLAN, path)
    except engine.FactsError as e:
        _check_error(e, (engine.FactsError,))


def _dump(tree: Any, kind: str) -> str:
    if kind == "json":
        return json.dumps(tree, ensure_ascii=False, default=str)
    return yaml.safe_dump(tree, allow_unicode=True)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_a_plan(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(data)
    _load_plan_file(path)


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".yaml", ".json", ".csv"]))
def test_random_bytes_as_a_fact_file(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"facts{suffix}"
    path.write_bytes(data)
    _load_facts_file(path)


@SETTINGS
@given(tree=trees)
def test_random_trees_as_a_plan(tree: Any) -> None:
    try:
        engine.loads_plan(_dump(tree, "yaml"), "fuzz.yaml")
    except engine.PlanError as e:
        _check_error(e, (engine.PlanError,))


@SETTINGS
@given(agencies=st.dictionaries(st.sampled_from(list(PLAN.agencies)[:30]) | keys,
                                st.dictionaries(st.sampled_from(sorted(PLAN.facts)) | keys,
                                                scalars, max_size=6) | trees,
                                max_size=4),
       period=st.sampled_from([*PLAN.periods, "q2", 1, None]),
       plan_id=st.sampled_from(["son-la-cchc-2023", "other", None]),
       kind=st.sampled_from(["yaml", "json"]))
def test_random_trees_as_a_fact_file(tmp_path: Path, agencies: Any, period: Any, plan_id: Any,
                                     kind: str) -> None:
    tree = {"plan": plan_id, "period": period, "agencies": agencies}
    path = tmp_path / f"facts.{kind}"
    path.write_text(_dump(tree, kind), encoding="utf-8")
    _load_facts_file(path)


EXAMPLE = yaml.safe_load((ROOT / "examples" / "2023" / "q1" / "huyen-bac_yen.yaml")
                        .read_text(encoding="utf-8"))


@SETTINGS
@given(changes=st.lists(st.tuples(st.sampled_from(sorted(EXAMPLE["agencies"])),
                                  st.sampled_from(sorted(PLAN.facts)) | keys, scalars | trees),
                        min_size=1, max_size=4),
       kind=st.sampled_from(["yaml", "json"]))
def test_a_real_fact_file_with_random_values(tmp_path: Path, changes: list[Any], kind: str
                                             ) -> None:
    """The shipped q1 file of one district, with a few values replaced: the fuzzing reaches the
    conversion of every value type and the checks of facts against the plan."""
    tree = json.loads(json.dumps(EXAMPLE, default=str))
    for agency, fact, value in changes:
        tree["agencies"][agency][fact] = value
    path = tmp_path / f"facts.{kind}"
    path.write_text(_dump(tree, kind), encoding="utf-8")
    _load_facts_file(path)


cells = st.one_of(st.sampled_from(WORDS), st.text(max_size=15),
                  st.integers(-10**6, 10**6).map(str),
                  st.sampled_from(["", "99,5", "1.000", "99%", "=1+1", "\x1b[2J", "có", "x"]))


@SETTINGS
@given(header=st.lists(st.sampled_from(["agency", "fact", "value", "period", "note"]) | cells,
                       min_size=1, max_size=5),
       rows=st.lists(st.lists(cells, max_size=6), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_tables_as_a_csv_fact_file(tmp_path: Path, header: list[str],
                                          rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "facts.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    _load_facts_file(path)


@SETTINGS
@given(case=st.dictionaries(st.sampled_from(["name", "period", "as_of", "defaults", "facts",
                                             "expect", "notes"]) | keys, trees, max_size=6))
def test_random_trees_as_a_case_file(tmp_path: Path, case: Any) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(_dump([case], "yaml"), encoding="utf-8")
    try:
        engine.load_cases(path, PLAN)
    except engine.CaseError as e:
        _check_error(e, (engine.CaseError,))


def test_the_memory_cap_holds() -> None:
    """The cap of conftest.py is in force: asking for 4 GiB fails here rather than succeeding."""
    with pytest.raises(MemoryError):
        bytearray(4 * 1024**3)
