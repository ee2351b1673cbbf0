"""The loader, tested directly: groups, hierarchy, includes, dependency order, typing, stages."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.builtins import RESERVED_NAMES
from engine.diagnostics import PlanError
from engine.loader import load_plan, plan_schema
from engine.model import Plan
from engine.nodes import Compare, Name, Number

HEAD = """\
cchc: 1
id: t
year: 2023
title: {vi: Kế hoạch thử}
"""

AGENCIES = """\
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
  stp: {name: {vi: Sở Tư pháp}, kind: department, parent: tinh}
  ca: {name: {vi: Công an tỉnh}, kind: sector_agency, parent: tinh}
  h_a: {name: {vi: Huyện A}, kind: district, parent: tinh}
  x_a1: {name: {vi: Xã A1}, kind: commune, parent: h_a}
  x_a2: {name: {vi: Xã A2}, kind: commune, parent: h_a}
  h_b: {name: {vi: Huyện B}, kind: district, parent: tinh}
  x_b1: {name: {vi: Xã B1}, kind: commune, parent: h_b}
"""

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """``write(body, name="plan.yaml", head=True)``: a plan file in a temporary folder."""
    def _write(body: str, name: str = "plan.yaml", head: bool = True) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((HEAD if head else "") + textwrap.dedent(body), encoding="utf-8")
        return path
    return _write


def load(write: Write, body: str) -> Plan:
    return load_plan(write(body))


def codes(write: Write, body: str) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(write(body))
    return [d.code for d in info.value.diagnostics]


# -- groups ---------------------------------------------------------------------------------

def test_groups_by_kind_list_union_and_minus(write: Write) -> None:
    plan = load(write, AGENCIES + """\
groups:
  departments: {kinds: [department]}
  local: {kinds: [district, commune]}
  leads: {agencies: [stp, snv]}
  receiving: {union: [departments, local]}
  others: {union: [receiving, ca], minus: [leads, x_b1]}
  mixed: {kinds: [sector_agency], agencies: [h_b], union: [leads], minus: [snv]}
  nobody: {}
""")
    members = {g.id: g.members for g in plan.groups.values()}
    # members keep the order of the registry, whatever order the definition lists them in
    assert members == {
        "departments": ("snv", "stp"),
        "local": ("h_a", "x_a1", "x_a2", "h_b", "x_b1"),
        "leads": ("snv", "stp"),
        "receiving": ("snv", "stp", "h_a", "x_a1", "x_a2", "h_b", "x_b1"),
        "others": ("ca", "h_a", "x_a1", "x_a2", "h_b"),
        "mixed": ("stp", "ca", "h_b"),
        "nobody": (),
    }
    assert plan.groups["others"].union == ("receiving", "ca")
    assert plan.groups["others"].minus == ("leads", "x_b1")
    assert plan.group_members("snv") == ("snv",)
    assert plan.group_members("missing") == ()


def test_a_group_may_use_a_group_defined_after_it(write: Write) -> None:
    plan = load(write, AGENCIES + """\
groups:
  all_local: {union: [districts, communes]}
  districts: {kinds: [district]}
  communes: {kinds: [commune]}
""")
    assert len(plan.groups["all_local"].members) == 5


def test_group_cycles_and_self_reference(write: Write) -> None:
    assert codes(write, AGENCIES + """\
groups:
  a: {union: [b]}
  b: {union: [c]}
  c: {union: [a]}
  d: {union: [d]}
""") == ["E502", "E502"]


def test_an_agency_listed_where_a_group_is_meant(write: Write) -> None:
    assert codes(write, AGENCIES + """\
groups:
  leads: {agencies: [snv]}
  bad: {agencies: [leads]}
""") == ["E420"]


# -- hierarchy --------------------------------------------------------------------------------

def test_hierarchy(write: Write) -> None:
    plan = load(write, AGENCIES)
    assert plan.roots() == ("tinh",)
    assert plan.children("h_a") == ("x_a1", "x_a2")
    assert plan.children("x_a1") == ()
    assert plan.descendants("h_a") == ("x_a1", "x_a2")
    assert len(plan.descendants("tinh")) == 8
    graph = plan.hierarchy()
    assert graph.number_of_nodes() == 9 and graph.number_of_edges() == 8
    assert graph.nodes["x_a1"]["kind"] == "commune"
    assert set(graph.successors("h_b")) == {"x_b1"}


def test_hierarchy_cycles_are_reported_once_each_as_paths(write: Write) -> None:
    with pytest.raises(PlanError) as info:
        load(write, """\
