"""The semantic diff: each kind of change is found, meaningless ones are not, and the renderings
(text, Markdown, JSON) and the `cchc diff` command are pinned by golden files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from cli import main
from engine.diff import FieldChange, PlanDiff, diff_plans
from engine.render_diff import render_diff_json, render_diff_markdown, render_diff_text

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "plans" / "minimal.yaml"
PLAN_2023 = "plans/2023.yaml"
PLAN_2024 = "tests/data/diff/2024.yaml"


def variant(tmp_path: Path, *edits: tuple[str, str], name: str = "new.yaml") -> engine.Plan:
    """The minimal plan with each ``old`` text replaced by ``new`` (each must occur once)."""
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return engine.load_plan(path)


@pytest.fixture(scope="module")
def minimal() -> engine.Plan:
    return engine.load_plan(MINIMAL)


def changes(diff: PlanDiff) -> set[tuple[str, str, str]]:
    return {(s.name, c.id, f.field) for s in diff.sections for c in s.changed for f in c.changes}


# -- what is found -----------------------------------------------------------------------------


def test_a_plan_does_not_differ_from_itself(minimal: engine.Plan) -> None:
    diff = diff_plans(minimal, minimal)
    assert diff.is_empty
    assert not diff.metadata and all(s.is_empty for s in diff.sections)
    assert render_diff_text(diff).endswith("no differences\n")


@pytest.mark.parametrize(("edit", "field", "old", "new"), [
    (("target: value > 99%", "target: value >= 99.5%"), "target", "value > 99%",
     "value >= 99.5%"),
    (("value: sum(on_time) / sum(received)", "value: sum(on_time) / (sum(received) + 1)"),
     "value", "sum(on_time) / sum(received)", "sum(on_time) / (sum(received) + 1)"),
    (("applicable: sum(received) > 0", "applicable: sum(received) > 10"), "applicable",
     "sum(received) > 0", "sum(received) > 10"),
    (("applicable: sum(received) > 0", "applicable: sum(received) > 0\n        deadline: "
      "2023-12-14"), "deadline", None, "2023-12-14"),
    (("owner: snv\n        scope: receiving", "owner: stp\n        scope: receiving"), "owner",
     "snv", "stp"),
    (("unit: percent", "unit: number"), "unit", "percent", "number"),
    (("name: {vi: Trên 99% hồ sơ đúng hạn, en: More than 99% on time}",
      "name: {vi: Trên 99% hồ sơ đúng hạn}"), "name.en", "More than 99% on time", None),
    (("source: II.3.a", "source: II.3.b"), "source", "II.3.a", "II.3.b"),
    (("source: II.3.a", "source: II.3.a\n        baseline: 95%"), "baseline", None, "0.95"),
])
def test_each_field_of_an_indicator(tmp_path: Path, minimal: engine.Plan,
                                    edit: tuple[str, str], field: str, old: str | None,
                                    new: str | None) -> None:
    diff = diff_plans(minimal, variant(tmp_path, edit))
    assert changes(diff) == {("indicators", "procedures.on_time", field)}
    assert diff.indicators.changed[0].get(field) == FieldChange(field, old, new)


def test_a_new_scope_lists_the_agencies_that_came_and_went(tmp_path: Path,
                                                           minimal: engine.Plan) -> None:
    diff = diff_plans(minimal, variant(
        tmp_path, ("scope: receiving", "scope: departments"),
        ("value: sum(on_time) / sum(received)\n        target: value > 99%\n        "
         "applicable: sum(received) > 0", "value: sum(on_time) / sum(received)\n        "
         "target: value > 99%\n        applicable: sum(received) > 0")))
    change = diff.indicators.changed[0].get("scope")
    assert change == FieldChange("scope", "receiving", "departments", (),
                                 ("huyen_a", "xa_a1"))
    assert "receiving -> departments (members -2 agencies: huyen_a, xa_a1)" in \
        render_diff_text(diff)


def test_a_group_that_changes_its_members_shows_in_its_users(tmp_path: Path,
                                                             minimal: engine.Plan) -> None:
    # The group keeps its id; the indicator and the facts over it see other agencies.
    diff = diff_plans(minimal, variant(
        tmp_path, ("receiving: {union: [departments], agencies: [huyen_a, xa_a1]}",
                   "receiving: {union: [departments], agencies: [huyen_a]}")))
    assert diff.groups.changed[0].get("members") == FieldChange("members", 4, 3, (), ("xa_a1",))
    assert diff.indicators.changed[0].get("scope") == FieldChange(
        "scope", "receiving", "receiving", (), ("xa_a1",))
    assert {c.id for c in diff.facts.changed} == {"received", "on_time"}
    assert all(c.fields == ("reported_by",) for c in diff.facts.changed)


def test_a_group_defined_otherwise_with_the_same_members_is_no_change(
        tmp_path: Path, minimal: engine.Plan) -> None:
    diff = diff_plans(minimal, variant(
        tmp_path, ("receiving: {union: [departments], agencies: [huyen_a, xa_a1]}",
                   "receiving: {agencies: [xa_a1, huyen_a, stp, snv]}")))
    assert diff.is_empty


def test_agencies_added_removed_moved_renamed_and_of_another_kind(
        tmp_path: Path, minimal: engine.Plan) -> None:
    new = variant(
        tmp_path,
        ("  xa_a1: {name: {vi: Xã A1}, kind: commune, parent: huyen_a}\n",
         "  xa_a1: {name: {vi: Phường A1}, kind: commune, parent: tinh}\n"
         "  xa_a2: {name: {vi: Xã A2}, kind: commune, parent: huyen_a}\n"),
        ("  stp: {name: {vi: Sở Tư pháp}, kind: department, parent: tinh}\n", ""),
        ("  snv: {name: {vi: Sở Nội vụ}, kind: department, parent: tinh}",
         "  snv: {name: {vi: Sở Nội vụ}, kind: sector_agency, parent: tinh}"),
        ("departments: {kinds: [department]}", "departments: {kinds: [department, "
         "sector_agency]}"))
    diff = diff_plans(minimal, new)
    assert [e.id for e in diff.agencies.added] == ["xa_a2"]
    assert diff.agencies.added[0].get("parent") == "huyen_a"
    assert [e.id for e in diff.agencies.removed] == ["stp"]
    assert changes(diff) >= {("agencies", "xa_a1", "name.vi"), ("agencies", "xa_a1", "parent"),
                             ("agencies", "snv", "kind")}
    assert [c.id for c in diff.moved_agencies] == ["xa_a1"]
    assert [c.id for c in diff.renamed_agencies] == ["xa_a1"]
    # stp left the departments group, xa_a2 came into receiving (by 'agencies': no, by kind
    # commune it is in no group here), so only the groups' real members are compared
    assert diff.groups.changed_entry("departments") == diff.groups.changed[0]
    assert diff.groups.changed[0].get("members") == FieldChange("members", 2, 1, (), ("stp",))


def test_an_official_code_given_or_changed_is_a_change(tmp_path: Path,
                                                      minimal: engine.Plan) -> None:
    old = variant(tmp_path, ("kind: commune, parent: huyen_a}", "kind: commune, parent: huyen_a, "
                                                                "code: \"03646\"}"),
                  name="old.yaml")
    new = variant(
        tmp_path,
        ("kind: district, parent: tinh}", "kind: district, parent: tinh, code: \"116\"}"),
        ("kind: commune, parent: huyen_a}", "kind: commune, parent: huyen_a, code: 03649}"))
    diff = diff_plans(old, new)
    assert changes(diff) == {("agencies", "huyen_a", "code"), ("agencies", "xa_a1", "code")}
    commune = diff.agencies.changed_entry("xa_a1")
    assert commune is not None
    assert commune.get("code") == FieldChange("code", "03646", "03649")
    text = render_diff_text(diff)
    assert "  ~ huyen_a\n      code: (none) -> 116\n" in text
    assert "      code: 03646 -> 03649\n" in text
    assert "| `xa_a1` | Mã số đơn vị hành chính (official code) | 03646 | 03649 |" in \
        render_diff_markdown(diff)
    # the same code written plain or in quotes is no change
    assert diff_plans(new, variant(tmp_path, ("kind: district, parent: tinh}",
                                              "kind: district, parent: tinh, code: 116}"),
                                   ("kind: commune, parent: huyen_a}",
                                    "kind: commune, parent: huyen_a, code: \"03649\"}"),
                                   name="same.yaml")).is_empty


def test_periods_facts_and_metadata(tmp_path: Path, minimal: engine.Plan) -> None:
    new = variant(
        tmp_path,
        ("year: 2023", "year: 2024"),
        ("title: {vi: Kế hoạch CCHC thử nghiệm năm 2023, en: Test plan 2023}",
         "title: {vi: Kế hoạch CCHC thử nghiệm năm 2024, en: Test plan 2023}"),
        ("number: 1/QĐ-UBND", "number: 2/QĐ-UBND"),
        ("q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-14}",
         "q1: {name: {vi: Quý I}, from: 2022-12-15, until: 2023-03-13, due: 2023-03-15}\n"
         "  h1: {name: {vi: 6 tháng}, from: 2022-12-15, until: 2023-06-13, due: 2023-06-14}"),
        ("received: {type: count, unit: dossier", "received: {type: number, unit: dossier"),
        ("reported_by: departments, periods: [year]}",
         "reported_by: departments, periods: [q1, year]}"),
    )
    diff = diff_plans(minimal, new)
    assert [c.field for c in diff.metadata] == ["year", "title.vi", "decision.number"]
    assert diff.metadata[0] == FieldChange("year", 2023, 2024)
    assert [e.id for e in diff.periods.added] == ["h1"]
    assert diff.periods.changed[0].get("due") == FieldChange("due", "2023-03-14", "2023-03-15")
    # facts that do not list their periods are reported in every period, h1 now included
    assert changes(diff) == {("periods", "q1", "due"), ("facts", "received", "type"),
                             ("facts", "plan_issued", "periods"),
                             ("facts", "received", "periods"), ("facts", "on_time", "periods")}
    assert diff.facts.changed_entry("on_time").get("periods") == FieldChange(  # type: ignore[union-attr]
        "periods", "q1, year", "q1, h1, year")
    assert diff.facts.changed_entry("plan_issued").get("periods") == FieldChange(  # type: ignore[union-attr]
        "periods", "year", "q1, year")


def test_reformatting_and_reordering_give_no_diff(tmp_path: Path, minimal: engine.Plan) -> None:
    new = variant(
        tmp_path,
        ("value: sum(on_time) / sum(received)\n        target: value > 99%",
         "target: (value>99%)\n        value: |\n          sum( on_time )\n"
         "            / sum(received)"),
        ("  plan_issued: {type: bool, label: {vi: Đã ban hành kế hoạch}, reported_by: "
         "departments, periods: [year]}",
         "  plan_issued:\n    periods: [year]\n    reported_by: departments\n"
         "    label: {vi: \"Đã ban hành kế hoạch\"}\n    type: bool"),
        ("deadline: 2023-01-10", "deadline: \"2023-01-10\"  # a comment"),
    )
    assert diff_plans(minimal, new).is_empty


# -- renderings --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diff_2024() -> PlanDiff:
    # The copy includes the communes of plans/, outside its own folder: the root allows them.
    return diff_plans(engine.load_plan(ROOT / PLAN_2023),
                      engine.load_plan(ROOT / PLAN_2024, root=ROOT))


def test_the_json_is_the_diff_as_data(diff_2024: PlanDiff) -> None:
    data = json.loads(render_diff_json(diff_2024))
    assert data == json.loads(json.dumps(diff_2024.to_dict()))
    assert data["empty"] is False
    assert data["summary"]["indicators"] == {"added": 1, "removed": 1, "changed": 14}
    on_time = next(c for c in data["indicators"]["changed"] if c["id"] == "procedures.on_time")
    assert on_time["changes"] == [{"field": "target", "old": "value > 99%",
                                   "new": "value >= 99.5%"}]
    reporting = next(c for c in data["groups"]["changed"] if c["id"] == "reporting")
    assert reporting["changes"] == [{"field": "members", "old": 37, "new": 38,
                                     "members_added": ["hai_quan"], "members_removed": []}]


def test_markdown_escapes_table_cells(tmp_path: Path, minimal: engine.Plan) -> None:
    new = variant(tmp_path, ("en: More than 99% on time}", "en: \"On time | early\"}"))
    text = render_diff_markdown(diff_plans(minimal, new))
    assert "| More than 99% on time | On time \\| early |" in text


def test_long_member_lists_are_cut_in_text_but_whole_in_json(tmp_path: Path) -> None:
    old = engine.load_plan(ROOT / PLAN_2023)
    text = (ROOT / PLAN_2023).read_text(encoding="utf-8")
    (tmp_path / "agencies-2023-communes.yaml").write_bytes(
        (ROOT / "plans" / "agencies-2023-communes.yaml").read_bytes())
    text = text.replace("        owner: vp_ubnd\n        scope: receiving\n        value: "
                        "sum(dossiers_transferred_electronically)", "        owner: vp_ubnd\n"
                        "        scope: departments\n        value: "
                        "sum(dossiers_transferred_electronically)")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    diff = diff_plans(old, engine.load_plan(tmp_path / "p.yaml"))
    change = diff.indicators.changed[0].get("scope")
    assert change is not None and len(change.removed) == 216 and not change.added
    assert "receiving -> departments (members -216 agencies: bac_yen, bac_yen_bac_yen, " \
        "bac_yen_chieng_sai, bac_yen_chim_van, bac_yen_hang_chu, bac_yen_hang_dong, " \
        "bac_yen_hong_ngai, bac_yen_hua_nhan and 208 more)" in render_diff_text(diff)
    assert len(json.loads(render_diff_json(diff))["indicators"]["changed"][0]["changes"][0]
               ["members_removed"]) == 216


# -- the command -------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_cli_golden_2023_against_a_modified_copy(fmt: str, golden: object,
                                                 diff_2024: PlanDiff,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("diff", PLAN_2023, PLAN_2024, "--format", fmt, "--root", ".")
    assert (code, err) == (0, "")
    suffix = {"text": "txt", "markdown": "md", "json": "json"}[fmt]
    golden(f"diff/2023-2024.{suffix}", out)  # type: ignore[operator]
    render = {"text": render_diff_text, "markdown": render_diff_markdown,
              "json": render_diff_json}[fmt]
    assert out == render(diff_2024)


def test_cli_says_no_differences_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("diff", PLAN_2023, PLAN_2023)
    assert code == 0
    assert out == ("old: son-la-cchc-2023 2023 (plans/2023.yaml)\n"
                   "new: son-la-cchc-2023 2023 (plans/2023.yaml)\nno differences\n")
    code, out, _ = run("diff", PLAN_2023, PLAN_2023, "--format", "json")
    assert code == 0 and json.loads(out)["empty"] is True
    code, out, _ = run("diff", PLAN_2023, PLAN_2023, "--format", "markdown")
    assert code == 0 and "Không có khác biệt (no differences)." in out


def test_cli_reports_every_invalid_plan_and_exits_2(golden: object,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("diff", "--lang", "en", "tests/data/diff/invalid.yaml", PLAN_2023)
    assert code == 2 and out == ""
    golden("diff/invalid.txt", err)  # type: ignore[operator]
    # both plans are checked before giving up
    code, out, err = run("diff", "--lang", "en", "tests/data/diff/invalid.yaml",
        "tests/data/diff/missing.yaml")
    assert code == 2 and out == ""
    assert "tests/data/diff/invalid.yaml:" in err and "error[E420]" in err
    assert "tests/data/diff/missing.yaml" in err and "error[E407]" in err


def test_areas_and_notes(tmp_path: Path, minimal: engine.Plan) -> None:
    diff = diff_plans(minimal, variant(
        tmp_path,
        ("    name: {vi: Cải cách thủ tục hành chính}\n    lead: snv\n",
         "    name: {vi: Cải cách TTHC, en: Procedure reform}\n    lead: stp\n"
         "    notes: notes are not compared\n"),
        ("        source: VI.1.a\n", "        source: VI.1.a\n        notes: nor here\n")))
    assert changes(diff) == {("areas", "procedures", "name.vi"),
                             ("areas", "procedures", "name.en"),
                             ("areas", "procedures", "lead")}
    assert "Lĩnh vực (Areas)" in render_diff_markdown(diff)
