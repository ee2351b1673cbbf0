"""dump_plan: a plan written back to YAML loads to an equal plan (round-trip properties)."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.dump import dump_plan, scalar
from engine.loader import load_plan
from engine.model import AGENCY_KINDS, Plan
from engine.printer import to_text
from engine.yamlsrc import YMap, YScalar, read_yaml

ROOT = Path(__file__).resolve().parents[2]


def reload(text: str, tmp_path: Path, name: str = "dumped.yaml") -> Plan:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_plan(path)


def same_up_to_formula_text(a: Plan, b: Plan) -> None:
    """Equal, except that formulas may be written differently (same expressions)."""
    assert list(a.indicators) == list(b.indicators)
    for iid, x in a.indicators.items():
        y = b.indicators[iid]
        for f in ("value", "target", "deadline", "applicable"):
            fx, fy = getattr(x, f), getattr(y, f)
            assert (fx is None) == (fy is None)
            if fx is not None:
                assert (fx.expr, fx.type) == (fy.expr, fy.type)
        assert (x.id, x.name, x.unit, x.owner, x.scope, x.population, x.baseline, x.source,
                x.notes, x.facts, x.depends_on) == (y.id, y.name, y.unit, y.owner, y.scope,
                                                    y.population, y.baseline, y.source,
                                                    y.notes, y.facts, y.depends_on)
    for part in ("agencies", "groups", "periods", "facts", "areas"):
        assert getattr(a, part) == getattr(b, part)
        assert list(getattr(a, part)) == list(getattr(b, part))
    assert (a.id, a.year, a.title, a.decision, a.source, a.notes) == \
        (b.id, b.year, b.title, b.decision, b.source, b.notes)


@pytest.fixture(scope="module")
def plan_2023() -> Plan:
    return load_plan(ROOT / "plans" / "2023.yaml")


def test_2023_round_trips_exactly_with_source_formulas(plan_2023: Plan, tmp_path: Path) -> None:
    again = reload(dump_plan(plan_2023, formulas="source"), tmp_path)
    assert again == plan_2023
    assert list(again.indicators) == list(plan_2023.indicators)
    assert list(again.agencies) == list(plan_2023.agencies)


def test_2023_round_trips_with_canonical_formulas(plan_2023: Plan, tmp_path: Path) -> None:
    text = dump_plan(plan_2023)
    again = reload(text, tmp_path)
    same_up_to_formula_text(plan_2023, again)
    assert again != plan_2023  # the block-scalar targets were rewritten on one line
    assert dump_plan(again) == text  # canonical dumps are a fixed point
    assert reload(text, tmp_path, "again.yaml") == again


def test_dump_is_one_file_with_groups_as_defined(plan_2023: Plan) -> None:
    text = dump_plan(plan_2023)
    tree, diags = read_yaml(text, "dump.yaml")
    assert diags == [] and isinstance(tree, YMap)
    assert tree.get("include") is None
    groups = tree.get("groups")
    assert isinstance(groups, YMap)
    receiving = groups.get("receiving")
    assert isinstance(receiving, YMap) and list(receiving.items) == ["union"]


@pytest.mark.parametrize("text", [
    "Sở Nội vụ", "NO", "yes", "1.10", "12", "-3", "true", "null", "~", "", " lead", "trail ",
    "a: b", "a #b", "#x", "- x", "[x]", "{x}", "'q'", '"q"', "*alias", "&anchor", "!tag",
    "%x", "@x", "`x`", "a\nb", "a\nb\n", "a\n\nb\n\n", " a\nb", "tab\there", "\x07bell",
    "x\u2028y", "\ufeffbom", "|", ">", "? x", "a,b", "100%",
])
def test_scalars_read_back_as_the_same_text(text: str) -> None:
    dumped = f"k:{'' if scalar(text, '  ').startswith(chr(10)) else ' '}{scalar(text, '  ')}\n"
    tree, diags = read_yaml(dumped, "t.yaml")
    assert diags == [], dumped
    assert isinstance(tree, YMap)
    node = tree.get("k")
    assert isinstance(node, YScalar) and node.text == text and node.data == text, dumped


# -- generated plans ------------------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(
    list(string.ascii_letters + string.digits + " :#'\",[]{}-&*!|>%@`?")
    + list("ạảãàáâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐ")),
    min_size=1, max_size=20).filter(lambda s: s.strip() != "")
# yaml.safe_dump writes a text such as '08' plain (YAML 1.1 reads it as no number), while the
# plan reader takes every plain run of digits as a number: such a text could not be the input.
TEXT = TEXT.filter(lambda s: not re.fullmatch(r"-?[0-9]+", s))
NOTES = st.none() | st.text(alphabet=st.sampled_from(list("ab c:#\n\"'đ")), max_size=30)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid plan as data: a registry tree, groups, periods, facts, indicators."""
    n = draw(st.integers(1, 7))
    agencies: dict[str, Any] = {}
    for i in range(n):
        entry: dict[str, Any] = {"name": {"vi": draw(TEXT)},
                                 "kind": draw(st.sampled_from(AGENCY_KINDS))}
        if draw(st.booleans()):
            entry["name"]["en"] = draw(TEXT)
        if i and draw(st.booleans()):
            entry["parent"] = f"a{draw(st.integers(0, i - 1))}"
        note = draw(NOTES)
        if note is not None:
            entry["notes"] = note
        agencies[f"a{i}"] = entry
    ids = list(agencies)
    groups: dict[str, Any] = {}
    for j in range(draw(st.integers(0, 4))):
        g: dict[str, Any] = {}
        if draw(st.booleans()):
            g["kinds"] = draw(st.lists(st.sampled_from(AGENCY_KINDS), max_size=3, unique=True))
        if draw(st.booleans()):
            g["agencies"] = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        earlier = [f"g{k}" for k in range(j)]
        if bool(earlier) and draw(st.booleans()):
            g["union"] = draw(st.lists(st.sampled_from(earlier + ids), max_size=2, unique=True))
        if bool(earlier) and draw(st.booleans()):
            g["minus"] = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
        groups[f"g{j}"] = g
    periods: dict[str, Any] = {}
    for k in range(draw(st.integers(1, 3))):
        start = dt.date(2022, 12, 1) + dt.timedelta(days=draw(st.integers(0, 300)))
        end = start + dt.timedelta(days=draw(st.integers(0, 100)))
        due = end + dt.timedelta(days=draw(st.integers(0, 20)))
        periods[f"p{k}"] = {"name": {"vi": draw(TEXT)}, "from": start.isoformat(),
                            "until": end.isoformat(), "due": due.isoformat()}
    scopes = ids + list(groups)
    facts: dict[str, Any] = {}
    for k in range(draw(st.integers(1, 4))):
        ftype = draw(st.sampled_from(["number", "count", "share", "bool", "date", "category"]))
        fact: dict[str, Any] = {"type": ftype}
        if draw(st.booleans()):
            fact["unit"] = draw(TEXT)
        if ftype == "category":
            fact["values"] = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
        fact["label"] = {"vi": draw(TEXT)}
        fact["reported_by"] = draw(st.sampled_from(scopes))
        if draw(st.booleans()):
            fact["periods"] = draw(st.lists(st.sampled_from(list(periods)), unique=True))
        facts[f"f{k}"] = fact
    areas: dict[str, Any] = {}
    numeric_done: list[str] = []
    for a in range(draw(st.integers(1, 2))):
        indicators: dict[str, Any] = {}
        for i in range(draw(st.integers(1, 3))):
            indicators[f"i{i}"] = draw(indicator(ids, facts, numeric_done))
            if indicators[f"i{i}"]["unit"] in ("percent", "number", "count", "score", "days"):
                numeric_done.append(f"x{a}.i{i}")
        areas[f"x{a}"] = {"name": {"vi": draw(TEXT)}, "indicators": indicators}
        if draw(st.booleans()):
            areas[f"x{a}"]["lead"] = draw(st.sampled_from(ids))
    plan: dict[str, Any] = {"cchc": 1, "id": "gen", "year": 2023, "title": {"vi": draw(TEXT)}}
    if draw(st.booleans()):
        plan["decision"] = {"number": draw(TEXT), "date": "2022-12-23"}
    plan.update(agencies=agencies, groups=groups, periods=periods, facts=facts, areas=areas)
    return plan