agencies:
  a: {name: {vi: A}, kind: district, parent: c}
  b: {name: {vi: B}, kind: district, parent: a}
  c: {name: {vi: C}, kind: district, parent: b}
  d: {name: {vi: D}, kind: commune, parent: a}
  e: {name: {vi: E}, kind: commune, parent: e}
""")
    messages = [d.message for d in info.value.diagnostics]
    assert len(messages) == 2
    assert "a -> c -> b -> a" in messages[0]
    assert "e -> e" in messages[1]


# -- includes ---------------------------------------------------------------------------------

def test_includes_add_agencies_groups_and_facts(write: Write) -> None:
    write("""\
agencies:
  x_a1: {name: {vi: Xã A1}, kind: commune, parent: h_a}
groups:
  communes: {kinds: [commune]}
facts:
  staff: {type: count, label: {vi: Số cán bộ}, reported_by: communes}
""", name="sub/communes.yaml", head=False)
    plan = load_plan(write("""\
include: [sub/communes.yaml]
agencies:
  tinh: {name: {vi: UBND tỉnh}, kind: province}
  h_a: {name: {vi: Huyện A}, kind: district, parent: tinh}
"""))
    assert list(plan.agencies) == ["tinh", "h_a", "x_a1"]
    assert plan.groups["communes"].members == ("x_a1",)
    assert plan.facts["staff"].reporters == ("x_a1",)
    assert plan.files[0].endswith("plan.yaml") and plan.files[1].endswith("communes.yaml")


def test_an_id_in_two_files_names_both(write: Write) -> None:
    write("agencies:\n  tinh: {name: {vi: Tỉnh}, kind: province}\n", name="inc.yaml",
          head=False)
    with pytest.raises(PlanError) as info:
        load_plan(write("include: [inc.yaml]\nagencies:\n"
                        "  tinh: {name: {vi: Tỉnh}, kind: province}\n"))
    (d,) = info.value.diagnostics
    assert d.code == "E406" and d.location[0].endswith("inc.yaml")
    assert "plan.yaml:7" in (d.help or "")


def test_include_problems_are_reported_in_the_included_file(write: Write) -> None:
    write("agencies:\n  h: {name: {vi: H}, kind: distric}\n", name="inc.yaml", head=False)
    with pytest.raises(PlanError) as info:
        load_plan(write("include: [inc.yaml, missing.yaml]\n"))
    got = sorted((d.code, Path(d.location[0]).name) for d in info.value.diagnostics)
    assert got == [("E407", "plan.yaml")]  # reading comes first: a missing file stops here
    write("include: [inc.yaml]\n")
    with pytest.raises(PlanError) as info:
        load_plan(write("include: [inc.yaml]\n"))
    (d,) = info.value.diagnostics
    assert (d.code, Path(d.location[0]).name, d.location[1]) == ("E412", "inc.yaml", 2)


# -- facts, periods, indicators ---------------------------------------------------------------

PERIODS = """\
periods:
  q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}
  year: {name: {vi: Năm}, from: 2022-12-15, until: 2023-12-13, due: 2023-12-14}
"""


def test_fact_periods_default_to_every_period(write: Write) -> None:
    plan = load(write, AGENCIES + PERIODS + """\
facts:
  a: {type: count, label: {vi: A}, reported_by: snv}
  b: {type: bool, label: {vi: B}, reported_by: snv, periods: [year]}
  c: {type: category, values: [Tốt, Khá], label: {vi: C}, reported_by: snv, periods: []}
""")
    assert plan.facts["a"].periods == ("q1", "year")
    assert plan.facts["b"].periods == ("year",)
    assert plan.facts["c"].periods == ()
    assert plan.facts["c"].values == ("Tốt", "Khá")


def test_fact_ids_that_formulas_use_are_refused(write: Write) -> None:
    assert {"value", "baseline", "and", "sum", "period_due"} <= RESERVED_NAMES
    assert codes(write, AGENCIES + """\
