"""engine.inherit, tested directly on YAML trees: folding includes, merging a child onto its
parent, removals, merged agencies, and E406/E440–E442."""

from __future__ import annotations

import textwrap

from engine import schema
from engine.diagnostics import Collector
from engine.inherit import REQUIRED, Resolver, fold_includes
from engine.yamlsrc import YMap, YNode, YScalar, YSeq, read_yaml, to_data


def tree(text: str, name: str = "child.yaml") -> YMap:
    node, diagnostics = read_yaml(textwrap.dedent(text), name)
    assert not diagnostics and isinstance(node, YMap)
    return node


def at(node: YNode, *path: str) -> YNode:
    for key in path:
        assert isinstance(node, YMap)
        found = node.get(key)
        assert found is not None, key
        node = found
    return node


def codes(collector: Collector) -> list[tuple[str, str]]:
    return [(d.code, d.span.text if d.span else "") for d in collector.diagnostics]


PARENT = """\
    cchc: 1
    id: parent
    year: 2023
    agencies:
      tinh: {name: {vi: UBND tỉnh}, kind: province}
      snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}
      stp: {name: {vi: Sở Tư pháp}, kind: department, parent: tinh}
      xa_a: {name: {vi: Xã A}, kind: commune, parent: tinh}
      xa_b: {name: {vi: Xã B}, kind: commune, parent: tinh}
    groups:
      departments: {agencies: [snv, stp]}
      communes: {kinds: [commune]}
    facts:
      received: {type: count, label: {vi: Tiếp nhận}, reported_by: departments}
    areas:
      procedures:
        name: {vi: TTHC}
        lead: snv
        indicators:
          on_time:
            name: {vi: Đúng hạn}
            unit: percent
            owner: stp
            scope: departments
            value: sum(received)
            target: value > 0
"""


def merge(child: str) -> tuple[YMap, Collector]:
    collector = Collector()
    merged = Resolver(collector).merge(tree(PARENT, "parent.yaml"), tree(child))
    return merged, collector


def test_required_fields_are_those_of_the_schema() -> None:
    assert REQUIRED["agencies"] == schema.required_fields("agency") == ("name", "kind")
    assert REQUIRED["indicators"] == ("name", "unit", "owner", "scope", "value", "target")
    assert "groups" not in REQUIRED


# -- includes ----------------------------------------------------------------------------------


def test_includes_are_folded_in_file_order_and_the_include_key_goes() -> None:
    plan = tree("""\
        include: [a.yaml]
        agencies:
          tinh: {name: {vi: UBND tỉnh}, kind: province}
        """, "plan.yaml")
    inc = tree("""\
        agencies:
          xa: {name: {vi: Xã}, kind: commune}
        facts:
          f: {type: count, label: {vi: F}, reported_by: xa}
        """, "a.yaml")
    collector = Collector()
    folded = fold_includes([plan, inc], collector)
    assert collector.diagnostics == []
    assert "include" not in folded.items
    assert list(at(folded, "agencies").items) == ["tinh", "xa"]  # type: ignore[union-attr]
    assert list(at(folded, "facts").items) == ["f"]  # type: ignore[union-attr]
    assert at(folded, "agencies", "xa").span.source.name == "a.yaml"
    # The trees that were folded are left as they were.
    assert list(at(plan, "agencies").items) == ["tinh"]  # type: ignore[union-attr]


def test_an_id_defined_in_two_files_is_e406_naming_the_first() -> None:
    plan = tree("agencies:\n  snv: {name: {vi: A}, kind: department}\n", "plan.yaml")
    inc = tree("agencies:\n  snv: {name: {vi: B}, kind: department}\n", "inc.yaml")
    collector = Collector()
    folded = fold_includes([plan, inc], collector)
    [d] = collector.diagnostics
    assert (d.code, d.message, d.location[:2]) == (
        "E406", "'snv' is defined twice in agencies", ("inc.yaml", 2))
    assert d.help is not None and d.help.startswith("it is already defined at plan.yaml:2;")
    name = at(folded, "agencies", "snv", "name", "vi")
    assert isinstance(name, YScalar) and name.text == "A"  # the first one is kept


# -- merging -----------------------------------------------------------------------------------


