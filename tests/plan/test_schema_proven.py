"""The registry's entries shown valid without jsonschema (issue 17): :func:`engine.schema.proven`
never calls valid what jsonschema refuses, and a plan validated with the shortcut reports the
same diagnostics as jsonschema alone."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import schema
from engine.diagnostics import Collector
from engine.yamlsrc import YMap, read_yaml

_TEXT = st.sampled_from(["snv", "Sở Nội vụ", "", "x y", "1", "03646", "department", "commune",
                         "snv\n", "A1", "huyen_a"])
_SCALAR = st.one_of(_TEXT, st.integers(-3, 10**13), st.booleans(), st.none())
_KEYS = st.sampled_from(["name", "kind", "parent", "code", "notes", "vi", "en", "kinds", "x"])
_DATA = st.recursive(_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=8)


def _subschemas() -> list[tuple[str, Any]]:
    flat = schema._validator(False).schema
    out = []
    for key, sub in flat["properties"].items():
        if isinstance(sub, dict) and isinstance(sub.get("additionalProperties"), dict):
            out.append((key, sub["additionalProperties"]))
            out.append((key + " ids", sub.get("propertyNames", True)))
    return out


@pytest.mark.parametrize(("name", "sub"), _subschemas())
@settings(max_examples=300, deadline=None)
@given(x=_DATA)
def test_proven_is_never_wrong(name: str, sub: Any, x: Any) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        sub, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    if schema.proven(sub, x):
        assert not list(validator.iter_errors(x)), name


def test_agencies_of_the_usual_shape_are_proven() -> None:
    flat = schema._validator(False).schema["properties"]["agencies"]
    entry = {"name": {"vi": "Sở Nội vụ", "en": "Home Affairs"}, "kind": "department",
             "parent": "tinh", "code": "03646"}
    assert schema.proven(flat["additionalProperties"], entry)
    assert schema.proven(flat["propertyNames"], "snv")
    assert not schema.proven(flat["additionalProperties"], {**entry, "kind": "ministry"})
    assert not schema.proven(flat["propertyNames"], "Snv")


BAD = """\
cchc: 1
id: t
agencies:
  tinh: {name: {vi: Tỉnh}, kind: province}
  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
  stp: {name: {vi: ''}, kind: ministry, prent: tinh}
  Bad: {name: {vi: X}, kind: commune, code: '12a'}
  xa: {name: {vi: Xã}, kind: commune, code: 99999999999999}
"""


def test_the_shortcut_reports_what_jsonschema_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    tree, diags = read_yaml(BAD, "bad.yaml")
    assert isinstance(tree, YMap) and not diags
    fast = Collector()
    schema.validate(tree, fast)
    monkeypatch.setattr(schema, "_unproven", lambda s, data: data)
    slow = Collector()
    schema.validate(tree, slow)
    assert [d.to_dict() for d in fast.diagnostics] == [d.to_dict() for d in slow.diagnostics]
    assert {d.code for d in fast.diagnostics} >= {"E410", "E412"}