facts:
  period_due: {type: date, label: {vi: Hạn}, reported_by: snv}
  as_of: {type: date, label: {vi: Ngày}, reported_by: snv}
""") == ["E425", "E425"]


INDICATORS = AGENCIES + PERIODS + """\
groups:
  receiving: {kinds: [department, district, commune]}
facts:
  received: {type: count, label: {vi: Số hồ sơ}, reported_by: receiving}
  on_time: {type: count, label: {vi: Số đúng hạn}, reported_by: receiving}
areas:
  b_area:
    name: {vi: Lĩnh vực B}
    indicators:
      uses_both:
        name: {vi: Dùng hai chỉ số}
        unit: bool
        owner: snv
        scope: snv
        value: a_area.rate > 90% and b_area.base > 0
        target: value
      base:
        name: {vi: Cơ sở}
        unit: count
        owner: snv
        scope: receiving
        value: sum(received)
        target: value > 0
  a_area:
    name: {vi: Lĩnh vực A}
    indicators:
      rate:
        name: {vi: Tỷ lệ}
        unit: percent
        owner: snv
        scope: receiving
        value: b_area.base - b_area.base + sum(on_time) / sum(received)
        target: value > 99%
"""


def test_indicators_in_dependency_order_and_areas_in_file_order(write: Write) -> None:
    plan = load(write, INDICATORS)
    assert list(plan.indicators) == ["b_area.base", "a_area.rate", "b_area.uses_both"]
    assert plan.areas["b_area"].indicators == ("b_area.uses_both", "b_area.base")
    assert list(plan.areas) == ["b_area", "a_area"]
    assert plan.indicators["b_area.uses_both"].depends_on == ("b_area.base", "a_area.rate")
    assert plan.indicators["a_area.rate"].facts == ("on_time", "received")
    assert plan.indicators["a_area.rate"].population == ("snv", "stp", "h_a", "x_a1", "x_a2",
                                                         "h_b", "x_b1")


def test_dependency_cycle_is_a_path_starting_at_the_first_indicator(write: Write) -> None:
    body = INDICATORS.replace("value: sum(received)", "value: sum(received) + b_area.uses_both")
    with pytest.raises(PlanError) as info:
        load(write, body.replace("unit: count", "unit: number"))
    messages = [d.message.split(": ", 1)[1] for d in info.value.diagnostics]
    # two cycles, each once, each from the indicator written first
    assert messages == ["b_area.uses_both -> a_area.rate -> b_area.base -> b_area.uses_both",
                        "b_area.uses_both -> b_area.base -> b_area.uses_both"]


def test_formula_in_every_scalar_style_gives_the_same_expression(write: Write) -> None:
    styles = ['value > 99%', '"value > 99%"', "'value > 99%'", "|\n          value\n"
              "            > 99%", ">-\n          value >\n          99%"]
    exprs = []
    for i, style in enumerate(styles):
        body = INDICATORS.replace("target: value > 99%", f"target: {style}")
        plan = load_plan(write(body, name=f"p{i}.yaml"))
        exprs.append(plan.indicators["a_area.rate"].target.expr)
    assert exprs == [Compare((">",), (Name("value"), Number(Fraction(99, 100), True)))] * 5


def test_yaml_1_1_words_stay_text(write: Write) -> None:
    plan = load(write, AGENCIES + """\
facts:
  answer: {type: category, values: [YES, NO, on, off, 1.10, 2023-01-10], label: {vi: Trả lời},
           reported_by: snv}
areas:
  a:
    name: {vi: A}
    indicators:
      b:
        name: {vi: NO}
        unit: category
        owner: snv
        scope: snv
        value: answer
        target: value in ["YES", "NO"]
        source: 1.10