@st.composite
def indicator(draw: st.DrawFn, ids: list[str], facts: dict[str, Any],
              earlier: list[str]) -> dict[str, Any]:
    scope = draw(st.sampled_from(ids))  # one agency: facts can be used bare or aggregated
    fid = draw(st.sampled_from(sorted(facts)))
    ftype = facts[fid]["type"]
    ind: dict[str, Any] = {"name": {"vi": draw(TEXT), "en": draw(TEXT)}, "owner": scope,
                           "scope": scope}
    if ftype in ("number", "count", "share"):
        value = draw(st.sampled_from([f"sum({fid})", fid, f"{fid} * 2 - 1"]))
        if bool(earlier) and draw(st.booleans()):
            value += f" + {draw(st.sampled_from(earlier))}"
        ind.update(unit=draw(st.sampled_from(["percent", "number", "count"])), value=value,
                   target=draw(st.sampled_from(["value >= 90%", "value > 3", "value == 100%"])))
        if draw(st.booleans()):
            ind["applicable"] = f"sum({fid}) > 0"
        if draw(st.booleans()):
            ind.update(baseline="0.8678", target="value > baseline")
    elif ftype == "bool":
        ind.update(unit="bool", value=draw(st.sampled_from([f"all({fid})", fid])),
                   target="value")
    elif ftype == "date":
        ind.update(unit="date", value=f"min({fid})", target="value <= 2023-01-10")
    else:
        first = facts[fid]["values"][0].replace("\\", "\\\\").replace('"', '\\"')
        ind.update(unit="category", value=fid, target=f'value in ["{first}"]')
    if draw(st.booleans()):
        ind["deadline"] = draw(st.sampled_from(["2023-12-14", "period_due"]))
    if draw(st.booleans()):
        ind["source"] = draw(st.sampled_from(["II.3.a", "1.10", "NO", "12"]))
    note = draw(NOTES)
    if note is not None:
        ind["notes"] = note
    return ind


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=plans())
def test_generated_plan_round_trips(data: dict[str, Any], tmp_path: Path) -> None:
    first = reload(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), tmp_path, "gen.yaml")
    text = dump_plan(first)
    second = reload(text, tmp_path)
    assert second == first
    for part in ("agencies", "groups", "periods", "facts", "areas", "indicators"):
        assert list(getattr(second, part)) == list(getattr(first, part))
    assert reload(dump_plan(first, formulas="source"), tmp_path, "src.yaml") == first
    assert all(to_text(i.target.expr) == i.target.text for i in second.indicators.values())
