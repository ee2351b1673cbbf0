"""JSON fact files read by the ``json`` module (engine.factjson) against the reader of events
(engine.fact_files._plain_events, through libyaml) and the tree reader: whenever
:func:`engine.factjson.read_json` reads a text, it reads the same plan, period, entries and bare
agencies, each at the same place (the places are worked out lazily, by the reader of events);
whenever it does not, the YAML readers read the file as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine import factjson
from engine.diagnostics import Collector, FactsError
from engine.fact_files import FactFile, read_tree
from engine.factjson import read_json
from engine.facts import load_facts
from engine.model import Plan
from engine.source import Source

from .test_facts_scale import _shape

_IDS = st.text(alphabet=st.sampled_from(list("abz_09ếơ \"\\/\u2028\x85\x7f\x01")), min_size=0,
               max_size=6)
_TEXTS = st.text(alphabet=st.sampled_from(list("a1.,%: #'\"\\-~ến\t\n/\u00a0\u2028\x85\x9f\x00"
                                               "\ufeff😀")), max_size=8)
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=False, allow_infinity=False), _TEXTS)
_SHAPES = st.sampled_from([None, 0, 1, 2])
#: Whitespace around the separators (a tab is read as a space, as read_tree reads it).
_SPACES = st.sampled_from(["", " ", "\n", " \n  ", "\t", "\n\n", " " * 40])


def _reference(text: str) -> tuple[object, list[object]]:
    """What the YAML readers read from ``text`` (the reader of events, else the tree reader),
    and the diagnostics (code, place) they report."""
    f = FactFile("f.json", Source("f.json", text))
    collector = Collector()
    saved = factjson.read_json
    try:  # (read_tree imports read_json when it runs)
        factjson.read_json = lambda f, text: False
        read_tree(f, text, True, collector)
    finally:
        factjson.read_json = saved
    return _shape(f), [(d.code, d.location) for d in collector.diagnostics]


def _mine(text: str) -> object | None:
    f = FactFile("f.json", Source("f.json", text))
    if not read_json(f, text.replace("\t", " ")):
        assert _shape(f) == _shape(FactFile("f.json", Source("f.json", text)))  # untouched
        return None
    return _shape(f)


@settings(max_examples=400, deadline=None)
@given(agencies=st.dictionaries(_IDS, st.one_of(st.none(), st.dictionaries(
           _IDS, _VALUES, max_size=4)), max_size=4),
       plan=st.one_of(st.just("p"), _TEXTS, st.none()), period=st.one_of(st.none(), _TEXTS),
       indent=_SHAPES, ascii=st.booleans(), spaces=st.tuples(*[_SPACES] * 3))
@example(agencies={"snv": {"x": "1"}}, plan="p", period="q1", indent=1, ascii=False,
         spaces=("", " ", " "))
def test_json_reads_as_the_yaml_readers(agencies: dict[str, object], plan: str | None,
                                         period: str | None, indent: int | None, ascii: bool,
                                         spaces: tuple[str, str, str]) -> None:
    data: dict[str, object] = {"plan": plan}
    if period is not None:
        data["period"] = period
    data["agencies"] = agencies
    text = json.dumps(data, ensure_ascii=ascii, indent=indent,
                      separators=("," + spaces[0], spaces[1] + ":" + spaces[2]))
    mine = _mine(text)
    if mine is None:
        return
    shape, diagnostics = _reference(text.replace("\t", " "))
    assert diagnostics == []
    assert mine == shape


@pytest.mark.parametrize("text", [
    '{"plan": "p", "period": "q1", "agencies": {"snv": {"x": "1", "x": "2"}}}',  # a key twice
    '{"plan": "p", "agencies": {"snv": {"x": [1]}}}',  # a list for a value
    '{"plan": "p", "agencies": {"snv": {"x": {}}}}',  # a mapping for a value
    '{"plan": "p", "agencies": {"snv": 5}}',  # a value for an agency
    '{"plan": "p", "agencies": {"snv": ""}}',  # a blank for an agency (YAML: no facts)
    '{"plan": "p", "agency": {}}',  # an unknown key
    '{"plan": null, "agencies": {}}',  # no plan id
    '{"plan": "p", "agencies": null}',
    '{"plan": "p", "agencies": {"snv": {"x": NaN}}}',  # not JSON
    '{"plan": "p", "agencies": {"snv": {"x": 1}}} {}',  # two documents
    '{"plan": "p", "agencies": {"snv": {"x": 1}}',  # a syntax error
    '{"plan": "p", "agencies": {"snv"\n: {"x": 1}}}',  # a key on one line, its colon on the next
    '{"plan": "p", "agencies": {"snv"' + " " * 40 + ': {"x": 1}}}',  # a colon far from its key
    '{"plan": "p", "agencies": {"' + "s" * 1100 + '": {"x": 1}}}',  # a key YAML does not take
    '{"plan": "p", "agencies": {"snv": {"x": "\\ud83d\\ude00"}}}',  # an escaped surrogate pair
    '{"plan": "p", "agencies": {"snv": {"x": "a\x85b"}}}',  # a line break to YAML
    '{"plan": "p", "agencies": {"snv": {"x": "a\x7fb"}}}',  # a character YAML refuses
    '# facts\n{"plan": "p", "agencies": {}}',  # a comment: YAML, not JSON
    '["plan"]',
])
def test_other_texts_go_to_the_yaml_readers(text: str) -> None:
    f = FactFile("f.json", Source("f.json", text))
    assert not read_json(f, text)
    assert _shape(f) == _shape(FactFile("f.json", Source("f.json", text)))


def test_places_are_worked_out_when_first_asked_for(tmp_path: Path) -> None:
    text = '{\n "plan": "p",\n "period": "q1",\n "agencies": {\n  "snv": {\n   "received": ' \
        '1200,\n   "on_time": "1150"\n  },\n  "stp": {}\n }\n}\n'
    f = FactFile("f.json", Source("f.json", text))
    assert read_json(f, text) and f.table is not None
    located = f.table._place.__self__  # type: ignore[attr-defined]
    assert located._got is None  # nothing located yet
    assert f.table.values == ["1200", "1150"] and f.table.facts == ["received", "on_time"]
    assert f.table.place(1).where == "f.json:7:15"
    assert located._got is not None
    assert f.periods[0].at.where == "f.json:3:12"
    assert f.bare_agencies[0][0] == "stp" and f.bare_agencies[0][1].where == "f.json:9:3"


def test_a_value_refused_is_located_as_before(plan2023: Plan, tmp_path: Path) -> None:
    """A value that fails its check is reported at its line and column, from the places the
    reader of events gives; an explanation names the place of a value that passed."""
    fact = next(f for f, d in plan2023.facts.items() if d.type == "count"
                and "year" in d.periods and "snv" in d.reporters)
    other = next(f for f, d in plan2023.facts.items() if d.type == "count" and f != fact
                 and "year" in d.periods and "snv" in d.reporters)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"plan": plan2023.id, "period": "year", "agencies": {
        "snv": {other: 12, fact: "1.200"}}}, indent=2), "utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(plan2023, path)
    [d] = info.value.diagnostics
    assert d.code == "E641" and d.location[1:] == (7, 11 + len(fact), 7, 18 + len(fact)), \
        d.location
    path.write_text(json.dumps({"plan": plan2023.id, "period": "year", "agencies": {
        "snv": {other: 12, fact: 1200}}}, indent=2), "utf-8")
    facts = load_facts(plan2023, path)
    assert facts.values["snv"][fact] == 1200
    assert facts.where("snv", fact) == f"{facts.files[0]}:7:{11 + len(fact)}"


_CELLS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12),
                   st.sampled_from([1.5, 0.95, 1e3, -0.0]),
                   st.sampled_from(["12", "1.200", "1,5", "95%", "0.5", "x", "có", "true",
                                    "2023-01-09", "09/01/2023", "", " ", "null", "Tốt"]))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), period=st.sampled_from([None, "year", "q1"]),
       indent=_SHAPES)
def test_load_facts_of_json_as_the_yaml_readers(plan2023: Plan, data: st.DataObject,
                                                period: str | None,
                                                indent: int | None) -> None:
    """``load_facts`` of a JSON file (numbers, true and false, null and texts for values) gives
    the facts, places and diagnostics (codes, words, FILE:LINE:COL, notes) of the YAML readers
    and the per-entry checks."""
    import tempfile

    from .test_facts_scale import _outcome, _reference_outcome

    agencies = [*list(plan2023.agencies)[:5], "nobody"]
    facts = [*list(plan2023.facts)[:10], "nothing"]
    given = data.draw(st.dictionaries(st.sampled_from(agencies), st.dictionaries(
        st.sampled_from(facts), _CELLS, max_size=6), max_size=4))
    body: dict[str, object] = {"plan": plan2023.id}
    if data.draw(st.booleans()):
        body["period"] = "year"
    body["agencies"] = given
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        path.write_text(json.dumps(body, ensure_ascii=False, indent=indent), "utf-8")
        assert _outcome(plan2023, path, period) == _reference_outcome(plan2023, path, period)
