"""Fact files at scale (issue 17): thousands of rows read with every check and every place kept,
the diagnostics shown capped per code, and the fast CSV paths equal to the ``csv`` module's.

No timing is asserted here: benchmarks/ measures speed. These tests pin the behaviour that the
fast paths must keep: the same values, the same codes at the same FILE:LINE:COL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.ingest_data import fact_rows, write_csv, write_json, write_yaml
from engine.cli import main
from engine.csvsrc import _plain_records, _reader_records, _record_cells, read_records
from engine.diagnostics import Collector, Diagnostic, FactsError, capped, render_all
from engine.facts import facts_from_data, load_facts
from engine.model import Plan
from engine.source import Source

from .conftest import Fails, Writer

ROWS = 5_000


@pytest.fixture(scope="module")
def rows(plan2023: Plan) -> list[tuple[str, str, str]]:
    return fact_rows(plan2023, ROWS)


@pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
def test_thousands_of_rows_read_as_in_memory(plan2023: Plan, rows: list[tuple[str, str, str]],
                                             tmp_path: Path, fmt: str) -> None:
    """5,000 values of the 2023 plan read from a file equal the same texts given in memory, and
    the last value is located at its line and column."""
    path = tmp_path / f"facts.{fmt}"
    if fmt == "csv":
        write_csv(path, rows)
    else:
        (write_yaml if fmt == "yaml" else write_json)(path, plan2023.id, rows)
    facts = load_facts(plan2023, path)
    given: dict[str, dict[str, str]] = {}
    for agency, fact, value in rows:
        given.setdefault(agency, {})[fact] = value
    assert facts == facts_from_data(plan2023, given, period="year")
    assert facts.count == ROWS
    agency, fact, value = rows[-1]
    lines = path.read_text("utf-8").split("\n")
    line = max(i for i, text in enumerate(lines) if f'"{value}"' in text or value in text)
    where = facts.where(agency, fact)
    assert where is not None
    assert where.rsplit(":", 2)[1] == str(line + 1)
    col = int(where.rsplit(":", 1)[1])
    assert lines[line][col - 1:].lstrip('"').startswith(value)
    assert len(facts.origins) == ROWS


def test_an_error_at_the_end_of_a_large_csv_is_located(plan2023: Plan,
                                                       rows: list[tuple[str, str, str]],
                                                       tmp_path: Path, fails: Fails) -> None:
    i = max(i for i, (_, f, _) in enumerate(rows) if plan2023.facts[f].type == "count")
    agency, fact, _ = rows[i]
    path = tmp_path / "facts.csv"
    write_csv(path, [*rows[:i], (agency, fact, "1.200"), *rows[i + 1:]])
    [d] = fails(plan2023, path)
    assert d.code == "E641"
    assert d.location[1:] == (i + 2, len(f"{agency},{fact},") + 1,
                              i + 2, len(f"{agency},{fact},1.200") + 1)
    assert d.notes[-1] == f"CSV row {i + 2}, column 3 (value)"
    assert i > ROWS - 50


def _decimal_commas(write: Writer, n: int) -> tuple[Path, list[Diagnostic]]:
    """A CSV file of ``n`` values written with a decimal comma, then an unknown agency."""
    body = "".join('snv,received,"1,5"\n' for _ in range(n))
    path = write("commas.csv", f"agency,fact,value,period\n{body}nobody,received,1,q1\n")
    with pytest.raises(FactsError) as info:
        load_facts(make_plan(), path, "q1")
    return path, list(info.value.diagnostics)


def make_plan() -> Plan:
    from .conftest import make_plan as make

    return make()


def test_the_error_keeps_every_diagnostic_and_shows_20_of_a_code(write: Writer) -> None:
    path, diagnostics = _decimal_commas(write, 5_000)
    assert [d.code for d in diagnostics] == ["E642"] * 5_000 + ["E630"]
    last = diagnostics[-2]
    assert last.location == (str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd())
                             else str(path), 5_001, 15, 5_001, 18)
    with pytest.raises(FactsError) as info:
        load_facts(make_plan(), path, "q1")
    text = info.value.render()
    headers = [line for line in text.split("\n") if re.search(r": error\[E6\d\d\]: ", line)]
    assert [h.split("error[")[1][:4] for h in headers] == ["E642"] * 20 + ["E630"]
    assert text.endswith("\n… and 4980 more E642")
    assert info.value.render(0).count("error[E642]") == 5_000
    assert info.value.render(3).count("error[E642]") == 3
    assert "… and 4997 more E642" in info.value.render(3)


def test_capped_keeps_order_and_counts_by_code() -> None:
    ds = [Diagnostic("E641", "a"), Diagnostic("E630", "b"), Diagnostic("E641", "c"),
          Diagnostic("E641", "d"), Diagnostic("E630", "e"), Diagnostic("E630", "f")]
    shown, omitted = capped(ds, 1)
    assert [d.message for d in shown] == ["a", "b"]
    assert omitted == {"E630": 2, "E641": 2}
    assert capped(ds, None) == (ds, {}) == capped(ds, 0)
    assert render_all(ds, 1).split("\n")[-2:] == ["… and 2 more E630", "… and 2 more E641"]
    assert render_all(ds[:2], 1) == render_all(ds[:2], None)  # nothing left out: no line


def _plan_file(tmp_path: Path) -> Path:
    """The test plan of conftest.py, written as a plan file (for the command line)."""
    root = Path(__file__).resolve().parents[2]
    return root / "tests" / "data" / "plans" / "minimal.yaml"


def test_max_diagnostics_option(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    body = "".join('snv,received,"1,5"\n' for _ in range(30))
    facts = tmp_path / "commas.csv"
    facts.write_text(f"agency,fact,value,period\n{body}", "utf-8")
    runner = CliRunner()
    args = ["evaluate", str(plan), str(facts), "--period", "q1"]
    text = runner.invoke(main, args)
    assert text.exit_code == 2
    assert text.stderr.count("error[E642]") == 20
    assert text.stderr.rstrip("\n").endswith("… and 10 more E642")
    more = runner.invoke(main, [*args, "--max-diagnostics", "25"])
    assert more.stderr.count("error[E642]") == 25 and "… and 5 more E642" in more.stderr
    every = runner.invoke(main, [*args, "--max-diagnostics", "0"])
    assert every.stderr.count("error[E642]") == 30 and "more E642" not in every.stderr
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).stdout)
    assert len(data["diagnostics"]) == 20 and data["omitted"] == {"E642": 10}
    data = json.loads(runner.invoke(main, [*args, "--format", "json",
                                           "--max-diagnostics", "0"]).stdout)
    assert len(data["diagnostics"]) == 30 and "omitted" not in data


# -- the fast CSV paths against the csv module's --------------------------------------------

def _reference_cells(raw: str, delim: str) -> list[tuple[int, int]]:
    """The character-by-character scan that :func:`engine.csvsrc._record_cells` replaced."""
    spans: list[tuple[int, int]] = []
    start, i, quoted = 0, 0, False
    n = len(raw)
    while i < n:
        c = raw[i]
        if quoted:
            if c == '"':
                if i + 1 < n and raw[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
        elif c == '"' and i == start:
            quoted = True
        elif c == delim:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, n))
    return spans


_CSV_TEXT = st.text(alphabet=st.sampled_from(list('ab ,;\t"\nế')), max_size=60)


@settings(max_examples=400, deadline=None)
@given(raw=_CSV_TEXT, delim=st.sampled_from([",", ";", "\t"]))
def test_record_cells_match_the_reference_scan(raw: str, delim: str) -> None:
    assert _record_cells(raw, delim) == _reference_cells(raw, delim)


def _records(text: str, delim: str, plain: bool) -> list[tuple[list[str], list[tuple[int, int]]]]:
    source = Source("f.csv", text)
    got = _plain_records(source, delim) if plain else \
        _reader_records(source, delim, Collector(), "E615")
    assert got is not None
    return [(r.cells, r.places) for r in got]


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab ,;\t\nế\u00a0")), max_size=80),
       delim=st.sampled_from([",", ";", "\t"]))
def test_plain_records_match_the_csv_module(text: str, delim: str) -> None:
    """A text without quotes read line by line gives the records, cells and places the
    ``csv`` module gives."""
    assert _records(text, delim, plain=True) == _records(text, delim, plain=False)
    assert [(r.cells, r.places) for r in read_records(Source("f.csv", text), delim,
                                                      Collector(), "E615")] == \
        _records(text, delim, plain=False)
