"""A whole plan shown valid without jsonschema (issue 17, the first run): :func:`engine.schema.
validate` accepts a plan that :func:`engine.schema.proven` shows valid without importing
jsonschema, and leaves anything else to jsonschema, whose diagnostics stay word for word.

The fence: random mutations of the shipped plans' data are never shown valid when jsonschema
refuses them (and the unmutated plans are shown valid, or the shortcut would be dead code)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import schema
from engine.diagnostics import Collector
from engine.yamlsrc import YMap, read_yaml, to_data

ROOT = Path(__file__).resolve().parents[2]
PLANS = {"plan": (ROOT / "plans" / "2023.yaml", False),
         "include": (ROOT / "plans" / "agencies-2023-communes.yaml", True)}


def _data(name: str) -> Any:
    path, _ = PLANS[name]
    tree, diags = read_yaml(path.read_text("utf-8"), str(path))
    assert isinstance(tree, YMap) and not diags
    return to_data(tree)


def _errors(data: Any, include: bool, partial: bool = False) -> list[str]:
    return [e.message for e in schema._validator(include, partial).iter_errors(data)]


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("partial", [False, True])
def test_the_shipped_plans_are_shown_valid(name: str, partial: bool) -> None:
    data = _data(name)
    include = PLANS[name][1]
    assert schema.proven(schema._flat(include, partial), data)
    assert _errors(data, include, partial) == []


_SCALAR = st.one_of(
    st.sampled_from(["snv", "Sở Nội vụ", "", "x y", "1", "03646", "department", "commune",
                     "snv\n", "A1", "2023-02-30", "2023-03-14", "2023-3-14", "count", "share",
                     "q1", "sum", ">= 99%", "2023-03-14\n", "١٢٣٤-٠١-٠١"]),
    st.integers(-3, 10**13), st.booleans(), st.none(), st.floats(allow_nan=False),
    st.just(1), st.just(0))
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["name", "kind", "vi", "en", "x", "type", "unit", "id"]),
                    inner, max_size=3)), max_leaves=6)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


_CACHE: dict[str, tuple[Any, list[tuple[Any, ...]]]] = {}


def _plan(name: str) -> tuple[Any, list[tuple[Any, ...]]]:
    if name not in _CACHE:
        data = _data(name)
        _CACHE[name] = (data, _paths(data))
    return _CACHE[name]


def _mutate(data: Any, path: tuple[Any, ...], how: str, value: Any, key: str) -> Any:
    out = copy.deepcopy(data)
    if not path:
        return value if how == "replace" else out
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last][key] = value
    elif how == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    return out


@pytest.mark.parametrize("name", sorted(PLANS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.data(), how=st.sampled_from(["replace", "delete", "add"]), value=_VALUE,
       key=st.sampled_from(["name", "kind", "x", "Snv", "snv_2", "type", "notes", "deadline"]),
       partial=st.booleans())
def test_a_mutated_plan_is_shown_valid_only_when_jsonschema_accepts_it(
        name: str, pick: st.DataObject, how: str, value: Any, key: str, partial: bool) -> None:
    data, paths = _plan(name)
    path = pick.draw(st.sampled_from(paths))
    mutated = _mutate(data, path, how, value, key)
    include = PLANS[name][1]
    flat = schema._flat(include, partial)
    shown = schema.proven(flat, mutated)
    assert schema.prover(flat)(mutated) is shown, path  # the compiled check: the same answer
    if shown:
        assert _errors(mutated, include, partial) == [], path


@pytest.mark.parametrize(("keyword", "sub", "x", "shown"), [
    ("const", {"const": 1}, 1, True),
    ("const", {"const": 1}, True, False),  # jsonschema tells True from 1: leave it to it
    ("const", {"const": 1}, 1.0, False),
    ("format", {"format": "date"}, "2023-03-14", True),
    ("format", {"format": "date"}, "2023-02-30", False),
    ("format", {"format": "date"}, "2023-03-14\n", False),
    ("format", {"format": "date"}, 20230314, True),  # a format says nothing of other types
    ("items", {"items": {"type": "string"}}, ["a", "b"], True),
    ("items", {"items": {"type": "string"}}, ["a", 1], False),
    ("minItems", {"minItems": 1}, [], False),
    ("minItems", {"minItems": 1}, ["a"], True),
    ("minimum", {"minimum": 0}, 0.5, False),  # floats are left to jsonschema
    ("unknown", {"oneOf": [{"type": "string"}]}, "a", False),
])
def test_the_keywords_added_for_whole_plans(keyword: str, sub: Any, x: Any, shown: bool) -> None:
    assert schema.proven(sub, x) is shown, keyword
    assert schema.prover(sub)(x) is shown, keyword


@pytest.mark.parametrize("name", sorted(PLANS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pick=st.data(), value=_VALUE)
def test_the_compiled_check_answers_as_proven_on_any_part_of_the_schema(
        name: str, pick: st.DataObject, value: Any) -> None:
    """Each sub-schema of the flat schema, against random data and the plan's own parts."""
    data, paths = _plan(name)
    flat = schema._flat(PLANS[name][1])
    subs = _subschemas(flat)
    sub = pick.draw(st.sampled_from(subs))
    part = _at(data, pick.draw(st.sampled_from(paths)))
    for x in (value, part):
        assert schema.prover(sub)(x) is schema.proven(sub, x)


def _subschemas(node: Any) -> list[Any]:
    out = [node] if isinstance(node, (dict, bool)) else []
    if isinstance(node, dict):
        for v in node.values():
            out += _subschemas(v)
    elif isinstance(node, list):
        for v in node:
            out += _subschemas(v)
    return out


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


BROKEN = """\
cchc: 1
id: t
title: {vi: T}
period: {year: 2023, reports: {q1: 2023-02-30}}
agencies:
  tinh: {name: {vi: Tỉnh}, kind: province}
  snv: {name: {vi: ''}, kind: ministry, prent: tinh}
facts:
  x: {type: count, unit: 1}
indicators: []
"""


def test_a_broken_plan_gets_jsonschemas_diagnostics_unchanged(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tree, diags = read_yaml(BROKEN, "broken.yaml")
    assert isinstance(tree, YMap) and not diags
    fast = Collector()
    schema.validate(tree, fast)
    monkeypatch.setattr(schema, "proven", lambda s, x: False)  # jsonschema alone
    monkeypatch.setattr(schema, "_flat_prover", lambda include, partial: lambda x: False)
    slow = Collector()
    schema.validate(tree, slow)
    assert fast.diagnostics and [d.to_dict() for d in fast.diagnostics] == \
        [d.to_dict() for d in slow.diagnostics]
