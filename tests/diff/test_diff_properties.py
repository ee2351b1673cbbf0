"""Laws of the semantic diff, on children of the 2023 plan generated with known overrides."""

from __future__ import annotations

import copy
import functools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.diff import PlanDiff, diff_plans
from tests.diff import diffgen

SLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@functools.cache
def parent_plan() -> engine.Plan:
    return engine.load_plan(diffgen.PLAN)


def reported(diff: PlanDiff) -> set[tuple[str, ...]]:
    """Everything the diff lists, in the form the generator records its overrides."""
    out: set[tuple[str, ...]] = {("metadata", "changed", "", c.field) for c in diff.metadata}
    for s in diff.sections:
        out |= {(s.name, "added", e.id) for e in s.added}
        out |= {(s.name, "removed", e.id) for e in s.removed}
        out |= {(s.name, "changed", c.id, f) for c in s.changed for f in c.fields}
    return out


@st.composite
def children(draw: st.DrawFn) -> diffgen.Child:
    base = diffgen.parent()
    child = diffgen.Child(copy.deepcopy(base))
    every = diffgen.indicators(base)
    agencies = list(base["agencies"])
    kinds = draw(st.lists(st.sampled_from(
        ["threshold", "owner", "remove", "add", "reparent", "rename"]), max_size=6))
    for n, kind in enumerate(kinds):
        alive = [i for i in every if i not in child.removed]
        if kind == "threshold":
            iid = draw(st.sampled_from([i for i in diffgen.thresholds(base) if i in alive]))
            diffgen.change_threshold(child, iid, draw(st.integers(1, 100)))
        elif kind == "owner":
            diffgen.change_owner(child, draw(st.sampled_from(alive)),
                                 draw(st.sampled_from(agencies)))
        elif kind == "remove":
            diffgen.remove_indicator(child, draw(st.sampled_from(alive)))
        elif kind == "add":
            diffgen.add_indicator(child, draw(st.sampled_from(list(base["areas"]))),
                                  draw(st.sampled_from(every)), n)
        elif kind == "reparent":
            diffgen.reparent(child, draw(st.sampled_from(diffgen.communes(base))),
                             draw(st.sampled_from(diffgen.districts(base))))
        else:
            diffgen.rename(child, draw(st.sampled_from(agencies)),
                           draw(st.sampled_from(["vi", "en"])))
    if draw(st.booleans()):
        child.data = diffgen.shuffle(child.data, random.Random(draw(st.integers(0, 2**32))))
    return child


@SLOW
@given(child=children())
def test_the_diff_lists_exactly_the_overrides(child: diffgen.Child,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    path = diffgen.write(child.data, tmp_path_factory.mktemp("child") / "child.yaml")
    plan = engine.load_plan(path)
    diff = diff_plans(parent_plan(), plan)
    assert reported(diff) == child.expected
    assert diff.is_empty == (not child.expected)
    # a plan never differs from itself, and the diff backwards is the diff forwards, mirrored
    assert diff_plans(plan, plan).is_empty
    back = diff_plans(plan, parent_plan())
    assert {e.id for e in back.indicators.added} == {e.id for e in diff.indicators.removed}
    assert {e.id for e in back.indicators.removed} == {e.id for e in diff.indicators.added}
    assert {(c.id, f.field, f.new, f.old) for c in back.agencies.changed for f in c.changes} == \
        {(c.id, f.field, f.old, f.new) for c in diff.agencies.changed for f in c.changes}


def test_the_2023_plan_does_not_differ_from_itself() -> None:
    diff = diff_plans(parent_plan(), parent_plan())
    assert diff.is_empty
    assert reported(diff) == set()
    assert diff_plans(parent_plan(), engine.load_plan(diffgen.PLAN)).is_empty


def test_inlining_reformatting_and_reordering_give_no_diff(tmp_path: Path) -> None:
    # PyYAML's layout, the commune file inlined, and every mapping and list shuffled
    data = diffgen.shuffle(diffgen.parent_data(), random.Random(7))
    plan = engine.load_plan(diffgen.write(data, tmp_path / "shuffled.yaml"))
    assert list(plan.agencies) != list(parent_plan().agencies)  # the order really changed
    assert diff_plans(parent_plan(), plan).is_empty


def test_the_generator_records_what_it_changes() -> None:
    # The generator itself: an override that changes nothing records nothing.
    child = diffgen.Child(copy.deepcopy(diffgen.parent()))
    diffgen.change_owner(child, "procedures.on_time", "vp_ubnd")  # already its owner
    diffgen.change_threshold(child, "procedures.on_time", 99)  # already 99%
    diffgen.reparent(child, "tp_son_la_chieng_le", "tp_son_la")  # already its parent
    assert child.expected == set()
    diffgen.change_threshold(child, "procedures.on_time", 98)
    diffgen.remove_indicator(child, "procedures.on_time")
    assert child.expected == {("indicators", "removed", "procedures.on_time")}
