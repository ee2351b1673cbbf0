"""engine.graph, tested directly: the order and the cycles of any graph, and the exports of a
plan's dependency graph."""

from __future__ import annotations

import itertools
import json

from hypothesis import given
from hypothesis import strategies as st

from engine.graph import (
    cycle_paths,
    dependency_graph,
    dependency_order,
    to_dot,
    to_json,
    to_mermaid,
)
from engine.loader import loads_plan
from engine.model import Plan

# -- order -------------------------------------------------------------------------------------


def test_dependencies_come_first_otherwise_the_given_order() -> None:
    edges = {"a": ["c"], "b": [], "c": [], "d": ["a", "b"]}
    assert dependency_order(edges, ["a", "b", "c", "d"]) == ["b", "c", "a", "d"]
    assert dependency_order(edges, ["d", "c", "b", "a"]) == ["c", "b", "a", "d"]


def test_a_node_named_only_by_an_edge_is_ordered_after_the_given_ones() -> None:
    assert dependency_order({"a": ["z"]}, ["a"]) == ["z", "a"]


def test_repeated_edges_count_once() -> None:
    assert dependency_order({"a": ["b", "b"], "b": []}, ["a", "b"]) == ["b", "a"]


def test_there_is_no_order_with_a_cycle() -> None:
    assert dependency_order({"a": ["b"], "b": ["a"], "c": []}, ["a", "b", "c"]) is None
    assert dependency_order({"a": ["a"]}, ["a"]) is None


# -- cycles ------------------------------------------------------------------------------------


def test_a_graph_without_cycles_has_no_cycle_paths() -> None:
    assert cycle_paths({"a": ["b"], "b": ["c"], "c": []}, ["a", "b", "c"]) == []


def test_a_cycle_starts_and_ends_at_its_node_given_first() -> None:
    edges = {"x": ["y"], "y": ["z"], "z": ["x"]}
    assert cycle_paths(edges, ["y", "z", "x"]) == [["y", "z", "x", "y"]]
    assert cycle_paths(edges, ["z", "x", "y"]) == [["z", "x", "y", "z"]]


def test_a_self_loop_is_a_cycle_of_one() -> None:
    assert cycle_paths({"snv": ["snv"]}, ["snv"]) == [["snv", "snv"]]


def test_every_cycle_is_reported_once_in_the_given_order() -> None:
    edges = {"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c", "e"], "e": ["e"], "f": ["a"]}
    assert cycle_paths(edges, ["f", "e", "c", "d", "a", "b"]) == [
        ["e", "e"], ["c", "d", "c"], ["a", "b", "a"]]


def test_two_cycles_through_one_node_are_both_reported() -> None:
    edges = {"a": ["b", "c"], "b": ["a"], "c": ["a"]}
    assert cycle_paths(edges, ["a", "b", "c"]) == [["a", "b", "a"], ["a", "c", "a"]]


graphs = st.dictionaries(st.sampled_from("abcdef"), st.lists(st.sampled_from("abcdef"),
                                                             max_size=3), max_size=6)


@given(graphs)
def test_an_order_respects_every_edge_and_otherwise_the_cycles_are_real(
        edges: dict[str, list[str]]) -> None:
    names = sorted({*edges, *(t for ts in edges.values() for t in ts)})
    order = dependency_order(edges, names)
    cycles = cycle_paths(edges, names)
    if order is not None:
        assert sorted(order) == names
        assert all(order.index(t) < order.index(n) for n, ts in edges.items() for t in ts)
        assert cycles == []
    else:
        assert cycles
        for path in cycles:
            assert path[0] == path[-1]
            assert path[0] == min(path, key=names.index)
            assert len(set(path[:-1])) == len(path) - 1
            assert all(b in edges.get(a, []) for a, b in itertools.pairwise(path))


# -- a plan's dependency graph -----------------------------------------------------------------

