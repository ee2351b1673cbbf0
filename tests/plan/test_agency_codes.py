"""The optional official ``code`` of an agency: digits as written, unique across agencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.diagnostics import PlanError
from engine.dump import dump_plan
from engine.loader import load_plan, loads_plan
from engine.model import Agency, Label

HEAD = """\
cchc: 1
id: codes
year: 2023
title: {vi: Kế hoạch}
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
"""


def plan_with(codes: list[str]) -> str:
    return HEAD + "".join(f"  xa_{i}: {{name: {{vi: Xã {i}}}, kind: commune, parent: tinh, "
                          f"code: {code}}}\n" for i, code in enumerate(codes))


def diagnostics(text: str, base_dir: Path | None = None) -> list[tuple[object, ...]]:
    with pytest.raises(PlanError) as info:
        loads_plan(text, "p.yaml", base_dir=base_dir)
    return [(d.code, *d.location[:3]) for d in info.value.diagnostics]


def test_a_code_is_kept_as_written_with_its_leading_zeros() -> None:
    plan = loads_plan(plan_with(['"03646"', "03649", "116"]), "p.yaml")
    assert [plan.agencies[f"xa_{i}"].code for i in range(3)] == ["03646", "03649", "116"]
    assert plan.agencies["tinh"].code is None


def test_an_agency_built_by_position_has_no_code() -> None:
    # the field is the last one, so constructions written before it keep working
    a = Agency("xa", Label("Xã"), "commune", "huyen", "notes", None)
    assert (a.parent, a.notes, a.code) == ("huyen", "notes", None)
    assert Agency("xa", Label("Xã"), "commune", code="03646") != Agency("xa", Label("Xã"),
                                                                          "commune")


@pytest.mark.parametrize(("code", "col", "message"), [
    ('"12a"', 63, "'12a' is not an official code in agencies.xa_0.code"),
    ('""', 63, "'' is not an official code in agencies.xa_0.code"),
    ("-5", 63, "'-5' is not an official code in agencies.xa_0.code"),
    ("true", 63, "'true' is not an official code in agencies.xa_0.code"),
    ("1234567890123", 63, "'1234567890123' is not an official code in agencies.xa_0.code"),
    ('" 03646"', 63, "' 03646' is not an official code in agencies.xa_0.code"),
])
def test_a_code_that_is_not_digits_is_refused_where_it_is(code: str, col: int,
                                                          message: str) -> None:
    with pytest.raises(PlanError) as info:
        loads_plan(plan_with([code]), "p.yaml")
    [d] = info.value.diagnostics
    assert (d.code, d.location[:3], d.message) == ("E412", ("p.yaml", 7, col), message)
    assert d.help is not None and '"03646"' in d.help


def test_a_code_given_twice_is_reported_at_the_second_with_the_first_in_the_help() -> None:
    with pytest.raises(PlanError) as info:
        loads_plan(plan_with(['"03646"', "03649", "03646", '"03649"', "03646"]), "p.yaml")
    got = [(d.code, *d.location[:3], d.message) for d in info.value.diagnostics]
    assert got == [
        ("E427", "p.yaml", 9, 63, "the code '03646' of 'xa_2' is already the code of 'xa_0'"),
        ("E427", "p.yaml", 10, 63, "the code '03649' of 'xa_3' is already the code of 'xa_1'"),
        ("E427", "p.yaml", 11, 63, "the code '03646' of 'xa_4' is already the code of 'xa_0'"),
    ]
    assert info.value.diagnostics[0].help is not None
    assert info.value.diagnostics[0].help.startswith("'xa_0' has it at p.yaml:7;")


def test_a_code_of_an_included_file_is_compared_with_the_plans(tmp_path: Path) -> None:
    (tmp_path / "communes.yaml").write_text(
        "agencies:\n"
        "  xa_a: {name: {vi: Xã A}, kind: commune, parent: huyen, code: \"03646\"}\n"
        "  xa_b: {name: {vi: Xã B}, kind: commune, parent: huyen, code: \"116\"}\n",
        encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(
        HEAD + "  huyen: {name: {vi: Huyện}, kind: district, parent: tinh, code: \"116\"}\n"
        "include: [communes.yaml]\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "plan.yaml")
    [d] = info.value.diagnostics
    assert d.code == "E427" and d.location[1:3] == (3, 64)
    assert d.location[0].endswith("communes.yaml")
    assert d.help is not None and "plan.yaml:7;" in d.help


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["03646", "03649", "116", "04246", "7"]), max_size=8))
def test_one_error_for_each_repeated_code(codes: list[str]) -> None:
    text = plan_with([f'"{c}"' for c in codes])
    repeated = [i for i, c in enumerate(codes) if c in codes[:i]]
    if not repeated:
        plan = loads_plan(text, "p.yaml")
        assert [a.code for a in plan.agencies.values() if a.code] == codes
        return
    got = diagnostics(text)
    assert got == [("E427", "p.yaml", 7 + i, 63) for i in repeated]


def test_a_dump_keeps_the_codes() -> None:
    plan = loads_plan(plan_with(['"03646"', "116"]), "p.yaml")
    text = dump_plan(plan)
    assert 'code: "03646"' in text and 'code: "116"' in text
    assert loads_plan(text, "dump.yaml") == plan
