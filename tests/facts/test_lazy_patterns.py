"""The regular expressions of engine.fact_values are compiled when first used (issue 17, B6):
each is then the pattern ``re.compile`` makes of its text, in its place in the module, and
values read the same before and after."""

from __future__ import annotations

import re
from pathlib import Path

from engine import fact_values
from engine.lazyre import Lazy
from engine.loader import load_plan
from engine.model import FactDef

ROOT = Path(__file__).resolve().parents[2]


def test_each_pattern_is_compiled_when_first_used_and_then_in_its_place() -> None:
    lazy = {name: value for name, value in vars(fact_values).items()
            if isinstance(value, Lazy)}
    compiled = [value for value in vars(fact_values).values() if isinstance(value, re.Pattern)]
    assert len(lazy) + len(compiled) >= 15
    for name, proxy in lazy.items():
        assert proxy.name == name
        assert proxy.pattern == proxy.text  # (an attribute of the compiled pattern)
        now = getattr(fact_values, name)
        assert isinstance(now, re.Pattern) and now.pattern == proxy.text and now.flags == \
            re.compile(proxy.text).flags


def _fact(kind: str) -> FactDef:
    plan = load_plan(ROOT / "plans" / "2023.yaml")
    return next(f for f in plan.facts.values() if f.type == kind)


def test_values_read_the_same_before_and_after_the_patterns_are_compiled() -> None:
    cases = {"date": ["2023-03-14", "14/03/2023", "14.03.2023", "2023-3-14", "14/03/23",
                      "2023-03-14T10:00", "31/02/2023"],
             "number": ["1200", "1200.5", "1.200", "1 200", "1,5", "1,234,567", "1e3", ".5",
                        "1.234,5", "1,234.5", "-3"]}
    for kind, texts in cases.items():
        fact = _fact(kind)
        first = [fact_values.read_value(fact, t) for t in texts]
        assert [fact_values.read_value(fact, t) for t in texts] == first
        assert any(isinstance(got, fact_values.Problem) for got in first)
        assert any(not isinstance(got, fact_values.Problem) for got in first)