def test_an_override_replaces_fields_one_by_one_and_keeps_the_parents_others() -> None:
    merged, collector = merge("""\
        cchc: 1
        extends: parent.yaml
        year: 2024
        agencies:
          snv: {name: {vi: Sở Nội vụ mới}}
        areas:
          procedures:
            indicators:
              on_time: {target: value > 1}
        """)
    assert collector.diagnostics == []
    assert "extends" not in merged.items
    data = to_data(merged)
    assert data["year"] == 2024 and data["id"] == "parent"
    assert data["agencies"]["snv"] == {"name": {"vi": "Sở Nội vụ mới"}, "kind": "department",
                                       "parent": "tinh"}
    ind = data["areas"]["procedures"]["indicators"]["on_time"]
    assert ind["target"] == "value > 1" and ind["value"] == "sum(received)"
    # Each node keeps the file it was written in.
    assert at(merged, "areas", "procedures", "indicators", "on_time", "target"
              ).span.source.name == "child.yaml"
    assert at(merged, "areas", "procedures", "indicators", "on_time", "value"
              ).span.source.name == "parent.yaml"


def test_a_group_is_replaced_whole() -> None:
    merged, _ = merge("groups:\n  departments: {agencies: [snv]}\n")
    assert to_data(merged)["groups"]["departments"] == {"agencies": ["snv"]}


def test_a_new_entry_must_be_complete_otherwise_e440_with_a_did_you_mean() -> None:
    merged, collector = merge("""\
        agencies:
          snv2: {name: {vi: Sở mới}}
          so_moi: {name: {vi: Sở mới}, kind: department}
        """)
    [d] = collector.diagnostics
    assert (d.code, d.message) == ("E440", "no agency 'snv2' in the parent plan to override")
    assert d.help == "did you mean 'snv'? a new agency needs kind"
    assert list(at(merged, "agencies").items)[-1] == "so_moi"  # type: ignore[union-attr]


# -- removals ----------------------------------------------------------------------------------


def test_removed_entries_go_and_unknown_ones_are_e441() -> None:
    merged, collector = merge("""\
        remove:
          facts: [recieved]
          indicators: [procedures.on_tme]
          groups: [communes]
        """)
    assert [(d.code, d.span and d.span.text, d.help) for d in collector.diagnostics] == [
        ("E441", "recieved", "did you mean 'received'?"),
        ("E441", "procedures.on_tme", "did you mean 'procedures.on_time'?")]
    assert "communes" not in at(merged, "groups").items  # type: ignore[union-attr]
    assert "remove" not in merged.items


def test_removing_what_is_still_used_is_e442_listing_every_user() -> None:
    _, collector = merge("remove:\n  agencies: [stp]\n  facts: [received]\n")
    by_id = {d.span.text: d for d in collector.diagnostics if d.span}
    assert sorted(by_id) == ["received", "stp"]
    stp = by_id["stp"]
    assert stp.code == "E442"
    assert stp.message == "'stp' is removed but 2 part(s) of the plan still use it"
    assert stp.notes == ("used by group departments, at parent.yaml:11",
                         "used by indicator procedures.on_time (owner), at parent.yaml:23")
    assert by_id["received"].notes == (
        "used by indicator procedures.on_time (value), at parent.yaml:25",)


def test_agencies_are_removed_by_kind_except_those_the_child_names() -> None:
    merged, collector = merge("""\
        agencies:
          xa_b: {parent: snv}
        remove:
          agency_kinds: [commune]
        """)
    assert collector.diagnostics == []
    assert list(at(merged, "agencies").items) == [  # type: ignore[union-attr]
        "tinh", "snv", "stp", "xa_b"]


def test_an_unknown_kind_of_removal_is_e410() -> None:
    _, collector = merge("remove:\n  agency: [snv]\n")
    assert codes(collector) == [("E410", "agency")]


# -- merged agencies ---------------------------------------------------------------------------


def test_merged_agencies_disappear_and_every_reference_follows() -> None:
    merged, collector = merge("merge_agencies:\n  snv: [stp]\n")
    assert collector.diagnostics == []
    data = to_data(merged)
    assert "stp" not in data["agencies"]
    assert data["groups"]["departments"] == {"agencies": ["snv"]}  # not [snv, snv]
    assert data["areas"]["procedures"]["indicators"]["on_time"]["owner"] == "snv"
    group = at(merged, "groups", "departments", "agencies")
    assert isinstance(group, YSeq) and len(group.items) == 1


def test_merging_unknown_agencies_is_e441() -> None:
    _, collector = merge("merge_agencies:\n  snvv: [stp]\n  snv: [sto]\n")
    assert codes(collector) == [("E441", "snvv"), ("E441", "sto")]
