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

from benchmarks.ingestion import fact_rows, write_csv, write_json, write_yaml
from engine import fact_files
from engine.cli import main
from engine.csvsrc import _plain_records, _reader_records, _record_cells, read_records
from engine.diagnostics import Collector, Diagnostic, FactsError, capped, render_all
from engine.fact_files import FactFile, Place, read_tree
from engine.facts import facts_from_data, load_facts
from engine.model import Plan
from engine.source import Source
from engine.yamlsrc import read_yaml

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
    assert text.stderr.rstrip("\n").endswith("… và 10 lỗi E642 khác")  # Vietnamese by default
    english = runner.invoke(main, [*args, "--lang", "en"])
    assert english.stderr.rstrip("\n").endswith("… and 10 more E642")
    more = runner.invoke(main, [*args, "--max-diagnostics", "25", "--lang", "en"])
    assert more.stderr.count("error[E642]") == 25 and "… and 5 more E642" in more.stderr
    every = runner.invoke(main, [*args, "--max-diagnostics", "0"])
    assert every.stderr.count("error[E642]") == 30 and "E642 khác" not in every.stderr
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


# -- YAML and JSON of the usual shape, read from events, against the tree reader -------------

def _tree_reference(text: str, name: str = "f.yaml") -> FactFile:
    """What :func:`engine.fact_files.read_tree` reads through the node tree (the reference)."""
    f = FactFile(name, Source(name, text))
    collector = Collector()
    tree, diags = read_yaml(text, name, "E60")
    assert tree is not None and not diags
    original = fact_files._read_plain_tree
    try:
        fact_files._read_plain_tree = lambda f, text: False
        read_tree(f, text, False, collector)
    finally:
        fact_files._read_plain_tree = original
    assert not collector.diagnostics
    return f


def _shape(f: FactFile) -> object:
    def at(p: Place) -> tuple[int, int, tuple[str, ...]]:
        assert p.span is not None
        return (p.span.start, p.span.end, p.notes)

    return (f.readable, f.source.text,
            None if f.plan is None else (f.plan.text, at(f.plan.at)),
            [(s.text, at(s.at)) for s in f.periods],
            [(e.agency, at(e.agency_at), e.fact, at(e.fact_at), e.value, at(e.value_at))
             for e in f.entries],
            [(a, at(p)) for a, p in f.bare_agencies])


_IDS = st.text(alphabet=st.sampled_from(list("abz_09ếơ")), min_size=1, max_size=6)
_VALUES = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("a1.,%: #'\"\\-~ến\t")),
                                       max_size=8))


@settings(max_examples=300, deadline=None)
@given(agencies=st.dictionaries(_IDS, st.dictionaries(_IDS, _VALUES, max_size=4), max_size=4),
       period=st.one_of(st.none(), _IDS), style=st.sampled_from(["block", "flow", "json"]),
       comments=st.booleans())
def test_plain_tree_reads_as_the_tree_reader(agencies: dict[str, dict[str, str | None]],
                                            period: str | None, style: str,
                                            comments: bool) -> None:
    import yaml

    data: dict[str, object] = {"plan": "p"}
    if period is not None:
        data["period"] = period
    data["agencies"] = agencies
    if style == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1)
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                              default_flow_style=style == "flow")
    if comments:
        text = "# facts\n" + text.replace("\n", " # c\n", 1)
    fast = FactFile("f.yaml", Source("f.yaml", ""))
    if not fact_files._read_plain_tree(fast, text):
        return  # read by the tree reader itself
    assert _shape(fast) == _shape(_tree_reference(text))


@pytest.mark.parametrize("text", [
    "plan: p\nagencies:\n  snv: &a\n    x: 1\n  stp: *a\n",  # anchors and aliases
    "plan: p\nagencies:\n  snv:\n    x: !!str 1\n",  # a tag
    "plan: p\nagencies:\n  snv:\n    x: 1\n    x: 2\n",  # a fact twice
    "plan: p\nagencies:\n  snv:\n    x: [1]\n",  # a list for a value
    "plan: p\nagency: {}\n",  # an unknown key
    "plan:\nagencies: {}\n",  # no plan id
    "plan: p\nagencies:\n  snv: 5\n",  # a value for an agency
    "plan: p\nagencies: {}\n---\nplan: q\n",  # two documents
    "plan: p\nagencies: {snv: {x: 1}\n",  # a syntax error
    "- plan\n",  # not a mapping
])
def test_other_shapes_go_to_the_tree_reader(text: str) -> None:
    f = FactFile("f.yaml", Source("f.yaml", ""))
    assert not fact_files._read_plain_tree(f, text)
    assert _shape(f) == _shape(FactFile("f.yaml", Source("f.yaml", "")))


