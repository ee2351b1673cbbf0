"""An id cannot carry a line break: the schema's patterns are anchored at the very end of the
text, as JSON Schema (ECMA-262) means them, not before a final line break as Python's ``$``."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine

MINIMAL = (Path(__file__).resolve().parents[1] / "data" / "plans" / "minimal.yaml").read_text(
    encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ("  stp: {name:", '  "stp\\n": {name:', 12, 3),            # an agency id, as a key
    ("id: mini-2023", 'id: "mini-2023\\n"', 3, 5),              # the plan id, as a value
    ("  q1: {name:", '  "q1\\n": {name:', 21, 3),               # a period id
])
def test_an_id_ending_in_a_line_break_is_refused(old: str, new: str, line: int,
                                                 column: int) -> None:
    assert old in MINIMAL
    with pytest.raises(engine.PlanError) as caught:
        engine.loads_plan(MINIMAL.replace(old, new, 1), "p.yaml")
    first = caught.value.diagnostics[0]
    assert (first.code, first.location[1:3]) == ("E412", (line, column)), first.render()


def test_the_same_ids_without_the_line_break_load() -> None:
    plan = engine.loads_plan(MINIMAL, "p.yaml")
    assert {"stp", "tinh"} <= set(plan.agencies) and plan.id == "mini-2023"