PLAN = """\
cchc: 1
id: graph-test
year: 2023
title: {vi: Kế hoạch thử}
agencies:
  snv: {name: {vi: Sở Nội vụ}, kind: department}
facts:
  received: {type: count, label: {vi: Số hồ sơ "tiếp nhận"}, reported_by: snv}
  on_time: {type: count, label: {vi: Số hồ sơ đúng hạn}, reported_by: snv}
areas:
  procedures:
    name: {vi: Cải cách TTHC}
    indicators:
      on_time:
        name: {vi: Tỷ lệ đúng hạn}
        unit: percent
        owner: snv
        scope: snv
        value: on_time / received
        target: value >= 95%
      better:
        name: {vi: Cao hơn}
        unit: bool
        owner: snv
        scope: snv
        value: procedures.on_time > 96%
        target: value
"""


def plan() -> Plan:
    return loads_plan(PLAN, "graph.yaml")


def test_the_graph_links_indicators_to_the_facts_and_indicators_they_read() -> None:
    graph = dependency_graph(plan())
    assert sorted(graph.edges()) == [
        ("procedures.better", "procedures.on_time"),
        ("procedures.on_time", "on_time"), ("procedures.on_time", "received")]
    assert graph.nodes["received"] == {"kind": "fact", "label": 'Số hồ sơ "tiếp nhận"',
                                       "type": "count"}
    assert graph.nodes["procedures.on_time"]["kind"] == "indicator"


def test_the_graph_of_one_indicator_holds_what_it_depends_on() -> None:
    assert set(dependency_graph(plan(), "procedures.on_time").nodes) == {
        "procedures.on_time", "on_time", "received"}
    assert set(dependency_graph(plan(), "procedures.better").nodes) == {
        "procedures.better", "procedures.on_time", "on_time", "received"}


def test_dot_quotes_labels_and_shapes_indicators_as_boxes() -> None:
    dot = to_dot(plan(), "procedures.on_time")
    assert dot.startswith("digraph cchc {\n") and dot.endswith("}\n")
    assert '"received" [shape=ellipse, label="received\\nSố hồ sơ \\"tiếp nhận\\""];' in dot
    assert '"procedures.on_time" [shape=box, ' in dot
    assert '  "procedures.on_time" -> "on_time";' in dot


def test_mermaid_numbers_the_nodes_and_keeps_quotes_out_of_labels() -> None:
    text = to_mermaid(plan())
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    # nodes sorted: on_time, procedures.better, procedures.on_time, received
    assert '  n3(["received<br/>Số hồ sơ #quot;tiếp nhận#quot;"])' in lines
    assert '  n1["procedures.better<br/>Cao hơn"]' in lines
    assert "  n1 --> n2" in lines


def test_json_lists_nodes_and_edges() -> None:
    data = json.loads(to_json(plan(), "procedures.better"))
    assert [n["id"] for n in data["nodes"]] == [
        "on_time", "procedures.better", "procedures.on_time", "received"]
    assert {"from": "procedures.better", "to": "procedures.on_time"} in data["edges"]
    assert len(data["edges"]) == 3


def test_exports_write_out_control_characters_and_keep_line_breaks_in_their_syntax() -> None:
    plan_text = PLAN.replace('label: {vi: Số hồ sơ đúng hạn}',
                                       'label: {vi: "Số\\nhồ sơ \\e[2J\\u202eđúng hạn"}')
    assert plan_text != PLAN
    graph_plan = loads_plan(plan_text, "graph.yaml")
    dot = to_dot(graph_plan)
    assert ('"on_time" [shape=ellipse, '
            'label="on_time\\nSố\\nhồ sơ \\\\x1b[2J\\\\u202eđúng hạn"];') in dot
    mermaid = to_mermaid(graph_plan)
    assert '  n0(["on_time<br/>Số<br/>hồ sơ \\x1b[2J\\u202eđúng hạn"])' in mermaid.splitlines()
    data = to_json(graph_plan)
    assert "\x1b" not in data and "\u202e" not in data
    assert json.loads(data)["nodes"][0]["label"] == "Số\nhồ sơ \x1b[2J\u202eđúng hạn"
