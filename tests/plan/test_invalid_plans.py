"""The corpus of broken plans: one small plan per diagnostic code, each with its golden output.

Every file ``tests/data/invalid/<name>.yaml`` (except ``*.include.yaml``, which the plans include)
must fail to load; its rendered diagnostics are pinned by ``tests/golden/plan/<name>.txt``. The
table below says, for each, which code is reported and which text the carets cover, so that a
caret that drifts off the offending text fails a test even if the golden file were regenerated.
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from pathlib import Path

import pytest

from engine.diagnostics import PlanError
from engine.loader import load_plan

INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"
PLANS = sorted(p.stem for p in INVALID.glob("*.yaml") if not p.name.endswith(".include.yaml"))

#: plan -> every diagnostic as (file, code, line, col, the text the carets cover)
EXPECTED: dict[str, list[tuple[str, str, int, int, str]]] = {
    "e1xx_formula_syntax": [
        ("e1xx_formula_syntax.yaml", "E101", 19, 34, ")"),  # plain scalar
        ("e1xx_formula_syntax.yaml", "E101", 27, 35, "%"),  # double-quoted, after \u003e
        ("e1xx_formula_syntax.yaml", "E101", 34, 27, "''"),  # single-quoted: '' is one '
        ("e1xx_formula_syntax.yaml", "E101", 45, 23, ">"),  # | block, second line
    ],
    "e2xx_formula_names": [
        ("e2xx_formula_names.yaml", "E201", 22, 21, "on_tme"),
        ("e2xx_formula_names.yaml", "E203", 29, 16, "received"),
        ("e2xx_formula_names.yaml", "E201", 32, 15, "procedures.on_tim"),
    ],
    "e3xx_formula_types": [
        ("e3xx_formula_types.yaml", "E301", 20, 28, "issued_on + 1"),
        ("e3xx_formula_types.yaml", "E303", 28, 22, 'issued_on > \\"2023\\"'),
        ("e3xx_formula_types.yaml", "E303", 31, 15, "value > 2"),  # >- folded block
    ],
    "e401_empty": [("e401_empty.yaml", "E401", 1, 1, "#")],
    "e401_not_utf8": [("e401_not_utf8.yaml", "E401", 4, 15, "\ufffd")],
    "e401_syntax": [("e401_syntax.yaml", "E401", 5, 15, ":")],
    "e402_duplicate_key": [("e402_duplicate_key.yaml", "E402", 8, 3, "snv")],
    "e403_billion_laughs": [("e403_billion_laughs.yaml", "E403", 10, 4,
                             "&f [*e, *e, *e, *e, *e, *e, *e, *e, *e]")],
    "e404_merge_key": [("e404_merge_key.yaml", "E404", 8, 5, "<<")],
    "e404_python_tag": [("e404_python_tag.yaml", "E404", 5, 9,
                         "!!python/object/apply:os.system")],
    "e405_complex_key": [("e405_complex_key.yaml", "E405", 6, 3, "[snv, stp]")],
    "e406_defined_twice": [("e406_defined_twice.include.yaml", "E406", 3, 3, "huyen_a")],
    "e406_included_twice": [
        ("e406_included_twice.yaml", "E406", 7, 5, "./e406_included_twice.include.yaml"),
        ("e406_included_twice.yaml", "E406", 8, 5, "e406_included_twice.yaml"),
    ],
    "e408_extends_cycle": [("e408_extends_cycle.include.yaml", "E408", 3, 10,
                            "e408_extends_cycle.yaml")],
    "e435_relation": [
        ("e435_relation.yaml", "E435", 18, 15, "docs_received"),  # units differ
        ("e435_relation.yaml", "E435", 18, 30, "revenue"),  # a count and a number
        ("e435_relation.yaml", "E435", 18, 39, "feedback_received"),  # no common agency
    ],
    "e440_override_unknown": [("e440_override_unknown.yaml", "E440", 9, 7, "on_tme")],
    "e441_remove_unknown": [
        ("e441_remove_unknown.yaml", "E441", 7, 14, "sntv"),
        ("e441_remove_unknown.yaml", "E441", 8, 16, "procedures.plan"),
    ],
    "e442_removed_in_use": [("e442_removed_in_use.yaml", "E442", 7, 14, "xa_a1")],
    "e407_missing_include": [("e407_missing_include.yaml", "E407", 6, 5,
                              "agencies-communes.yaml")],
    "e409_outside_root": [("e409_outside_root.yaml", "E409", 4, 10, "../plans/minimal.yaml")],
    "e415_not_a_plan": [("e415_not_a_plan.yaml", "E415", 8, 5, "e415_not_a_plan.include.yaml")],
    "e410_include_keys": [
        ("e410_include_keys.include.yaml", "E410", 4, 1, "periods"),
        ("e410_include_keys.include.yaml", "E410", 6, 1, "agencys"),
    ],
    "e410_unknown_key": [
        ("e410_unknown_key.yaml", "E410", 10, 5, "parnet"),
        ("e410_unknown_key.yaml", "E410", 12, 45, "untill"),  # and no E411 for 'until'
    ],
    "e411_missing_key": [
        ("e411_missing_key.yaml", "E411", 7, 3, "snv"),
        ("e411_missing_key.yaml", "E411", 11, 3, "q1"),
    ],
    "e412_wrong_type": [
        ("e412_wrong_type.yaml", "E412", 2, 5, "Wrong Type"),
        ("e412_wrong_type.yaml", "E412", 3, 7, '"2023"'),
        ("e412_wrong_type.yaml", "E412", 4, 8, "Kế hoạch CCHC năm 2023"),
        ("e412_wrong_type.yaml", "E412", 6, 39, "provinse"),
        ("e412_wrong_type.yaml", "E412", 7, 3, "Sở_NV"),
        ("e412_wrong_type.yaml", "E412", 8, 10, "[q1, q2]"),
    ],
    "e413_invalid_date": [
        ("e413_invalid_date.yaml", "E413", 5, 37, "23/12/2022"),
        ("e413_invalid_date.yaml", "E413", 7, 52, "2023-02-30"),
    ],
    "e414_category_values": [
        ("e414_category_values.yaml", "E414", 8, 3, "par_group"),
        ("e414_category_values.yaml", "E414", 9, 27, "values"),
    ],
    "e420_unknown_agency": [
        ("e420_unknown_agency.yaml", "E420", 7, 58, "tnh"),  # parent
        ("e420_unknown_agency.yaml", "E420", 9, 27, "stp"),  # group member
        ("e420_unknown_agency.yaml", "E420", 15, 11, "sno"),  # area lead
        ("e420_unknown_agency.yaml", "E420", 20, 16, "svn"),  # indicator owner
    ],
    "e421_unknown_group": [
        ("e421_unknown_group.yaml", "E421", 10, 23, "departmens"),  # union
        ("e421_unknown_group.yaml", "E421", 12, 73, "recieving"),  # reported_by
        ("e421_unknown_group.yaml", "E421", 21, 16, "departmnts"),  # scope
    ],
    "e422_unknown_period": [("e422_unknown_period.yaml", "E422", 11, 84, "nam")],
    "e423_group_named_like_agency": [("e423_group_named_like_agency.yaml", "E423", 9, 3, "snv")],
    "e424_empty_scope": [("e424_empty_scope.yaml", "E424", 20, 16, "communes")],
    "e425_reserved_fact": [
        ("e425_reserved_fact.yaml", "E425", 8, 3, "value"),
        ("e425_reserved_fact.yaml", "E425", 9, 3, "sum"),
    ],
    "e426_unknown_fact": [("e426_unknown_fact.yaml", "E426", 13, 14, "dossiers_recieved")],
    "e427_duplicate_code": [
        ("e427_duplicate_code.yaml", "E427", 9, 91, "03646"),  # plain, the same as "03646"
        ("e427_duplicate_code.yaml", "E427", 10, 82, '"116"'),
    ],
    "e430_period_order": [
        ("e430_period_order.yaml", "E430", 6, 52, "2022-12-15"),
        ("e430_period_order.yaml", "E430", 11, 10, "2023-06-01"),
    ],
    "e431_deadline_far": [("e431_deadline_far.yaml", "E431", 20, 19, "2032-01-10")],
    "e432_unit_mismatch": [("e432_unit_mismatch.yaml", "E432", 18, 16, "issued")],
    "e433_target_not_condition": [
        ("e433_target_not_condition.yaml", "E433", 19, 17, "85%"),
        ("e433_target_not_condition.yaml", "E433", 20, 20, "sipas > 0"),
    ],
    "e434_baseline": [("e434_baseline.yaml", "E434", 20, 21, ",")],
    "e434_baseline_missing": [("e434_baseline_missing.yaml", "E434", 19, 26, "baseline")],
    "e501_hierarchy_cycle": [
        ("e501_hierarchy_cycle.yaml", "E501", 8, 53, "huyen_a"),
        ("e501_hierarchy_cycle.yaml", "E501", 9, 58, "snv"),
    ],
    "e502_group_cycle": [("e502_group_cycle.yaml", "E502", 11, 45, "local")],
    "e503_indicator_cycle": [("e503_indicator_cycle.yaml", "E503", 20, 42,
                              "civil_service.officials_excellent")],
}

_GUTTER = re.compile(r"^ *(\d+) \| (.*)$")
_CARETS = re.compile(r"^ *\| ( *)(\^+)$")


def load_error(name: str, monkeypatch: pytest.MonkeyPatch) -> PlanError:
    monkeypatch.chdir(INVALID)  # diagnostics name files relative to the working directory
    with pytest.raises(PlanError) as info:
        load_plan(f"{name}.yaml")
    return info.value


def covered(rendered: str) -> str:
    """The text of the source line that the carets of one rendered diagnostic stand under."""
    lines = rendered.splitlines()
    source = next(m.group(2) for line in lines if (m := _GUTTER.match(line)))
    carets = next(m for line in lines if (m := _CARETS.match(line)))
    start, width = len(carets.group(1)), len(carets.group(2))
    # A combining mark shares the cell of the letter before it.
    cells = list(itertools.accumulate(0 if unicodedata.combining(ch) else 1 for ch in source))
    return "".join(ch for ch, cell in zip(source, cells, strict=True)
                   if start < cell <= start + width)


def test_every_plan_of_the_corpus_has_expectations() -> None:
    assert sorted(EXPECTED) == PLANS


def test_the_corpus_covers_every_plan_code() -> None:
    from engine import loader

    documented = set(re.findall(r"``(E[45]\d\d)``", loader.__doc__ or ""))
    assert len(documented) == 35
    reported = {code for cases in EXPECTED.values() for _, code, *_ in cases}
    assert documented <= reported, documented - reported
    assert {c[:2] for c in reported} >= {"E1", "E2", "E3", "E4", "E5"}


@pytest.mark.parametrize("name", PLANS)
def test_broken_plan(name: str, monkeypatch: pytest.MonkeyPatch, golden: object) -> None:
    err = load_error(name, monkeypatch)
    got = [(d.location[0], d.code, d.location[1], d.location[2], covered(d.render()))
           for d in err.diagnostics]
    assert got == EXPECTED[name]
    for d in err.diagnostics:
        if d.code[:2] in ("E4", "E5"):  # formula diagnostics are the language's business
            assert d.help, f"{d.header()} says nothing about what to do"
    golden(f"plan/{name}.txt", err.render() + "\n")  # type: ignore[operator]


def test_carets_stay_under_the_text_after_a_tab_or_a_decomposed_letter(
        tmp_path: Path) -> None:
    # A tab, and a tone mark typed as its own code point (NFD, as some keyboards write it),
    # before the misspelt name on the same line.
    nfd = unicodedata.normalize("NFD", "tổng")
    text = (INVALID / "e2xx_formula_names.yaml").read_text(encoding="utf-8")
    broken = text.replace('value: "sum(on_tme) / sum(received)"',
                          f'value: "if \\"{nfd}\\" == \\"x\\"\tthen sum(on_tme) else 0"')
    assert broken != text
    path = tmp_path / "plan.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    first = info.value.diagnostics[0]
    assert (first.code, first.location[1:3]) == ("E201", (22, 49))  # columns count code points
    rendered = first.render()
    assert "\t" not in rendered
    assert covered(rendered) == "on_tme"


def test_billion_laughs_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    began = time.perf_counter()
    load_error("e403_billion_laughs", monkeypatch)
    assert time.perf_counter() - began < 1.0


def test_json_form_of_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    err = load_error("e412_wrong_type", monkeypatch)
    first = err.diagnostics[0].to_dict()
    assert {k: first[k] for k in ("code", "severity", "file", "line", "col", "end_line",
                                  "end_col")} == {
        "code": "E412", "severity": "error", "file": "e412_wrong_type.yaml", "line": 2,
        "col": 5, "end_line": 2, "end_col": 15}


def test_every_plan_code_is_explained_in_the_docs() -> None:
    from engine import loader

    page = (INVALID.parents[2] / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    section = page.split("## Plan (E4xx, E5xx)", 1)[1].split("\n## ", 1)[0]
    explained = set(re.findall(r"^### (E\d\d\d):", section, re.M))
    assert explained == set(re.findall(r"``(E[45]\d\d)``", loader.__doc__ or ""))