# -- fact files read as columns and checked column by column, against the per-entry path -----

def _outcome(plan: Plan, path: Path, period: str | None) -> object:
    """The facts and where each value is, or every diagnostic with its words and place."""
    try:
        facts = load_facts(plan, path, period)
    except FactsError as e:
        return [(d.code, d.message, d.location, d.notes, d.help) for d in e.diagnostics]
    return (facts, facts.files, {(a, f): facts.where(a, f) for a, f, _ in facts.items()})


def _reference_outcome(plan: Plan, path: Path, period: str | None) -> object:
    """:func:`_outcome` with the column readers and checks turned off."""
    from engine import factjson
    from engine import facts as facts_module

    saved = (fact_files._read_plain_csv, fact_files._read_plain_tree,
             facts_module._check_tables, factjson.read_json)
    try:
        fact_files._read_plain_csv = lambda f, text: False
        fact_files._read_plain_tree = lambda f, text: False
        facts_module._check_tables = lambda plan, files, period: None
        factjson.read_json = lambda f, text: False
        return _outcome(plan, path, period)
    finally:
        (fact_files._read_plain_csv, fact_files._read_plain_tree,
         facts_module._check_tables, factjson.read_json) = saved


_CELLS = st.one_of(
    st.sampled_from(["12", "0", "1200", " 7 ", "", "1.200", "1,5", "95%", "0.5", "-3", "x",
                     "có", "2023-01-09", "09/01/2023", "99999", "١٢"]),
    st.text(alphabet=st.sampled_from(list("0123456789.%, ")), max_size=5))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), fmt=st.sampled_from(["csv", "yaml", "json"]),
       period=st.sampled_from([None, "year", "q1"]))
def test_columns_check_as_the_entries(plan2023: Plan, data: st.DataObject, fmt: str,
                                      period: str | None) -> None:
    """A fact file read as columns and checked column by column gives the facts, places and
    diagnostics (codes, words, FILE:LINE:COL, notes) of the per-entry readers and checks."""
    import tempfile

    agencies = [*list(plan2023.agencies)[:6], "nobody", " snv"]
    facts = [*list(plan2023.facts)[:10], "nothing"]
    rows = data.draw(st.lists(st.tuples(st.sampled_from(agencies), st.sampled_from(facts),
                                        _CELLS), max_size=25))
    if fmt != "csv":  # a mapping holds each agency's fact once
        rows = list({(a, f): (a, f, v) for a, f, v in rows}.values())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"facts.{fmt}"
        if fmt == "csv":
            write_csv(path, rows)
        else:
            (write_yaml if fmt == "yaml" else write_json)(path, plan2023.id, rows)
        assert _outcome(plan2023, path, period) == _reference_outcome(plan2023, path, period)


def test_columns_of_the_benchmark_files_as_the_entries(plan2023: Plan,
                                                       rows: list[tuple[str, str, str]],
                                                       tmp_path: Path) -> None:
    """5,000 values without a problem: the column path is taken, and gives what the per-entry
    path gives; with one value refused, the diagnostics are the per-entry path's."""
    path = tmp_path / "facts.csv"
    write_csv(path, rows)
    assert _outcome(plan2023, path, None) == _reference_outcome(plan2023, path, None)
    f = FactFile("f.csv", Source("f.csv", path.read_text("utf-8")))
    assert fact_files._read_plain_csv(f, f.source.text) and f.table is not None
    assert len(f.table) == ROWS
    write_csv(path, [*rows[:-1], (rows[-1][0], rows[-1][1], "1.200,5")])
    got = _outcome(plan2023, path, None)
    assert isinstance(got, list) and got == _reference_outcome(plan2023, path, None)


def test_a_part_above_its_whole_is_refused_on_the_column_path(
        plan2023: Plan, rows: list[tuple[str, str, str]], tmp_path: Path) -> None:
    """The column checks compare every part with its wholes: a part raised above its whole
    is found, and reported (E650) as the per-entry path reports it."""
    values = {(a, f): i for i, (a, f, _) in enumerate(rows)}
    i, whole = next((i, w) for i, (a, f, v) in enumerate(rows)
                    for w in plan2023.facts[f].at_most
                    if (a, w) in values and v.isdigit() and rows[values[(a, w)]][2].isdigit())
    agency, fact, _ = rows[i]
    above = str(int(rows[values[(agency, whole)]][2]) + 1)
    path = tmp_path / "facts.yaml"
    write_yaml(path, plan2023.id, [*rows[:i], (agency, fact, above), *rows[i + 1:]])
    got = _outcome(plan2023, path, None)
    assert isinstance(got, list) and [d[0] for d in got] == ["E650"]
    assert got == _reference_outcome(plan2023, path, None)