""")
    assert plan.facts["answer"].values == ("YES", "NO", "on", "off", "1.10", "2023-01-10")
    assert plan.indicators["a.b"].source == "1.10"
    assert plan.indicators["a.b"].name.vi == "NO"


def test_names_are_nfc(write: Write) -> None:
    decomposed = "Sở Nội vụ".encode().decode()
    import unicodedata

    nfd = unicodedata.normalize("NFD", decomposed)
    plan = load(write, f"agencies:\n  snv: {{name: {{vi: {nfd}}}, kind: department}}\n")
    assert plan.agencies["snv"].name.vi == unicodedata.normalize("NFC", decomposed)


def test_bom_and_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    text = (HEAD + AGENCIES).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    plan = load_plan(path)
    assert plan.agencies["x_b1"].name.vi == "Xã B1"
    path.write_bytes(text.replace("parent: h_b", "parent: h_c").encode())
    with pytest.raises(PlanError) as info:
        load_plan(path)
    (d,) = info.value.diagnostics
    assert d.location[1:3] == (14, 52) and d.span is not None and d.span.text == "h_c"


def test_baseline_is_a_literal_and_visible_to_formulas(write: Write) -> None:
    body = INDICATORS.replace("target: value > 99%", "target: value > baseline\n"
                              "        baseline: 86.78%")
    plan = load(write, body)
    assert plan.indicators["a_area.rate"].baseline == Fraction(8678, 10000)


# -- stages -------------------------------------------------------------------------------------

def test_every_problem_of_a_stage_is_reported_then_the_loader_stops(write: Write) -> None:
    # three reference problems in one stage; the bad formula is never reached
    got = codes(write, AGENCIES + """\
groups:
  g: {union: [nope]}
facts:
  f: {type: count, label: {vi: F}, reported_by: nobody, periods: [q9]}
areas:
  a:
    name: {vi: A}
    indicators:
      b: {name: {vi: B}, unit: count, owner: snv, scope: g, value: "1 +", target: value}
""")
    assert got == ["E421", "E421", "E422"]


def test_schema_problems_stop_before_references(write: Write) -> None:
    assert codes(write, "agencies:\n  a: {name: {vi: A}, kind: planet, parent: nobody}\n") == \
        ["E412"]


def test_diagnostics_are_sorted_by_place(write: Write) -> None:
    with pytest.raises(PlanError) as info:
        load(write, "agencies:\n  b: {name: {vi: B}, kind: x}\n  a: {nam: {vi: A}, kind: y}\n")
    places = [d.location[1:3] for d in info.value.diagnostics]
    assert places == sorted(places)


def test_a_plan_that_is_not_a_mapping(write: Write) -> None:
    path = write("- a\n- b\n", head=False)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert [d.code for d in info.value.diagnostics] == ["E412"]


def test_missing_plan_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "nope.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "E407" and d.location[0].endswith("nope.yaml") and d.help


def test_model_is_immutable_and_two_loads_are_equal(write: Write) -> None:
    path = write(INDICATORS)
    a, b = load_plan(path), load_plan(path)
    assert a == b
    with pytest.raises(TypeError):
        a.agencies["new"] = a.agencies["snv"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        a.agencies["snv"].kind = "x"  # type: ignore[misc]


def test_schema_is_draft_2020_12_and_lists_every_top_level_key() -> None:
    schema = plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == {"cchc", "id", "year", "title", "decision", "source",
                                         "notes", "extends", "include", "agencies", "groups",
                                         "periods", "facts", "areas", "remove", "merge_agencies"}


# -- totality -----------------------------------------------------------------------------------

MINIMAL = (Path(__file__).resolve().parents[1] / "data" / "plans" / "minimal.yaml").read_text(
    encoding="utf-8")
PIECES = [*" :-[]{}\"'#\n|>&*!%@,?.09az_ếĐ\t\\", "value", "sum(", "  ", "\n  ", "kind: ",
          "parent: tinh", "scope: snv", "2023-", "99%", "<<: ", "!!str ", "~"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), st.sampled_from(PIECES)),
                      min_size=1, max_size=6))
def test_any_edit_of_a_plan_loads_or_gives_diagnostics(
        edits: list[tuple[float, int, str]], tmp_path: Path) -> None:
    """Whatever an officer types, the loader answers with a plan or with diagnostics that
    render; never with another exception."""
    text = MINIMAL
    for where, op, piece in edits:
        pos = int(where * len(text))
        text = text[:pos] + piece + text[pos:] if op else text[:pos] + text[pos + 4:]
    path = tmp_path / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_plan(path)
    except PlanError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.render().startswith(str(path.name)) or d.location[0].endswith(path.name)
            assert d.to_dict()["code"] == d.code
