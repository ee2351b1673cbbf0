"""Directives that only make sense in a plan that extends another, and the depth of a chain."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.loader import MAX_EXTENDS

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "plans" / "minimal.yaml"


def test_remove_in_a_plan_that_extends_none_is_an_error() -> None:
    text = MINIMAL.read_text("utf-8") + "remove:\n  agencies: [snv]\n"
    with pytest.raises(engine.PlanError) as info:
        engine.loads_plan(text, "plan.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "E441" and "extends no other plan" in d.message
    assert d.span is not None and d.span.text == "remove"


def test_a_chain_deeper_than_the_limit_is_refused_at_the_line_that_goes_too_deep(
        tmp_path: Path) -> None:
    (tmp_path / "p0.yaml").write_text(MINIMAL.read_text("utf-8"), "utf-8")
    depth = MAX_EXTENDS + 5
    for i in range(1, depth):
        (tmp_path / f"p{i}.yaml").write_text(f"extends: p{i - 1}.yaml\n", "utf-8")
    with pytest.raises(engine.PlanError) as info:
        engine.load_plan(tmp_path / f"p{depth - 1}.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "E408" and f"more than {MAX_EXTENDS} deep" in d.message
    assert d.span is not None and d.span.text.startswith("p")


def test_a_chain_within_the_limit_loads(tmp_path: Path) -> None:
    (tmp_path / "p0.yaml").write_text(MINIMAL.read_text("utf-8"), "utf-8")
    for i in range(1, 5):
        (tmp_path / f"p{i}.yaml").write_text(f"extends: p{i - 1}.yaml\n", "utf-8")
    plan = engine.load_plan(tmp_path / "p4.yaml")
    assert plan.id == engine.load_plan(tmp_path / "p0.yaml").id
